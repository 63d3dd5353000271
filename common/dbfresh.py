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

FRESH_SECONDS = 1.0
_MARK = "_loyalty_fresh_at"


def _idle(wrapper: Any) -> bool:
    """The wrapper's psycopg connection is open, not in a transaction and not broken (a local test, no round
    trip)."""
    from psycopg.pq import TransactionStatus

    raw = wrapper.connection
    return raw is not None and not raw.closed and raw.info.transaction_status == TransactionStatus.IDLE


def note_fresh(**_kwargs: Any) -> None:
    """`request_finished` receiver, after Django's own (which closes a connection that failed or is too old)."""
    now = time.monotonic()
    for wrapper in connections.all(initialized_only=True):
        if wrapper.vendor != "postgresql":
            continue
        fresh = not wrapper.errors_occurred and _idle(wrapper)
        setattr(wrapper, _MARK, now if fresh else None)


def skip_fresh_check(**_kwargs: Any) -> None:
    """`request_started` receiver, after Django's own (which asks for the check): the check is counted as done when
    the connection served a request without error within `FRESH_SECONDS` and is still idle."""
    now = time.monotonic()
    wrapper: Any  # django-stubs' base wrapper does not declare the health check's attributes
    for wrapper in connections.all(initialized_only=True):
        if wrapper.vendor != "postgresql" or not wrapper.health_check_enabled:
            continue
        fresh_at = getattr(wrapper, _MARK, None)
        setattr(wrapper, _MARK, None)  # one skip per clean request: a request that fails clears it
        if fresh_at is not None and now - fresh_at < FRESH_SECONDS and _idle(wrapper):
            wrapper.health_check_done = True
