"""The refresh's streams side by side on PostgreSQL (a thread and a connection each, outside any transaction of the
caller's), writing exactly what they write one after the other."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from analytics.summaries import refresh
from analytics.summaries.models import ProductDay, RegisterDay, SummaryState
from tests.analytics.summaries_support import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _spied(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The thread each stream ran in."""
    threads: dict[str, str] = {}
    real = refresh.refresh_stream

    def spy(stream: str, **kwargs: object) -> refresh.StreamResult | None:
        threads[stream] = threading.current_thread().name
        return real(stream, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(refresh, "refresh_stream", spy)
    return threads


def _written(world: object) -> tuple[dict, dict]:  # type: ignore[type-arg]
    registers = {(row.register_id, row.day): (row.receipts, row.revenue) for row in RegisterDay.objects.order_by("pk")}
    products = {(row.brand_id, row.day, row.sku): (row.units, row.receipts) for row in ProductDay.objects.all()}
    return registers, products


@pytest.mark.postgres
def test_the_streams_run_each_in_a_thread_of_its_own_and_write_what_they_write_in_turn(monkeypatch, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs the streams one after the other (one writer at a time)")
    # given
    world = build_world()
    threads = _spied(monkeypatch)
    # when
    side_by_side = {result.stream: result.days for result in refresh.summaries_refresh()}
    written = _written(world)
    # then: every stream ran outside the caller's thread, and its state moved
    assert set(threads) == {"days", "products", "ledger"}
    assert all(name.startswith("summaries") for name in threads.values()), threads
    assert side_by_side["days"] == 5
    assert side_by_side["products"] > 0
    assert side_by_side["ledger"] > 0
    assert SummaryState.objects.filter(refreshed_at__isnull=False).count() == 3
    assert written[1][(world.brand.pk, world.day, "A")] == (Decimal("2.000"), 2)

    # when: written again from scratch, one stream after the other
    settings.ANALYTICS_STREAMS_SIDE_BY_SIDE = False
    SummaryState.objects.all().delete()
    threads.clear()
    in_turn = {result.stream: result.days for result in refresh.summaries_refresh()}
    # then: the same days, in the caller's thread, with the same rows
    assert in_turn == side_by_side
    assert set(threads.values()) == {threading.current_thread().name}
    assert _written(world) == written


def test_inside_the_caller_s_transaction_the_streams_run_in_it(monkeypatch):
    # given
    build_world()
    threads = _spied(monkeypatch)
    # when
    with transaction.atomic():
        assert connection.in_atomic_block
        refresh.summaries_refresh()
    # then: the threads would not have seen what the caller had not committed
    assert set(threads.values()) == {threading.current_thread().name}
