"""`common.pgtimes`: on PostgreSQL, times are read by psycopg's compiled parser and come back exactly as Django's own
loader gives them: the same instant, to the microsecond, with Django's UTC object as their zone."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from common import pgtimes

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL loader")

SQL = "SELECT %s::timestamptz, %s::text::timestamptz"


def _read(moment: datetime) -> tuple[datetime, datetime]:
    with connection.cursor() as cursor:
        cursor.execute(SQL, [moment, moment.isoformat()])
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_connection_reads_times_with_the_compiled_loader():
    # given: a connection as the project opens it (UTC session, USE_TZ)
    connection.ensure_connection()
    # when: the loader of timestamptz is looked up as a cursor looks it up
    from psycopg.pq import Format

    oid = connection.connection.adapters.types["timestamptz"].oid
    loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
    # then: it is ours, and Django's cursor keeps it (its zone is the connection's)
    ours = pgtimes._loader_class()
    assert ours is not None
    assert loader is ours
    assert ours.timezone is connection.timezone  # type: ignore[attr-defined]


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31), timezones=st.sampled_from([UTC])
    ).map(lambda value: value.astimezone(UTC))
)
def test_times_read_are_the_ones_written_with_djangos_zone(moment):
    # when: a time is written and read back as timestamptz (and one from text)
    stored, parsed = _read(moment)
    # then: the same instant to the microsecond, in Django's own UTC object, as Django's loader gives
    for value in (stored, parsed):
        assert value == moment
        assert value.tzinfo is UTC
        assert value.utcoffset() == timedelta(0)
        assert (value.year, value.microsecond) == (moment.year, moment.microsecond)


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "ours"), [("UTC", True), ("Europe/Moscow", False)])
def test_only_a_session_in_utc_gets_the_compiled_loader(zone, ours):
    # given: a new connection to the same database whose session is in `zone`
    import psycopg
    from psycopg.pq import Format

    params = connection.get_connection_params()
    raw = psycopg.connect(**{key: value for key, value in params.items() if key not in ("cursor_factory", "context")})
    try:
        raw.execute(f"SET TIME ZONE '{zone}'")
        wrapper = SimpleNamespace(vendor="postgresql", timezone=UTC, connection=raw)
        # when: the receiver runs for it
        pgtimes.register_fast_times(sender=None, connection=wrapper)
        # then: the compiled loader only where the session is in UTC
        loader = raw.adapters.get_loader(raw.adapters.types["timestamptz"].oid, Format.TEXT)
        assert (loader is pgtimes._loader_class()) is ours
    finally:
        raw.close()
