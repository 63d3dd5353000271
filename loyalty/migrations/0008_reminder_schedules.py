"""Schedules the daily `points_expiring` and `birthdays` jobs (at 10:00 in the project's time zone: their events'
time of day is when the triggers' messages go out) in django-celery-beat."""

from django.db import migrations

SCHEDULES = (
    ("Points expiring: record the events", "points_expiring"),
    ("Birthdays: record the events", "birthdays"),
)


def forwards(apps, schema_editor):
    from common.jobs import ensure_daily_job_schedule

    for title, job in SCHEDULES:
        ensure_daily_job_schedule(
            crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
            task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
            changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
            title=title,
            job=job,
            hour=10,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0007_tier_change_reason_and_author"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
