"""Schedules the tier re-evaluation job added after 0003 (the same idempotent helper: missing schedules only)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from loyalty.periodic import ensure_periodic_tasks

    ensure_periodic_tasks(
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0004_purchases")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
