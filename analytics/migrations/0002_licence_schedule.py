"""Schedules the daily `licence` job (the day's counts of active contacts, the 90 % e-mail) at 01:00 in the
project's time zone, in django-celery-beat."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.jobs import ensure_daily_job_schedule

    ensure_daily_job_schedule(
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
        title="Licence use: count the active contacts",
        job="licence",
        hour=1,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_licence_usage"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
