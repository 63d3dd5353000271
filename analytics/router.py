"""Analytics reads from the read replica: with `DATABASE_REPLICA_URL` set (the `replica` database), every query made
inside `analytics_reads()` (the dashboards and the analytics API wrap their reads in it) goes to the replica, so
that reporting never competes with the tills for the primary. Writes always go to the primary, the summaries'
refresh included (it runs outside the context, before the read), and nothing is ever migrated on the replica
(it is a copy of the primary). Without a replica the router has no opinion and everything stays on `default`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPLICA = "replica"
_reading: ContextVar[bool] = ContextVar("analytics_reads", default=False)


@contextmanager
def analytics_reads() -> Iterator[None]:
    """Send this block's reads to the replica (when there is one)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def reads_connection() -> BaseDatabaseWrapper:
    """The connection a hand-written read goes to: the replica inside `analytics_reads()` when there is one (the
    router only sees the ORM's queries)."""
    return connections[REPLICA if _reading.get() and has_replica() else DEFAULT_DB_ALIAS]


class AnalyticsReplicaRouter:
    """`DATABASE_ROUTERS` entry: reads inside `analytics_reads()` to the replica, everything else as Django does."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if _reading.get() and has_replica() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS if has_replica() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        databases = {obj1._state.db, obj2._state.db}
        return True if databases <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == REPLICA else None
