"""The connection health check, skipped for a connection a request has just used.

With `CONN_HEALTH_CHECKS` (this project's PostgreSQL settings), Django sends `SELECT 1` on a persistent connection
before each request's first query, so that a connection the server dropped while it sat idle is opened again instead
of failing the request. On a busy web worker the connection last served a request milliseconds ago, and the check is
a round trip on every request: one of the three of a till's idempotent replay.

So: when a request ends with its connection open and idle (no transaction left; one that saw an error has just been
checked by Django, and closed if it failed), the moment is noted; the next request skips the check if it starts
within `FRESH_SECONDS` of it. A server that went away in that second fails the request that finds out, as any query
in flight when it went would have; Django closes the connection at that request's end and the next one opens a new
connection. A worker idle for longer gets Django's check as before.
"""

import time
from typing import Any

from django.db import connections
from psycopg.pq import TransactionStatus

FRESH_SECONDS = 1.0
_MARK = "_loyalty_fresh_at"


def _idle(wrapper: Any) -> bool:
    """The wrapper's psycopg connection is open, not in a transaction and not broken (a local test, no round
    trip)."""
    raw = wrapper.connection
    return raw is not None and not raw.closed and raw.info.transaction_status == TransactionStatus.IDLE


def note_fresh(**_kwargs: Any) -> None:
    """`request_finished` receiver: note the moment on each PostgreSQL connection left open and idle without an error
    (before Django's own receiver, an error leaves no note; after it, a connection that failed its check is closed)."""
    now = time.monotonic()
    for wrapper in connections.all(initialized_only=True):
        if wrapper.vendor != "postgresql":
            continue
        fresh = not wrapper.errors_occurred and _idle(wrapper)
        setattr(wrapper, _MARK, now if fresh else None)


def install(sender: Any, connection: Any, **_kwargs: Any) -> None:
    """`connection_created` receiver, for each new connection of a wrapper (installed on the first): the wrapper's
    `close_if_health_check_failed` (called by each cursor, acting once per request) counts the check as done for a
    connection noted fresh within `FRESH_SECONDS`; Django's check otherwise. Decided where Django decides, so the
    order of the request signals' receivers does not matter (the test client connects Django's again after its own
    request, behind this one)."""
    if connection.vendor != "postgresql":
        return
    setattr(connection, _MARK, None)  # a new connection: what was noted of the one before does not hold
    if getattr(connection, "_loyalty_fresh_installed", False):
        return
    checked = connection.close_if_health_check_failed

    def close_if_health_check_failed() -> None:
        if connection.connection is not None and connection.health_check_enabled and not connection.health_check_done:
            fresh_at = getattr(connection, _MARK, None)
            setattr(connection, _MARK, None)  # one skip per clean request
            if fresh_at is not None and time.monotonic() - fresh_at < FRESH_SECONDS and _idle(connection):
                connection.health_check_done = True
                return
        checked()

    connection.close_if_health_check_failed = close_if_health_check_failed
    connection._loyalty_fresh_installed = True
