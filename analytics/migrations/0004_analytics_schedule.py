"""Schedules the `analytics` job (the summaries brought up to date, then the metrics' scores) every 10 minutes, in
django-celery-beat; staff may change it in the admin."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.jobs import ensure_job_schedule

    ensure_job_schedule(
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
        title="Analytics: refresh the summaries and the scores",
        job="analytics",
        every=10,
        period="minutes",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_summaries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
