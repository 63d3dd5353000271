"""Substring search that ignores case in every alphabet, on both databases.

PostgreSQL's `icontains` compares UPPER() of both sides, which folds Cyrillic; SQLite's LIKE (and its lower()) folds
ASCII only, so "шампунь" missed "Шампунь" there. On SQLite both sides go through Python's `str.casefold`,
registered on each new connection as `py_casefold` (`register_sqlite_functions`, connected in `CommonConfig`)."""

from typing import Any

from django.db import connection as default_connection
from django.db.models import CharField, F, Func, Q
from django.db.models.lookups import Contains

CASEFOLD = "py_casefold"


def _casefold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created`'s receiver: SQLite connections get `py_casefold(text)`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(CASEFOLD, 1, _casefold, deterministic=True)


def contains_text(field: str, text: str) -> Q:
    """Rows whose `field` holds `text`, whatever the case of either (any alphabet)."""
    if default_connection.vendor != "sqlite":
        return Q(**{f"{field}__icontains": text})
    folded = Func(F(field), function=CASEFOLD, output_field=CharField())
    return Q(Contains(folded, _casefold(text)))
