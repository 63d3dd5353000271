"""Times read from PostgreSQL by psycopg's compiled parser instead of Django's Python one.

Django registers its own `timestamptz` loader on every connection: a subclass of psycopg's pure-Python loader that
parses the text with regular expressions and then sets the connection's time zone (3.7 µs a value on the 2-core
machine). A confirm reads about a hundred times (the lots it takes, the rows it inserts `RETURNING`, the card's
identification), so psycopg's C loader, which parses the same text in 0.2 µs, is used wherever it gives the same
values: when the session's time zone is UTC and Django reads times as UTC (`USE_TZ` with no database `TIME_ZONE`,
this project's settings). The C loader returns the time in the session's zone; its `tzinfo` is then set to Django's
own UTC object, so the values are what Django's loader gives, object for object (`tests/common/test_pgtimes.py`).
Any other configuration keeps Django's loader.
"""

import datetime
from functools import cache
from typing import Any

from django.conf import settings

UTC = datetime.UTC


@cache
def _loader_class() -> type | None:
    """The loader, or None when psycopg has no compiled one (psycopg without its binary package)."""
    from psycopg import adapters
    from psycopg.adapt import Loader
    from psycopg.pq import Format

    found = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    if found is None or not found.__module__.startswith(("psycopg_binary", "psycopg_c")):
        return None
    compiled = found

    class UtcTimestamptzLoader(Loader):
        """Django's `timestamptz` loader for a UTC session, parsing with psycopg's compiled loader."""

        timezone = UTC  # what Django's `create_cursor` compares with the connection's zone (equal: it keeps us)

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self._parse = compiled(oid, context).load

        def load(self, data: Any) -> datetime.datetime:
            return self._parse(data).replace(tzinfo=UTC)

    return UtcTimestamptzLoader


def register_fast_times(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created`'s receiver: a PostgreSQL connection whose session is in UTC, read by Django as UTC, gets
    the compiled loader."""
    if connection.vendor != "postgresql" or not settings.USE_TZ or connection.timezone is not UTC:
        return
    raw = connection.connection
    if raw.info.parameter_status("TimeZone") != "UTC":
        return
    loader = _loader_class()
    if loader is not None:
        raw.adapters.register_loader("timestamptz", loader)
