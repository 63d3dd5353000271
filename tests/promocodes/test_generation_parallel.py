"""Large generations on PostgreSQL run in two connections at once (outside a transaction): the pool still gets
exactly the number asked, every code distinct, even in a small code space where the two connections draw the same
codes and deadlock on each other; progress is reported as batches commit. Inside a transaction it stays serial."""

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from promocodes.models import PromoCode
from promocodes.services import generation
from promocodes.services.generation import codes_generate
from tests.factories import BrandFactory
from tests.promocodes.promo_support import coded_campaign, single_pool

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the parallel path is PostgreSQL's")


@pytest.fixture
def threads_seen(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Small batches, parallel from 1,000 codes, and the names of the threads that inserted batches."""
    monkeypatch.setattr(generation, "BATCH", 500)
    monkeypatch.setattr(generation, "PARALLEL_MIN", 1000)
    seen: set[str] = set()
    original = generation._batch

    def recording(pool: Any, count: int) -> int:
        seen.add(threading.current_thread().name)
        return original(pool, count)

    monkeypatch.setattr(generation, "_batch", recording)
    return seen


def test_two_connections_generate_exactly_the_count_with_distinct_codes(threads_seen):
    # given: a pool whose codes have 4 random characters (923,521 possible): the two connections collide often
    pool = single_pool(coded_campaign(BrandFactory.create()), prefix="P", length=4)
    progress: list[int] = []

    # when
    total = codes_generate(pool=pool, count=20_000, progress=progress.append)

    # then
    codes = list(PromoCode.objects.filter(pool=pool).values_list("code", flat=True))
    assert total == len(codes) == len(set(codes)) == 20_000
    assert threads_seen == {"promo-generate-0", "promo-generate-1"}
    assert progress == sorted(progress)
    assert progress[-1] == 20_000
    assert len(progress) == 40  # one report per committed batch of 500


def test_inside_a_transaction_the_generation_stays_in_this_connection(threads_seen):
    # given
    pool = single_pool(coded_campaign(BrandFactory.create()))

    # when: the caller's transaction holds the work (another connection would not see its pool)
    with transaction.atomic():
        total = codes_generate(pool=pool, count=3_000)

    # then
    assert total == PromoCode.objects.filter(pool=pool).count() == 3_000
    assert threads_seen == {threading.current_thread().name}
