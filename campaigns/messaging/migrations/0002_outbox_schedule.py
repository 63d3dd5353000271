"""Schedules the `outbox` job (dispatch new events, send due messages) every minute in django-celery-beat."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.jobs import ensure_job_schedule

    ensure_job_schedule(
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
        title="Outbox: dispatch events, send due messages",
        job="outbox",
        every=1,
        period="minutes",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
