"""Roles: a Django group each, with the model permissions the role needs.

- a marketer runs campaigns, promo codes, customer segments, triggers, surveys and the catalogue, and reads the rest;
- an analyst reads everything;
- support edits contacts and the blacklist, blocks cards and adjusts points, keeps conversation notes as a store
  assistant (/assistant/), and reads the rest;
- a promoter only captures leads.

The groups are made by a data migration and brought up to date after every `migrate` (a new model's permissions
join the roles that cover its app), never taking away a permission someone gave a group by hand.
"""

from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q

ALL = ("add", "change", "delete", "view")
VIEW = ("view",)
# The project's apps whose models the roles cover.
PROJECT_APPS = (
    "contacts",
    "loyalty",
    "campaigns",
    "messaging",
    "surveys",
    "promocodes",
    "promoters",
    "analytics",
    "metrics",
    "account",
)

# role → (app label, model name or "*" for every model of the app(s), actions); app "*" = every project app.
ROLES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "marketer": (
        ("*", "*", VIEW),
        ("campaigns", "*", ALL),
        ("promocodes", "*", ALL),
        ("messaging", "trigger", ALL),
        ("surveys", "*", ALL),
        ("loyalty", "category", ALL),
        ("loyalty", "product", ALL),
    ),
    "analyst": (("*", "*", VIEW),),
    "support": (
        ("*", "*", VIEW),
        ("contacts", "contact", ("add", "change", "view")),
        ("contacts", "blacklistentry", ALL),
        ("loyalty", "card", ("change", "view")),
        ("loyalty", "enrollment", ("add", "change", "view")),
        # Support on the shop floor is the store assistant (/assistant/): conversation notes.
        ("account", "contactnote", ("add", "view")),
    ),
    "promoter": (
        ("promoters", "lead", ("add", "view")),
        ("promoters", "stand", VIEW),
    ),
}
ROLE_NAMES = tuple(ROLES)


def role_condition(role: str) -> Q:
    """The permissions of a role, as a filter on `auth.Permission`."""
    condition = Q(pk__in=[])
    for app_label, model, actions in ROLES[role]:
        labels = PROJECT_APPS if app_label == "*" else (app_label,)
        part = Q(content_type__app_label__in=labels)
        if model != "*":
            part &= Q(content_type__model=model)
        part &= Q(codename__regex=r"^({})_".format("|".join(actions)))
        condition |= part
    return condition


def sync_roles(apps: Any = global_apps) -> None:
    """Make the role groups and give each the permissions of its role that it lacks (idempotent)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.add(*permission_model.objects.filter(role_condition(role)).values_list("pk", flat=True))


def create_all_permissions(apps: Any, app_configs: Iterable[Any]) -> None:
    """Django makes permissions after `migrate`; a data migration that hands them out makes them first."""
    for app_config in app_configs:
        # Put back what was there: an app left without its models module gets no post-migrate step later in the run
        # (no content types or permissions for the models of the migrations that come after this one).
        models_module = app_config.models_module
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    """After the last app's post-migrate step (its permissions exist by then), bring the roles up to date."""
    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if sender.name != with_models[-1].name:
        return
    sync_roles(kwargs.get("apps") or global_apps)
