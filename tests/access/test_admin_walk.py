"""Every page of the admin, walked as a brand-limited manager who holds every permission, over a world with a second
brand's objects: change lists (searched and filtered by the other brand's objects), add pages (their choices),
the other brand's change, delete and history pages, every action on the other brand's objects, every autocomplete
and every custom admin URL. No page may show, change or count anything of the other brand.

Admins come from `admin.site._registry` and the admin's URL patterns, relations from the models, so a new admin,
action, autocomplete or page is walked without a line written here.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from tests.access.walk import (
    leaks,
    models_without_other_brand_objects,
    other_brand_objects,
    project_models,
    snapshot,
)
from tests.access.world import OTHER, brand_manager, build_world

pytestmark = pytest.mark.django_db

# Answers to a page about the other brand's object: refused, or sent away (Django redirects an unknown object).
REFUSED = {302, 403, 404, 405}


def admin_urls(model: type[Model]) -> str:
    opts = model._meta
    return f"admin:{opts.app_label}_{opts.model_name}"


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def custom_object_urls(model_admin: Any) -> list[str]:
    """The admin's own URL patterns that take an object id, beyond Django's change, delete and history."""
    names = []
    for _route, pattern in _patterns(model_admin.get_urls()):
        name = pattern.name or ""
        if not name or name.endswith(("_change", "_delete", "_history")):
            continue
        if {"object_id", "pk", "id"} & set(pattern.pattern.regex.groupindex):
            names.append(name)
    return names


def relation_fields() -> Iterator[tuple[type[Model], str]]:
    """Every relation of a model of ours to a model whose admin can be searched: the autocompletes there are."""
    for model in project_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and (field.many_to_one or field.many_to_many)):
                continue
            remote = admin.site._registry.get(field.related_model)
            if remote is not None and remote.get_search_fields(None):  # type: ignore[arg-type]
                yield model, field.name


def test_every_admin_page_keeps_a_brand_manager_inside_their_brand():
    # given: the other brand has a manager of its own, whose name a user list would show
    mine, theirs_world = build_world()
    other_manager = get_user_model().objects.create_user(f"{OTHER.lower()}-manager", is_staff=True)
    theirs_world.brand.managers.add(other_manager)
    manager = brand_manager(mine.brand)
    client = Client()
    client.force_login(manager)
    assert models_without_other_brand_objects(manager) == []
    theirs = other_brand_objects(manager)
    before = snapshot(manager)
    problems: list[str] = []

    def check(what: str, response: Any, *, refused: bool = False, echo: str = "") -> None:
        text = response.content.decode(errors="replace")
        if echo:  # the page repeats what was searched for; anything else of theirs is a leak
            text = text.replace(echo, "")
        if found := leaks(text):
            problems.append(f"{what} shows {found}")
        if response.status_code >= 500:
            problems.append(f"{what} answered {response.status_code}")
        if refused and response.status_code not in REFUSED:
            problems.append(f"{what} answered {response.status_code} for the other brand's object")

    # when: the index, every change list (searched, filtered), every add page
    check("the admin index", client.get(reverse("admin:index")))
    for model, model_admin in admin.site._registry.items():
        base = admin_urls(model)
        changelist = reverse(f"{base}_changelist")
        check(changelist, client.get(changelist))
        for term in (OTHER, "+7999", "7999000"):
            check(f"{changelist}?q={term}", client.get(changelist, {"q": term}), echo=term)
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in theirs:
                other = theirs[field.related_model]
                query = {f"{field.name}__{field.target_field.name}__exact": other.pk}  # type: ignore[union-attr]
                check(f"{changelist} filtered by {query}", client.get(changelist, query))
        if model_admin.has_add_permission(_request(manager)):
            add = reverse(f"{base}_add")
            check(add, client.get(add))

        # the other brand's object: its pages, a save, every action, the admin's own pages
        other = theirs.get(model)
        if other is None:
            continue
        for page in ("change", "delete", "history"):
            url = reverse(f"{base}_{page}", args=[other.pk])
            check(url, client.get(url), refused=True)
        url = reverse(f"{base}_change", args=[other.pk])
        check(f"POST {url}", client.post(url, {"name": "Taken"}), refused=True)
        url = reverse(f"{base}_delete", args=[other.pk])
        check(f"POST {url}", client.post(url, {"post": "yes"}), refused=True)
        for action in model_admin.get_actions(_request(manager)):
            body = {"action": action, "_selected_action": [other.pk], "post": "yes", "index": 0}
            check(f"{changelist} action {action}", client.post(changelist, body))
        for name in custom_object_urls(model_admin):
            url = reverse(f"admin:{name}", args=[other.pk])
            check(url, client.get(url), refused=True)
            check(f"POST {url}", client.post(url, {}), refused=True)

    # every autocomplete, empty and searched for the other brand
    for model, field_name in relation_fields():
        for term in ("", OTHER, "+7999"):
            query = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
            query |= {"field_name": field_name, "term": term}
            check(f"autocomplete {query}", client.get(reverse("admin:autocomplete"), query), echo=term)

    # then
    assert problems == [], "\n".join(problems)
    assert snapshot(manager) == before
    assert len(admin.site._registry) > 20  # the walk saw the whole admin


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
