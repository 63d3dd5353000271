"""Every route of the API, walked as a brand-limited manager who holds every permission, over a world with a second
brand's objects: no answer shows, changes or counts anything of the other brand.

Routes come from the URL configuration and models from the scoping declarations, so a new route or model is
walked without a line written here (a model with no object of the other brand in the world fails the walk).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.routers import APIRootView
from rest_framework.serializers import ManyRelatedField, PrimaryKeyRelatedField

from loyalty.models import Purchase
from tests.access.walk import (
    GROUP,
    concrete_path,
    leaks,
    models_without_other_brand_objects,
    other_brand_objects,
    snapshot,
)
from tests.access.world import brand_manager, build_world
from tests.conftest import token_client

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# Answers that neither show nor change anything.
REFUSED = {400, 401, 403, 404, 405, 415}
# Query parameters that point a list at objects: each gets the other brand's object of that model.
FILTERS = ("program", "brand", "store", "register", "partner", "contact", "campaign", "pool", "segment", "card_type")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def api_routes() -> list[tuple[str, Any, dict[str, str] | None]]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "format" in pattern.pattern.regex.groupindex:
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is None or issubclass(view, APIRootView):
            continue
        routes.append((route, view, getattr(pattern.callback, "actions", None)))
    return routes


def route_methods(view: Any, actions: dict[str, str] | None) -> list[str]:
    if actions is not None:
        return [method for method in METHODS if method in actions]
    return [method for method in METHODS if hasattr(view, method)]


def route_model(view: Any) -> type[Model] | None:
    queryset = getattr(view, "queryset", None)
    return None if queryset is None else queryset.model


def reference_body(view: Any, model: type[Model], theirs: dict[type[Model], Model]) -> dict[str, Any]:
    """A create body whose every reference points at an object of the other brand."""
    serializer_class = getattr(view, "serializer_class", None)
    if serializer_class is None:
        return {}
    body: dict[str, Any] = {}
    for name, field in serializer_class().fields.items():
        if field.read_only:
            continue
        target = field.child_relation if isinstance(field, ManyRelatedField) else field
        if not isinstance(target, PrimaryKeyRelatedField) or target.queryset is None:
            continue
        other = theirs.get(target.queryset.model)
        if other is not None:
            body[name] = [other.pk] if isinstance(field, ManyRelatedField) else other.pk
    return body


def test_every_api_route_keeps_a_brand_manager_inside_their_brand():
    # given
    mine, _theirs = build_world()
    manager = brand_manager(mine.brand)
    client = token_client(manager)
    assert models_without_other_brand_objects(manager) == [], "the world needs an object of the other brand"
    theirs = other_brand_objects(manager)
    every_other = list(theirs.values())
    before = snapshot(manager)
    problems: list[str] = []

    def check(method: str, path: str, response: Any, *, target: bool) -> None:
        text = response.content.decode(errors="replace")
        if found := leaks(text):
            problems.append(f"{method.upper()} {path} shows {found}: {text[:300]}")
        if target and response.status_code not in REFUSED:
            problems.append(f"{method.upper()} {path} answered {response.status_code} on the other brand's object")

    # when
    routes = api_routes()
    for route, view, actions in routes:
        model = route_model(view)
        kwargs = GROUP.findall(route)
        for method in route_methods(view, actions):
            if kwargs:
                if model is not None and model in theirs:
                    candidates = [theirs[model]]
                elif "purchase_id" in kwargs:
                    candidates = [theirs[Purchase]]
                elif model is None and method == "get":
                    candidates = every_other  # a route whose model is unknown: none of theirs may answer
                else:
                    candidates = []  # a model shared by every brand: seen by design, written only by unlimited staff
                for other in candidates:
                    path = concrete_path(route, {name: other.pk for name in kwargs})
                    response = getattr(client, method)(path, {}, format="json") if method != "get" else client.get(path)
                    check(method, path, response, target=True)
                continue
            path = concrete_path(route, {})
            if method == "get":
                check(method, path, client.get(path), target=False)
                query = {
                    name: obj.pk
                    for name in FILTERS
                    for other_model, obj in theirs.items()
                    if other_model._meta.model_name == name.replace("_", "")
                }
                check(method, path, client.get(path, query), target=False)
            elif method == "post" and model is not None:
                body = reference_body(view, model, theirs)
                if body:
                    check(method, path, client.post(path, body, format="json"), target=True)

    # then
    assert problems == [], "\n".join(problems)
    assert snapshot(manager) == before
    assert len(routes) > 40  # the walk saw the whole API
