"""The processing centre's periodic jobs as django-celery-beat schedules (editable in the admin afterwards)."""

from typing import Any

# name → (task, every, period): period is one of django-celery-beat's IntervalSchedule periods.
PERIODIC_TASKS: dict[str, tuple[str, int, str]] = {
    "Expire points": ("loyalty.tasks.expire_points", 1, "hours"),
    "Activate pending points": ("loyalty.tasks.activate_points", 10, "minutes"),
    "Re-evaluate lapsed tiers": ("loyalty.tasks.reevaluate_lapsed_tiers", 1, "hours"),
}


def ensure_periodic_tasks(*, interval_model: Any, task_model: Any, changed_model: Any = None) -> int:
    """Create the schedules that are missing (by name); an existing one, maybe edited by staff, is left alone.

    Takes the model classes so that a data migration can pass its historical models. Returns how many were made.
    """
    made = 0
    for name, (task, every, period) in PERIODIC_TASKS.items():
        if task_model.objects.filter(name=name).exists():
            continue
        interval, _created = interval_model.objects.get_or_create(every=every, period=period)
        task_model.objects.create(name=name, task=task, interval=interval, enabled=True)
        made += 1
    if made and changed_model is not None:
        from django.utils import timezone

        changed_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return made
