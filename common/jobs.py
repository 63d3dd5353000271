"""The periodic jobs: one registry of names, each a function of the time it runs for.

Every app registers its jobs in its AppConfig.ready() (`register_job("outbox", run)`); a job's `run(at)` does the
work due at `at` and returns a short summary, and running it twice for one time changes nothing more. The beat
schedules (django-celery-beat, editable in the admin) point at `common.tasks.run_job` with the job's name, and
`manage.py run_job NAME [--at ISO-TIME]` runs one at once. A registry rather than a list of tasks: the command, the
task and the schedules name jobs the same way, and an app above adds its own without anyone below knowing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

JobRun = Callable[[datetime], str]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobRun
    description: str = ""


class UnknownJob(LookupError):
    """No job of that name is registered."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


_jobs: dict[str, Job] = {}


def register_job(name: str, run: JobRun, *, description: str = "") -> None:
    """Register `run` under `name` (again with the same function is harmless; another function replaces it)."""
    _jobs[name] = Job(name=name, run=run, description=description or (run.__doc__ or "").strip().split("\n")[0])


def get_job(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise UnknownJob(name) from None


def job_names() -> list[str]:
    return sorted(_jobs)


def run_job(name: str, at: datetime) -> str:
    """Run one job for the time `at` and return its summary."""
    return get_job(name).run(at)


def ensure_job_schedule(
    *, interval_model: Any, task_model: Any, changed_model: Any = None, title: str, job: str, every: int, period: str
) -> bool:
    """Create the beat schedule `title` running `job` every `every` `period` (django-celery-beat's periods), unless
    one of that title exists (staff may have edited it). Takes the model classes, so that a data migration can pass
    its historical models. Returns whether it was made."""
    import json

    if task_model.objects.filter(name=title).exists():
        return False
    interval, _created = interval_model.objects.get_or_create(every=every, period=period)
    task_model.objects.create(
        name=title, task="common.tasks.run_job", args=json.dumps([job]), interval=interval, enabled=True
    )
    _schedules_changed(changed_model)
    return True


def ensure_daily_job_schedule(
    *, crontab_model: Any, task_model: Any, changed_model: Any = None, title: str, job: str, hour: int, minute: int = 0
) -> bool:
    """Like `ensure_job_schedule`, for a job run once a day at `hour`:`minute` in the project's time zone (a daily
    job whose events' time of day is when their messages go out runs at a set hour, not 24 hours after a start)."""
    import json

    from django.conf import settings

    if task_model.objects.filter(name=title).exists():
        return False
    crontab, _created = crontab_model.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    task_model.objects.create(
        name=title, task="common.tasks.run_job", args=json.dumps([job]), crontab=crontab, enabled=True
    )
    _schedules_changed(changed_model)
    return True


def _schedules_changed(changed_model: Any) -> None:
    """Tell a running beat that the schedules changed."""
    if changed_model is not None:
        from django.utils import timezone

        changed_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
