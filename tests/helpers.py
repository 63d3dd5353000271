"""Small assertions shared by the API tests."""

from datetime import datetime
from typing import Any

API = "/api/v1"


def url(resource: str, pk: object = None, *, slash: bool = False, action: str | None = None) -> str:
    """`/api/v1/<resource>[/<pk>][/<action>]`, with or without the trailing slash."""
    parts = [API, resource]
    if pk is not None:
        parts.append(str(pk))
    if action:
        parts.append(action)
    return "/".join(parts) + ("/" if slash else "")


def assert_error(response: Any, status: int, code: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    """The contract's error body: `{"error": {"code", "message", "fields"}}` with this status and code.

    With `fields`, the field errors must equal it exactly. Returns the error object for further checks.
    """
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    if fields is not None:
        assert error["fields"] == fields
    return error


def assert_timestamps(body: dict[str, Any]) -> dict[str, Any]:
    """Checks `created_at`/`updated_at` are ISO 8601 with an offset; returns the body without them."""
    rest = dict(body)
    for key in ("created_at", "updated_at"):
        value = rest.pop(key)
        assert datetime.fromisoformat(value).utcoffset() is not None, value
    return rest


def page(response: Any) -> dict[str, Any]:
    """The body of a 200 list answer, checked for the pagination shape."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return body


def ids(response: Any) -> list[int]:
    return [item["id"] for item in page(response)["results"]]


def db_counts() -> dict[str, int]:
    """Row counts of every model of the contacts and loyalty apps: equal before and after = nothing written."""
    from django.apps import apps

    models = [*apps.get_app_config("contacts").get_models(), *apps.get_app_config("loyalty").get_models()]
    return {model._meta.label: model._default_manager.count() for model in models}
