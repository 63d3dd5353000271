"""Schedules the `segments` job (recompute the customer segments whose `recompute_minutes` have passed) every minute
in django-celery-beat; a segment's own schedule decides how often it is actually recomputed."""

from django.db import migrations


def forwards(apps, schema_editor):
    from common.jobs import ensure_job_schedule

    ensure_job_schedule(
        interval_model=apps.get_model("django_celery_beat", "IntervalSchedule"),
        task_model=apps.get_model("django_celery_beat", "PeriodicTask"),
        changed_model=apps.get_model("django_celery_beat", "PeriodicTasks"),
        title="Segments: recompute those due",
        job="segments",
        every=1,
        period="minutes",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_segment_membership_history"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
