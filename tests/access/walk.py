"""What the walks share: the project's models, the other brand's objects, a snapshot of them, the marker search."""

import re
from typing import Any

from django.core import serializers
from django.db.models import Model

from common.checks import _project_models
from common.scoping import declaration_of
from tests.access.world import OTHER_MARKERS


def project_models() -> list[type[Model]]:
    return _project_models()


def hidden(model: type[Model], user: Any) -> Any:
    """The objects of `model` the user may not see (all of them for internal models, none for shared ones)."""
    visible = model._default_manager.all().for_user(user).values("pk")  # type: ignore[attr-defined]
    return model._default_manager.exclude(pk__in=visible).order_by("pk")


def other_brand_objects(user: Any) -> dict[type[Model], Model]:
    """The first object of every brand-scoped model that the user may not see."""
    found = {}
    for model in project_models():
        declaration = declaration_of(model)
        if declaration is None or declaration.kind != "brand":
            continue
        first = hidden(model, user).first()
        if first is not None:
            found[model] = first
    return found


def models_without_other_brand_objects(user: Any) -> list[str]:
    objects = other_brand_objects(user)
    return [
        model._meta.label
        for model in project_models()
        if (declaration := declaration_of(model)) is not None and declaration.kind == "brand" and model not in objects
    ]


def snapshot(user: Any) -> dict[str, str]:
    """Every row the user may not change, serialised: equal before and after a walk = nothing of theirs changed."""
    rows = {}
    for model in project_models():
        declaration = declaration_of(model)
        queryset = model._default_manager.order_by("pk")
        if declaration is not None and declaration.kind == "brand":
            queryset = hidden(model, user)
        rows[model._meta.label] = serializers.serialize("json", queryset)
    return rows


def leaks(text: str) -> list[str]:
    """The other brand's markers found in a page or an answer."""
    return [marker for marker in OTHER_MARKERS if marker in text]


GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def concrete_path(route: str, values: dict[str, Any]) -> str:
    """`api/v1/^contacts/(?P<pk>\\d+)/balance/?$` with pk=5 → `/api/v1/contacts/5/balance`."""
    path = GROUP.sub(lambda match: str(values[match.group(1)]), route)
    for token in ("^", "$", "/?", "\\"):
        path = path.replace(token, "")
    return "/" + path
