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
