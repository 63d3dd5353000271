"""`manage.py run_job NAME [--at ISO-TIME]`: run one periodic job at once, for now or for the given time."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from common.jobs import UnknownJob, get_job, job_names


def parse_at(text: str) -> datetime:
    """An ISO 8601 time (a date alone is its midnight); without an offset, in the project's time zone."""
    value = parse_datetime(text)
    if value is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"--at: {text!r} is not an ISO 8601 time (e.g. 2026-03-01T09:00:00+03:00).")
        value = datetime(day.year, day.month, day.day)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class Command(BaseCommand):
    help = "Run one periodic job at once (idempotent: twice for one time changes nothing more)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the job: " + ", ".join(job_names()))
        parser.add_argument("--at", help="the time to run it for (ISO 8601; default now)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            job = get_job(name)
        except UnknownJob:
            raise CommandError(f"Unknown job {name!r}. Known jobs: {', '.join(job_names())}.") from None
        at = parse_at(options["at"]) if options.get("at") else timezone.now()
        summary = job.run(at)
        self.stdout.write(f"{name} at {at.isoformat()}: {summary}")
