"""Promo codes under real concurrency on PostgreSQL, through the whole HTTP stack: 32 threads confirm receipts at
once with one single-use code (exactly one burns it), with one multi-use code good for 10 uses (exactly 10), and one
customer with several codes of a pool that allows one per customer (exactly one); 48 threads guessing codes at one
register get no more codes checked than the limit and one request."""

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from loyalty.models import IdempotencyRecord, LedgerEntry, Purchase
from promocodes.models import AttemptBlock, CodeUse, PromoCode
from tests.concurrency import run_in_threads
from tests.loyalty.pos_support import Shopper, Till, calculate, confirm, line, make_shopper, make_till, pos_client
from tests.promocodes.promo_support import code_of, coded_campaign, multi_pool, single_pool, within_one_minute

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 32


def confirm_at_once(till: Till, codes: list[str], shoppers: list[Shopper | None]) -> list[Any]:
    """Thread i confirms a receipt of 1,000.00 with `codes[i]` for `shoppers[i]` (None: anonymous); distinct receipt
    numbers and Idempotency-Keys. Each result is (status, body)."""

    def work(index: int) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {
            "lines": [line("A", "1", "1000.00")],
            "promo_codes": [codes[index]],
            "receipt_number": f"R-{index}",
        }
        shopper = shoppers[index]
        if shopper is not None:
            body["customer"] = {"card": shopper.card.number}
        response = confirm(pos_client(till.register), body, key=f"k-{index}")
        return response.status_code, response.json()

    return run_in_threads(len(codes), work)


def outcomes(results: list[Any]) -> Counter[Any]:
    assert all(isinstance(result, tuple) for result in results), results
    return Counter(status if status == 201 else (status, body["error"]["code"]) for status, body in results)


def winners(results: list[Any]) -> list[dict[str, Any]]:
    return [body for status, body in results if status == 201]


def half_identified(till: Till) -> list[Shopper | None]:
    """Even threads for distinct customers, odd ones anonymous."""
    return [make_shopper(till) if index % 2 == 0 else None for index in range(THREADS)]


def test_of_32_concurrent_confirms_with_one_single_use_code_exactly_one_burns_it(transactional_db):
    # given
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["ONLY-0001"])
    shoppers = half_identified(till)

    # when
    results = confirm_at_once(till, ["only-0001"] * THREADS, shoppers)

    # then: one receipt carries the code; the others were refused and wrote nothing
    assert outcomes(results) == {201: 1, (409, "code_used"): 31}
    [won] = winners(results)
    assert won["promo_codes"] == [{"code": "ONLY-0001", "status": "applied"}]
    assert won["totals"]["discount"] == "100.00"
    code = code_of("ONLY-0001")
    assert (code.status, code.uses, code.purchase_id) == ("used", 1, won["purchase_id"])
    assert list(CodeUse.objects.values_list("purchase_id", flat=True)) == [won["purchase_id"]]
    assert list(Purchase.objects.values_list("pk", flat=True)) == [won["purchase_id"]]
    assert IdempotencyRecord.objects.count() == 1
    assert LedgerEntry.objects.exclude(purchase_id=won["purchase_id"]).filter(purchase_id__isnull=False).count() == 0


def test_of_32_concurrent_confirms_with_a_code_for_10_uses_exactly_10_succeed(transactional_db):
    # given
    till = make_till()
    multi_pool(coded_campaign(till.brand), code="TEN-USES", max_uses=10)
    shoppers = half_identified(till)

    # when
    results = confirm_at_once(till, ["TEN-USES"] * THREADS, shoppers)

    # then
    assert outcomes(results) == {201: 10, (409, "code_used"): 22}
    assert all(body["promo_codes"] == [{"code": "TEN-USES", "status": "applied"}] for body in winners(results))
    code = code_of("TEN-USES")
    assert (code.status, code.uses) == ("used", 10)
    won = {body["purchase_id"] for body in winners(results)}
    assert set(CodeUse.objects.filter(code=code).values_list("purchase_id", flat=True)) == won
    assert CodeUse.objects.filter(code=code).count() == 10
    assert Purchase.objects.count() == 10


