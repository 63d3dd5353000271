"""The `outbox` job: registered, dispatches and sends what is due at the given time, idempotent; the kicks."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.messaging import jobs
from campaigns.messaging.models import Message
from common.jobs import job_names
from contacts.models import ContactEvent
from tests.factories import BrandFactory
from tests.messaging.support import record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db


def test_the_outbox_job_is_registered():
    assert "outbox" in job_names()


def test_run_job_outbox_sends_what_is_due_at_the_given_time_once():
    # given: an event whose message is delayed by an hour
    brand = BrandFactory()
    trigger(brand, delay_minutes=60)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    later = (timezone.now() + timedelta(hours=2)).isoformat()

    # when: the job runs now, then twice for two hours later
    now, first, second = StringIO(), StringIO(), StringIO()
    call_command("run_job", "outbox", stdout=now)
    call_command("run_job", "outbox", "--at", later, stdout=first)
    call_command("run_job", "outbox", "--at", later, stdout=second)

    # then
    assert "1 messages made; 0 sent" in now.getvalue()
    assert "0 messages made; 1 sent" in first.getvalue()
    assert "0 messages made; 0 sent" in second.getvalue()
    assert Message.objects.get().status == "sent"


def test_a_kick_runs_inline_without_a_broker_and_never_raises(settings, monkeypatch, caplog):
    brand = BrandFactory()
    trigger(brand)
    record(subscribed_contact(brand), "purchase_confirmed", brand=brand)
    settings.CELERY_TASK_ALWAYS_EAGER = True

    jobs.kick()

    assert Message.objects.get().status == "sent"
    assert not ContactEvent.objects.filter(dispatched_at__isnull=True).exists()

    # a broker that cannot be reached: logged, nothing raised, the event waits for the job
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def unreachable(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("campaigns.messaging.tasks.dispatch_and_relay.apply_async", unreachable)
    jobs.kick()
    assert "not started now" in caplog.text


def test_events_recorded_in_a_transaction_kick_the_dispatcher_after_the_commit(django_capture_on_commit_callbacks):
    brand = BrandFactory()
    trigger(brand)
    contact = subscribed_contact(brand)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record(contact, "purchase_confirmed", brand=brand)
        assert Message.objects.count() == 0  # nothing before the commit

    assert len(callbacks) >= 1
    assert Message.objects.get().status == "sent"
