"""Schedules the daily `account_cleanup` job (spent login codes and dead customer tokens forgotten) at 03:30 in the
project's time zone, in django-celery-beat."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.jobs import ensure_daily_job_schedule

    ensure_daily_job_schedule(
        crontab_model=apps.get_model("django_celery_beat", "CrontabSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
        title="Personal account: forget old login codes and tokens",
        job="account_cleanup",
        hour=3,
        minute=30,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
