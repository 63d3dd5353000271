"""`manage.py setup_periodic_tasks`: create the missing django-celery-beat schedules of the ledger's jobs."""

from typing import Any

from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from loyalty.periodic import ensure_periodic_tasks


class Command(BaseCommand):
    help = "Create the periodic tasks of the points ledger (expiry, activation) that are missing; idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        made = ensure_periodic_tasks(
            interval_model=IntervalSchedule, task_model=PeriodicTask, changed_model=PeriodicTasks
        )
        self.stdout.write(f"{made} periodic task(s) created.")
