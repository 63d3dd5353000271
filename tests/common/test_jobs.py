"""The periodic jobs' registry and `manage.py run_job`."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from common.jobs import ensure_job_schedule, job_names, register_job, run_job
from loyalty.choices import EntryKind
from loyalty.models import LedgerEntry
from loyalty.services.ledger import accrue
from tests.loyalty.ledger_support import new_account


def test_the_ledger_jobs_are_registered():
    assert {"expire_points", "activate_points", "tiers"} <= set(job_names())


def test_an_unknown_job_is_refused_with_the_known_names():
    with pytest.raises(CommandError) as refused:
        call_command("run_job", "nope")
    assert "Unknown job 'nope'" in str(refused.value)
    assert "expire_points" in str(refused.value)


def test_a_bad_time_is_refused():
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("run_job", "expire_points", "--at", "yesterday")


@pytest.mark.django_db
def test_run_job_expires_points_for_the_given_time_once():
    # given: 40 points that expire in 3 days
    account = new_account()
    accrue(account=account, points="40", at=timezone.now() - timedelta(days=1), expires_in_days=4)
    later = (timezone.now() + timedelta(days=5)).isoformat()

    # when: the job runs for a time after the expiry, twice
    first, second = StringIO(), StringIO()
    call_command("run_job", "expire_points", "--at", later, stdout=first)
    call_command("run_job", "expire_points", "--at", later, stdout=second)

    # then: one expiry entry, and the second run wrote nothing
    assert "1 expiry entries written" in first.getvalue()
    assert "0 expiry entries written" in second.getvalue()
    expiry = LedgerEntry.objects.get(account=account, kind=EntryKind.EXPIRY)
    assert expiry.points == Decimal("-40.00")


def test_a_registered_job_runs_with_its_time():
    seen = []
    register_job("test_probe", lambda at: seen.append(at) or "probed")
    at = timezone.now()
    assert run_job("test_probe", at) == "probed"
    assert seen == [at]


@pytest.mark.django_db
def test_a_schedule_is_made_once_and_points_at_the_job_task():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    kwargs = {"interval_model": IntervalSchedule, "task_model": PeriodicTask, "title": "Probe", "job": "outbox"}
    assert ensure_job_schedule(**kwargs, every=1, period="minutes") is True
    assert ensure_job_schedule(**kwargs, every=5, period="minutes") is False
    task = PeriodicTask.objects.get(name="Probe")
    assert (task.task, task.args, task.interval.every) == ("common.tasks.run_job", '["outbox"]', 1)
