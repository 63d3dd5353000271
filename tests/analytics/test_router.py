"""`DATABASE_REPLICA_URL`: analytics' reads go to the replica, writes (the summaries' refresh too) to the primary."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from analytics import router
from analytics.router import REPLICA, AnalyticsReplicaRouter, analytics_reads
from analytics.summaries.models import BrandDay, StoreDay
from loyalty.models import Purchase
from tests.analytics.summaries_support import build_world
from tests.factories import UserFactory


@pytest.fixture
def with_replica(monkeypatch):
    """As with DATABASE_REPLICA_URL set (the router asks `has_replica`; no query is made here)."""
    monkeypatch.setattr(router, "has_replica", lambda: True)


def test_reads_inside_the_context_go_to_the_replica(with_replica):
    routing = AnalyticsReplicaRouter()
    assert routing.db_for_read(BrandDay) is None
    with analytics_reads():
        assert routing.db_for_read(BrandDay) == REPLICA
        assert routing.db_for_read(Purchase) == REPLICA  # the analytics' reads of receipts too
        assert routing.db_for_write(StoreDay) == "default"
    assert routing.db_for_read(BrandDay) is None


def test_the_replica_is_never_migrated_and_without_one_nothing_is_routed():
    routing = AnalyticsReplicaRouter()
    assert routing.allow_migrate(REPLICA, "analytics") is False
    assert routing.allow_migrate("default", "analytics") is None
    with analytics_reads():
        assert routing.db_for_read(BrandDay) is None
        assert routing.db_for_write(BrandDay) is None


@pytest.mark.django_db
def test_an_analytics_answer_reads_the_summaries_inside_the_context_and_refreshes_outside_it():
    # given
    world = build_world()
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    reads: list[tuple[str, bool]] = []
    writes: list[bool] = []
    original_read, original_write = AnalyticsReplicaRouter.db_for_read, AnalyticsReplicaRouter.db_for_write

    def read(self, model, **hints):
        reads.append((model._meta.model_name, router._reading.get()))
        return original_read(self, model, **hints)

    def write(self, model, **hints):
        writes.append(router._reading.get())
        return original_write(self, model, **hints)

    # when
    with (
        mock.patch.object(AnalyticsReplicaRouter, "db_for_read", read),
        mock.patch.object(AnalyticsReplicaRouter, "db_for_write", write),
    ):
        answer = client.get("/api/v1/analytics/overview", {"brand": world.brand.pk, "group_by": "store"})
    # then
    assert answer.status_code == 200
    # (the catch-up reads the summarised days' sizes on the primary, before the read; the overview's reads follow)
    summary_reads = [inside for name, inside in reads if name in {"brandday", "contactday", "contactfirst"}]
    assert summary_reads
    assert all(summary_reads)
    assert writes  # the catch-up wrote the summaries on the primary, before the read
    assert not any(writes)


def test_hand_written_reads_take_the_replica_connection_inside_the_context(with_replica, monkeypatch):
    # given: a `replica` alias (Django's connection handler only reads it when asked for)
    from django.db import connections

    monkeypatch.setitem(connections.settings, REPLICA, {**connections.settings["default"]})
    try:
        # when, then: the counting statements' cursor is the replica's inside the context, the primary's outside
        assert router.reads_connection().alias == "default"
        with analytics_reads():
            assert router.reads_connection().alias == REPLICA
        assert router.reads_connection().alias == "default"
    finally:
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)