def test_an_unlimited_multi_use_code_serves_32_concurrent_receipts(transactional_db):
    # given: no limit in total; one use per customer, and each thread its own customer or anonymous
    till = make_till()
    multi_pool(coded_campaign(till.brand), code="EVERYONE", max_uses=None)
    shoppers = half_identified(till)

    # when
    results = confirm_at_once(till, ["EVERYONE"] * THREADS, shoppers)

    # then
    assert outcomes(results) == {201: THREADS}
    assert all(body["totals"]["discount"] == "100.00" for body in winners(results))
    assert CodeUse.objects.filter(code=code_of("EVERYONE")).count() == THREADS
    assert code_of("EVERYONE").status == "active"


def test_one_customer_with_many_codes_of_a_pool_allowing_one_gets_exactly_one(transactional_db):
    # given: one customer, 16 different codes of a pool that allows one per customer
    till = make_till()
    shopper = make_shopper(till)
    count = 16
    codes = [f"PER-{index:04d}" for index in range(count)]
    single_pool(coded_campaign(till.brand), codes=codes, max_uses_per_contact=1)

    # when: each thread brings another code for the same customer
    results = confirm_at_once(till, codes, [shopper] * count)

    # then
    assert outcomes(results) == {201: 1, (409, "code_used"): count - 1}
    [won] = winners(results)
    [used] = won["promo_codes"]
    assert used["status"] == "applied"
    assert list(PromoCode.objects.filter(status="used").values_list("code", flat=True)) == [used["code"]]
    assert list(CodeUse.objects.values_list("contact_id", "purchase_id")) == [(shopper.contact.pk, won["purchase_id"])]
    assert Purchase.objects.count() == 1


def test_one_customer_confirming_an_unlimited_code_at_once_uses_it_once(transactional_db):
    # given: a code without a limit in total, one use per customer (the code's row is never locked)
    till = make_till()
    shopper = make_shopper(till)
    multi_pool(coded_campaign(till.brand), code="ONCE-EACH", max_uses=None, max_uses_per_contact=1)

    # when: 16 receipts of the same customer at once
    results = confirm_at_once(till, ["ONCE-EACH"] * 16, [shopper] * 16)

    # then
    assert outcomes(results) == {201: 1, (409, "code_used"): 15}
    [won] = winners(results)
    assert list(CodeUse.objects.values_list("contact_id", "purchase_id")) == [(shopper.contact.pk, won["purchase_id"])]


def test_48_concurrent_calculates_guessing_codes_check_no_more_than_the_limit_and_a_request(transactional_db, settings):
    # given: the default limit of 20 unknown codes a minute; one register; the threads within one clock minute
    settings.PROMO_CODE_ATTEMPTS_PER_MINUTE = 20
    till = make_till()
    within_one_minute(seconds=30)

    # when: 48 calculates at once, each with 10 codes that do not exist
    def work(index: int) -> tuple[int, dict[str, Any]]:
        body = {"lines": [line("A", "1", "100.00")], "promo_codes": [f"GUESS-{index:02d}-{n}" for n in range(10)]}
        response = calculate(pos_client(till.register), body)
        return response.status_code, response.json()

    results = run_in_threads(48, work)

    # then: each reservation is counted before any check, so exactly the first two (0 and 10 before them) answer
    assert all(isinstance(result, tuple) for result in results), results
    answers = Counter(status if status == 200 else (status, body["error"]["code"]) for status, body in results)
    assert answers == {200: 2, (429, "too_many_attempts"): 46}
    checked = [item for status, body in results if status == 200 for item in body["promo_codes"]]
    assert len(checked) == 20 <= 20 + 10
    assert {item["status"] for item in checked} == {"not_found"}
    # and: one audit record for the register's minute
    assert list(AttemptBlock.objects.values_list("register_id", flat=True)) == [till.register.pk]
