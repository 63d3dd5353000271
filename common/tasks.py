"""The one Celery task of the periodic jobs: the beat schedules name a registered job (common.jobs)."""

from celery import shared_task
from django.utils import timezone

from common.jobs import run_job as run_registered_job


@shared_task(name="common.tasks.run_job")
def run_job(name: str) -> str:
    """Run the job `name` for the current time; returns its summary."""
    return run_registered_job(name, timezone.now())
