"""Schedules the ledger's periodic jobs (expire, activate) in django-celery-beat, so `migrate` alone sets them up."""

from django.db import migrations


def forwards(apps, schema_editor):
    from loyalty.periodic import ensure_periodic_tasks

    ensure_periodic_tasks(
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0002_ledger"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
