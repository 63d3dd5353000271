"""Confirms under real concurrency on PostgreSQL, through the whole HTTP stack: 32 threads confirm receipts that
redeem from one account and replay the same idempotency keys; no double spend, every replay identical."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from loyalty.models import IdempotencyRecord, LedgerEntry, Purchase
from loyalty.selectors import balance, ledger_differences
from tests.concurrency import run_in_threads
from tests.factories import ProductFactory, TierFactory
from tests.loyalty.pos_support import confirm, line, make_shopper, make_till, pos_client, refund

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 32
DISTINCT = 24  # threads 0..23 confirm their own receipt; threads 24..31 replay the keys of receipts 0..7


def receipt(shopper, number: int) -> dict[str, Any]:
    # 60.00 with 50 points redeemed: 10.00 paid, 5 % of it = 0.50 points earned
    return {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", "1", "60.00")],
        "redeem_points": "50",
        "receipt_number": f"R-{number}",
    }


def test_32_concurrent_confirms_and_replays_never_double_spend(transactional_db):
    # given: 1,000 active points, enough for 20 receipts redeeming 50 each
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    ProductFactory(brand=till.brand, sku="A")
    shopper = make_shopper(till, points="1000")

    def work(index: int) -> tuple[str, int, dict[str, Any]]:
        number = index if index < DISTINCT else index - DISTINCT
        response = confirm(pos_client(till.register), receipt(shopper, number), key=f"k-{number}")
        return f"k-{number}", response.status_code, response.json()

    # when: 32 threads at once
    results = run_in_threads(THREADS, work)

    # then: every call answered; 20 distinct keys succeeded, the others were refused for want of points
    assert all(isinstance(result, tuple) for result in results), results
    by_key: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for key, status, body in results:
        by_key[key].append((status, body))
    succeeded = {key for key, answers in by_key.items() if any(status == 201 for status, _body in answers)}
    assert len(succeeded) == 20
    for key, answers in by_key.items():
        created = [body for status, body in answers if status == 201]
        assert all(body == created[0] for body in created), key
        refused = [(status, body["error"]["code"]) for status, body in answers if status != 201]
        assert all(outcome == (409, "insufficient_points") for outcome in refused), refused

    # then: no double spend
    assert Purchase.objects.count() == 20
    assert IdempotencyRecord.objects.count() == 20
    redeemed = LedgerEntry.objects.filter(account=shopper.account, kind="redemption").aggregate(total=Sum("points"))
    assert redeemed["total"] == Decimal("-1000.00")
    assert balance(account=shopper.account)["active"] == Decimal("10.00")  # 1,000 - 20 × 50 + 20 × 0.50
    assert ledger_differences() == []
    call_command("ledger_check")

    # then: each key replays its first answer afterwards too; a refused key is refused again, writing nothing
    first_answers = {
        key: next(body for status, body in answers if status == 201)
        for key, answers in by_key.items()
        if key in succeeded
    }
    client = pos_client(till.register)
    for number in range(DISTINCT):
        key = f"k-{number}"
        replay = confirm(client, receipt(shopper, number), key=key)
        if key in succeeded:
            assert (replay.status_code, replay.json()) == (201, first_answers[key])
        else:
            assert (replay.status_code, replay.json()["error"]["code"]) == (409, "insufficient_points")
    assert Purchase.objects.count() == 20
    assert balance(account=shopper.account)["active"] == Decimal("10.00")


def test_concurrent_refunds_of_one_purchase_never_refund_more_than_was_bought(transactional_db):
    # given: a purchase of 10 units at 10.00 with 50 points redeemed: paid 50.00, earned 2.50
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till, points="100")
    body = {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", "10", "10.00")],
        "redeem_points": "50",
        "receipt_number": "R-1",
    }
    purchase = confirm(pos_client(till.register), body, key="buy").json()

    # when: 16 threads refund one unit each, threads 8..15 replaying the keys of threads 0..7
    def work(index: int) -> tuple[int, dict[str, Any]]:
        response = refund(
            pos_client(till.register),
            purchase["purchase_id"],
            {"lines": [{"index": 0, "quantity": "1"}]},
            key=f"r-{index % 8}",
        )
        return response.status_code, response.json()

    results = run_in_threads(16, work)

    # then: 8 distinct refunds of one unit: 8 × 5.00 paid back, 8 × 0.25 revoked, 8 × 5.00 points returned
    assert all(isinstance(result, tuple) and result[0] == 200 for result in results), results
    for index in range(8):
        assert results[index] == results[index + 8]
    refunds = {body["refund_id"]: body for _status, body in results}
    assert len(refunds) == 8
    assert sum(Decimal(body["refund_amount"]) for body in refunds.values()) == Decimal("40.00")
    assert sum(Decimal(body["points_revoked"]) for body in refunds.values()) == Decimal("2.00")
    assert sum(Decimal(body["points_returned"]) for body in refunds.values()) == Decimal("40.00")
    assert balance(account=shopper.account)["active"] == Decimal("90.50")  # 100 - 50 + 2.50 - 2.00 + 40.00
    call_command("ledger_check")
