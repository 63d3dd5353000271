"""System checks that keep tenancy a rule no model can forget."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error

from common.scoping import ScopedQuerySet, declaration_of


def _project_models() -> list[Any]:
    base = Path(settings.BASE_DIR).resolve()
    models: list[Any] = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or ".venv" in path.parts:
            continue
        models.extend(model for model in config.get_models() if not model._meta.proxy)
    return models


def check_models_are_scoped(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every model of the project declares its brand scope and answers `for_user` through its default manager."""
    errors: list[CheckMessage] = []
    for model in _project_models():
        label = model._meta.label
        if declaration_of(model) is None:
            errors.append(
                Error(
                    f"{label} declares no brand scope.",
                    hint="Decorate it with common.scoping.brand_scoped(...), shared or internal.",
                    obj=model,
                    id="common.E001",
                )
            )
        if not issubclass(model._default_manager._queryset_class, ScopedQuerySet):
            errors.append(
                Error(
                    f"{label}'s default manager cannot limit to a user.",
                    hint="Give it `objects = ScopedManager()` (common.scoping).",
                    obj=model,
                    id="common.E002",
                )
            )
    return errors


def check_admins_are_scoped(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every admin page limits to the user: a project model's admin and inlines through `for_user`, any other
    model's admin to unlimited staff."""
    from django.contrib import admin

    from common.admin.framework import UnlimitedStaffOnlyMixin
    from common.admin.scoping import BrandScopedAdminMixin, BrandScopedInlineMixin

    ours = set(_project_models())
    errors: list[CheckMessage] = []
    for model, model_admin in admin.site._registry.items():
        # A proxy (a report page over purchases, say) is scoped as the model it stands for.
        base = BrandScopedAdminMixin if model._meta.concrete_model in ours else UnlimitedStaffOnlyMixin
        if not isinstance(model_admin, base):
            errors.append(
                Error(
                    f"The admin of {model._meta.label} does not limit what it shows to the user.",
                    hint=f"Make it a {base.__module__}.{base.__name__}.",
                    obj=type(model_admin),
                    id="common.E003",
                )
            )
        for inline in model_admin.inlines:
            if inline.model in ours and not issubclass(inline, BrandScopedInlineMixin):
                errors.append(
                    Error(
                        f"The inline {inline.__name__} does not limit its rows to the user.",
                        hint="Make it a common.admin.scoping.BrandScopedInlineMixin.",
                        obj=inline,
                        id="common.E003",
                    )
                )
    return errors
