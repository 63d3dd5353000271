"""The connection health check is skipped only for a connection a request used cleanly within the last second
(common/dbfresh.py); Django's check runs otherwise. The signals are sent as Django's handler sends them, around a
query of each "request" (the test client leaves Django's connection receivers out of its own requests)."""

from collections.abc import Iterator

import pytest
from django.core.signals import request_finished, request_started
from django.db import OperationalError, ProgrammingError, close_old_connections, connection, connections

from common import dbfresh
from common.dbfresh import note_fresh

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's health checks"),
]


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The health checks sent (`is_usable` calls) since the fixture began; persistent connections for the test."""
    wrapper = connections["default"]
    _production_order()
    monkeypatch.setitem(wrapper.settings_dict, "CONN_MAX_AGE", 60)
    monkeypatch.setitem(wrapper.settings_dict, "CONN_HEALTH_CHECKS", True)
    wrapper.close()
    wrapper.ensure_connection()
    sent: list[int] = []
    usable = type(wrapper).is_usable

    def counted(self: object) -> bool:
        sent.append(1)
        return usable(self)

    monkeypatch.setattr(type(wrapper), "is_usable", counted)
    yield sent
    wrapper.close()


def _production_order() -> None:
    """Django's connection receivers before this project's, as a served process has them (django.db connects its
    own on import, the app's ready() later); a test client's request leaves Django's last."""
    request_finished.disconnect(note_fresh, dispatch_uid="common.dbfresh.note")
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        signal.connect(close_old_connections)
    request_finished.connect(note_fresh, dispatch_uid="common.dbfresh.note")


def _request() -> None:
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    request_finished.send(sender=None)


def test_a_request_right_after_a_clean_one_sends_no_check(checks: list[int]) -> None:
    _request()  # no request before it: Django's check
    assert len(checks) == 1
    _request()
    _request()
    assert len(checks) == 1


def test_the_order_of_the_request_receivers_does_not_matter(checks: list[int]) -> None:
    # The test client disconnects Django's receiver around its requests and connects it again, after every other.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        signal.connect(close_old_connections)
    try:
        _request()
        _request()
        _request()
        assert len(checks) == 1
    finally:
        _production_order()


def test_a_connection_idle_longer_than_a_second_is_checked(checks: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    _request()
    assert len(checks) == 1
    later = dbfresh.time.monotonic() + dbfresh.FRESH_SECONDS + 0.5
    monkeypatch.setattr(dbfresh.time, "monotonic", lambda: later)
    _request()
    assert len(checks) == 2


def test_a_request_that_failed_in_the_database_is_checked_at_its_end(checks: list[int]) -> None:
    _request()
    request_started.send(sender=None)
    with pytest.raises(ProgrammingError), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert connection.errors_occurred
    request_finished.send(sender=None)  # Django checks a connection that saw an error, and keeps it if usable
    assert len(checks) == 2
    _request()  # just checked: nothing more to ask
    assert len(checks) == 2


def test_a_connection_the_server_dropped_is_opened_again(checks: list[int]) -> None:
    _request()
    first = connection.connection
    request_started.send(sender=None)
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    request_finished.send(sender=None)  # Django's check fails: the connection is closed, nothing noted
    assert connection.connection is None
    assert getattr(connections["default"], dbfresh._MARK) is None
    _request()
    assert connection.connection is not first


def test_a_connection_left_in_a_transaction_is_not_taken_as_fresh(checks: list[int]) -> None:
    _request()
    request_started.send(sender=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    connection.connection.execute("BEGIN")  # as a request that leaked a transaction would leave it
    request_finished.send(sender=None)
    assert not dbfresh._idle(connection)
    connection.connection.execute("ROLLBACK")
    before = len(checks)
    _request()
    assert len(checks) == before + 1
