"""Promo codes in the checkout, through the real POS API (register key): each status calculate answers, case and
spaces, the campaign unlocked only by a code, the limits per customer and per pool, confirm burning codes (409
`code_used` writing nothing), replays, anonymous receipts, points campaigns, refunds that give a code back, at most
10 codes per receipt (registers that guess codes: test_pos_promocode_guessing)."""

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from campaigns.services.campaigns import campaign_set_status
from loyalty.models import IdempotencyRecord, LedgerEntry, Purchase
from promocodes.models import CodeUse, PromoCode
from promocodes.services.pools import pool_save
from tests.helpers import assert_error
from tests.loyalty.pos_support import (
    Shopper,
    Till,
    calculate,
    confirm,
    line,
    make_shopper,
    make_till,
    ok,
    refund,
    written,
)
from tests.promocodes.promo_support import code_of, coded_campaign, multi_pool, promo_written, single_pool

pytestmark = pytest.mark.django_db

_receipts = itertools.count(1)


def receipt(*codes: str, customer: Shopper | None = None, **fields: Any) -> dict[str, Any]:
    """One line of 1,000.00 (unless `lines` is given) with these promo codes."""
    body: dict[str, Any] = {"lines": [line("A", 1, "1000.00")], "promo_codes": list(codes), **fields}
    if customer is not None:
        body["customer"] = {"card": customer.card.number}
    return body


def sell(till: Till, *codes: str, customer: Shopper | None = None, **fields: Any) -> Any:
    """Confirm a new receipt (its own number and Idempotency-Key) with these codes; the raw response."""
    number = next(_receipts)
    body = receipt(*codes, customer=customer, receipt_number=f"R-{number}", **fields)
    return confirm(till.client, body, key=f"key-{number}")


def statuses(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["code"], item["status"]) for item in answer["promo_codes"]]


def check(till: Till, *codes: str, customer: Shopper | None = None, **fields: Any) -> dict[str, Any]:
    """The calculate answer (200) for a receipt with these codes."""
    return ok(calculate(till.client, receipt(*codes, customer=customer, **fields)))


def everything_written() -> dict[str, int]:
    return {**written(), **promo_written()}


# --- applied, and only with the code --------------------------------------------------------------------------------


def test_the_campaign_applies_only_with_a_code_of_its_pool():
    # given: a campaign 10 % off that needs a code, and a pool with one code
    till = make_till()
    campaign = coded_campaign(till.brand)
    single_pool(campaign, codes=["SPRING-0001"])

    # when
    without = check(till)
    with_code = check(till, "SPRING-0001")

    # then
    assert (without["totals"]["discount"], without["promo_codes"]) == ("0.00", [])
    assert with_code["totals"]["discount"] == "100.00"
    assert statuses(with_code) == [("SPRING-0001", "applied")]
    assert with_code["lines"][0]["applied"] == [
        {"campaign_id": campaign.pk, "name": "Code ten off", "discount": "100.00", "points": "0.00"}
    ]


def test_a_generated_code_applies():
    # given
    till = make_till()
    pool = single_pool(coded_campaign(till.brand), generate=3, prefix="SP")
    code = PromoCode.objects.filter(pool=pool).first()
    assert code is not None

    # when
    answer = check(till, code.code)

    # then
    assert statuses(answer) == [(code.code, "applied")]
    assert answer["totals"]["discount"] == "100.00"


@pytest.mark.parametrize(
    "typed",
    ["spring-0001", "  SPRING-0001  ", "\tSpring-0001 ", "sPrInG-0001"],
)
def test_case_and_surrounding_spaces_do_not_matter(typed):
    # given
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["SPRING-0001"])

    # when
    answer = check(till, typed)

    # then: the answer echoes the stored (normalised) code
    assert statuses(answer) == [("SPRING-0001", "applied")]
    assert answer["totals"]["discount"] == "100.00"


def test_one_code_typed_several_ways_is_answered_once():
    # given
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["SPRING-0001"])

    # when
    answer = check(till, "spring-0001", "NOPE-1", " SPRING-0001", "SPRING-0001 ", "nope-1")

    # then: once per distinct code, in the order first sent
    assert statuses(answer) == [("SPRING-0001", "applied"), ("NOPE-1", "not_found")]
    assert answer["totals"]["discount"] == "100.00"


def test_a_multi_use_code_applies():
    till = make_till()
    multi_pool(coded_campaign(till.brand), code="WELCOME10")

    answer = check(till, "welcome10")

    assert statuses(answer) == [("WELCOME10", "applied")]
    assert answer["totals"]["discount"] == "100.00"


# --- not found -----------------------------------------------------------------------------------------------------


def test_an_unknown_code_is_not_found_and_gives_nothing():
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["SPRING-0001"])

    answer = check(till, "SPRING-0002")

    assert statuses(answer) == [("SPRING-0002", "not_found")]
    assert answer["totals"]["discount"] == "0.00"


def test_a_code_of_another_brand_is_not_found():
    # given: a code of another brand's pool (whose campaign would apply at that brand)
    till = make_till()
    other = make_till()
    coded_campaign(till.brand)
    single_pool(coded_campaign(other.brand), codes=["THEIRS-01"])
    assert statuses(check(other, "THEIRS-01")) == [("THEIRS-01", "applied")]

    # when
    answer = check(till, "THEIRS-01")

    # then
    assert statuses(answer) == [("THEIRS-01", "not_found")]
    assert answer["totals"]["discount"] == "0.00"


# --- expired -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("campaign_fields", "pool_fields"),
    [
        ({}, {"valid_to": timezone.now() - timedelta(hours=1)}),
        ({"status": "finished"}, {}),
        ({"ends_at": timezone.now() - timedelta(hours=1)}, {}),
    ],
    ids=["pool-valid-to-passed", "campaign-finished", "campaign-ended"],
)
def test_a_code_whose_pool_or_campaign_has_ended_is_expired(campaign_fields, pool_fields):
    # given
    till = make_till()
    single_pool(coded_campaign(till.brand, **campaign_fields), codes=["OLD-0001"], **pool_fields)

    # when
    answer = check(till, "OLD-0001")

    # then
    assert statuses(answer) == [("OLD-0001", "expired")]
    assert answer["totals"]["discount"] == "0.00"


def test_a_receipt_backdated_before_the_pools_end_applies_the_code():
    # given: the pool's validity ended an hour ago
    till = make_till()
    ended = timezone.now() - timedelta(hours=1)
    single_pool(coded_campaign(till.brand), codes=["OLD-0001"], valid_to=ended)

    # when: an offline receipt from two hours ago, and one from the very end
    before = check(till, "OLD-0001", at=(ended - timedelta(hours=1)).isoformat())
    at_end = check(till, "OLD-0001", at=ended.isoformat())

    # then: valid_to itself is out
    assert statuses(before) == [("OLD-0001", "applied")]
    assert statuses(at_end) == [("OLD-0001", "expired")]


def test_an_expired_code_does_not_fail_the_confirm_and_is_not_burned():
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["OLD-0001"], valid_to=timezone.now() - timedelta(hours=1))

    answer = ok(sell(till, "OLD-0001"), 201)

    assert statuses(answer) == [("OLD-0001", "expired")]
    assert answer["totals"]["discount"] == "0.00"
    assert (code_of("OLD-0001").status, CodeUse.objects.count()) == ("active", 0)


# --- not applicable ------------------------------------------------------------------------------------------------


def test_a_code_of_a_pool_not_yet_valid_is_not_applicable():
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["SOON-0001"], valid_from=timezone.now() + timedelta(days=1))

    answer = check(till, "SOON-0001")

    assert statuses(answer) == [("SOON-0001", "not_applicable")]
    assert answer["totals"]["discount"] == "0.00"


def test_a_code_whose_campaign_conditions_are_not_met_is_not_applicable():
    # given: the campaign wants 2,000.00 or more
    till = make_till()
    single_pool(coded_campaign(till.brand, conditions={"min_total": "2000.00"}), codes=["BIG-0001"])

    # when
    small = check(till, "BIG-0001")
    big = check(till, "BIG-0001", lines=[line("A", 2, "1000.00")])

    # then
    assert (statuses(small), small["totals"]["discount"]) == ([("BIG-0001", "not_applicable")], "0.00")
    assert (statuses(big), big["totals"]["discount"]) == ([("BIG-0001", "applied")], "200.00")


@pytest.mark.parametrize("status", ["draft", "paused"])
def test_a_code_whose_campaign_is_not_active_is_not_applicable(status):
    till = make_till()
    single_pool(coded_campaign(till.brand, status=status), codes=["WAIT-0001"])

    answer = check(till, "WAIT-0001")

    assert statuses(answer) == [("WAIT-0001", "not_applicable")]
    assert answer["totals"]["discount"] == "0.00"


def test_a_paused_campaign_applies_again_with_the_same_code_once_resumed():
    till = make_till()
    campaign = coded_campaign(till.brand)
    single_pool(campaign, codes=["WAIT-0001"])

    campaign_set_status(campaign=campaign, status="paused")
    paused = check(till, "WAIT-0001")
    campaign_set_status(campaign=campaign, status="active")
    resumed = check(till, "WAIT-0001")

    assert (statuses(paused), statuses(resumed)) == ([("WAIT-0001", "not_applicable")], [("WAIT-0001", "applied")])


def test_a_second_code_of_the_same_campaign_on_an_anonymous_receipt_is_not_applicable_and_not_burned():
    # given: two codes of one pool
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["TWO-0001", "TWO-0002"])

    # when
    calculated = check(till, "TWO-0001", "TWO-0002")
    confirmed = ok(sell(till, "TWO-0001", "TWO-0002"), 201)

    # then: one discount; only the first code is spent
    expected = [("TWO-0001", "applied"), ("TWO-0002", "not_applicable")]
    assert (statuses(calculated), statuses(confirmed)) == (expected, expected)
    assert confirmed["totals"]["discount"] == "100.00"
    assert (code_of("TWO-0001").status, code_of("TWO-0002").status) == ("used", "active")
    assert list(CodeUse.objects.values_list("code__code", flat=True)) == ["TWO-0001"]


def test_a_second_code_of_the_same_campaign_from_another_pool_is_not_applicable():
    # given: two pools of one campaign
    till = make_till()
    shopper = make_shopper(till)
    campaign = coded_campaign(till.brand)
    single_pool(campaign, codes=["ONE-0001"])
    multi_pool(campaign, code="SHARED-1")

    # when
    answer = ok(sell(till, "SHARED-1", "ONE-0001", customer=shopper), 201)

    # then
    assert statuses(answer) == [("SHARED-1", "applied"), ("ONE-0001", "not_applicable")]
    assert answer["totals"]["discount"] == "100.00"
    assert code_of("ONE-0001").status == "active"
    assert list(CodeUse.objects.values_list("code__code", "contact_id")) == [("SHARED-1", shopper.contact.pk)]


def test_a_second_code_of_the_same_pool_by_an_identified_customer_is_not_applicable_and_the_confirm_succeeds():
    # given: a customer who has never used the pool (one use per customer, the default), two of its codes
    till = make_till()
    shopper = make_shopper(till)
    single_pool(coded_campaign(till.brand), codes=["TWO-0001", "TWO-0002"])

    # when
    calculated = check(till, "TWO-0001", "TWO-0002", customer=shopper)
    response = sell(till, "TWO-0001", "TWO-0002", customer=shopper)

    # then: the second code unlocks the same campaign (not_applicable); the customer's uses before it were 0
    expected = [("TWO-0001", "applied"), ("TWO-0002", "not_applicable")]
    assert statuses(calculated) == expected
    confirmed = ok(response, 201)
    assert statuses(confirmed) == expected
    assert (code_of("TWO-0001").status, code_of("TWO-0002").status) == ("used", "active")


def test_codes_of_two_campaigns_apply_both():
    till = make_till()
    first = coded_campaign(till.brand, name="First")
    second = coded_campaign(till.brand, name="Second", mechanic={"type": "amount_discount", "amount": "50.00"})
    single_pool(first, codes=["FIRST-01"])
    multi_pool(second, code="SECOND-01")

    answer = check(till, "FIRST-01", "SECOND-01")

    assert statuses(answer) == [("FIRST-01", "applied"), ("SECOND-01", "applied")]
    assert answer["totals"]["discount"] == "150.00"


# --- limits --------------------------------------------------------------------------------------------------------


def test_one_code_of_a_pool_per_customer_by_default():
    # given: a customer who used one code of the pool
    till = make_till()
    shopper, other = make_shopper(till), make_shopper(till)
    single_pool(coded_campaign(till.brand), codes=["ONCE-0001", "ONCE-0002", "ONCE-0003"])
    ok(sell(till, "ONCE-0001", customer=shopper), 201)
    before = everything_written()

    # when: the same customer brings another code of the pool
    calculated = check(till, "ONCE-0002", customer=shopper)
    refused = sell(till, "ONCE-0002", customer=shopper)

    # then
    assert statuses(calculated) == [("ONCE-0002", "limit_reached")]
    assert calculated["totals"]["discount"] == "0.00"
    assert_error(refused, 409, "code_used", {"promo_codes": ["ONCE-0002"]})
    assert everything_written() == before
    assert code_of("ONCE-0002").status == "active"
    # and: another customer, or an anonymous receipt, still can
    assert statuses(check(till, "ONCE-0002", customer=other)) == [("ONCE-0002", "applied")]
    assert statuses(ok(sell(till, "ONCE-0003"), 201)) == [("ONCE-0003", "applied")]


def test_anonymous_receipts_are_not_counted_per_customer():
    # given: a multi-use code, one use per customer; two anonymous receipts used it
    till = make_till()
    multi_pool(coded_campaign(till.brand), code="OPEN-01")
    ok(sell(till, "OPEN-01"), 201)
    ok(sell(till, "OPEN-01"), 201)

    # when
    third = ok(sell(till, "OPEN-01"), 201)

    # then
    assert statuses(third) == [("OPEN-01", "applied")]
    assert CodeUse.objects.filter(code=code_of("OPEN-01"), contact__isnull=True).count() == 3


@pytest.mark.parametrize(("per_contact", "allowed"), [(2, 2), (None, 3)])
def test_the_pools_uses_per_customer(per_contact, allowed):
    # given
    till = make_till()
    shopper = make_shopper(till)
    single_pool(
        coded_campaign(till.brand), codes=["PER-0001", "PER-0002", "PER-0003"], max_uses_per_contact=per_contact
    )

    # when: the customer brings the three codes on three receipts
    answers = [sell(till, code, customer=shopper) for code in ("PER-0001", "PER-0002", "PER-0003")]

    # then
    assert [response.status_code for response in answers] == [201] * allowed + [409] * (3 - allowed)
    assert CodeUse.objects.filter(contact=shopper.contact).count() == allowed


def test_a_multi_use_code_stops_at_its_uses_in_total():
    # given: two uses in all, one by a customer, one anonymous
    till = make_till()
    shopper, late = make_shopper(till), make_shopper(till)
    multi_pool(coded_campaign(till.brand), code="TWICE-01", max_uses=2)
    first = ok(sell(till, "TWICE-01", customer=shopper), 201)
    assert code_of("TWICE-01").status == "active"
    second = ok(sell(till, "TWICE-01"), 201)
    before = everything_written()

    # when
    calculated = check(till, "TWICE-01", customer=late)
    refused = sell(till, "TWICE-01", customer=late)

    # then
    assert statuses(first) == statuses(second) == [("TWICE-01", "applied")]
    assert statuses(calculated) == [("TWICE-01", "limit_reached")]
    assert calculated["totals"]["discount"] == "0.00"
    assert_error(refused, 409, "code_used", {"promo_codes": ["TWICE-01"]})
    assert everything_written() == before
    code = code_of("TWICE-01")
    assert (code.status, code.uses) == ("used", 2)
    assert CodeUse.objects.filter(code=code).count() == 2


def test_a_multi_use_code_without_limits_serves_many_customers():
    # given
    till = make_till()
    shoppers = [make_shopper(till) for _ in range(5)]
    multi_pool(coded_campaign(till.brand), code="EVERYONE", max_uses=None)

    # when
    answers = [ok(sell(till, "everyone", customer=shopper), 201) for shopper in shoppers]

    # then
    assert all(statuses(answer) == [("EVERYONE", "applied")] for answer in answers)
    # then: the code stays active; each receipt is a use of it
    assert code_of("EVERYONE").status == "active"
    assert sorted(CodeUse.objects.filter(code=code_of("EVERYONE")).values_list("contact_id", flat=True)) == sorted(
        shopper.contact.pk for shopper in shoppers
    )
    assert statuses(check(till, "EVERYONE", customer=make_shopper(till))) == [("EVERYONE", "applied")]


def test_a_code_left_out_by_its_campaigns_own_limit_is_limit_reached_and_does_not_fail_the_confirm():
    # given: the campaign gives one discount in all; a multi-use code that itself has no limit
    till = make_till()
    multi_pool(coded_campaign(till.brand, limits={"total_uses": 1}), code="LIMITED", max_uses_per_contact=None)
    first = ok(sell(till, "LIMITED"), 201)

    # when
    calculated = check(till, "LIMITED")
    confirmed = ok(sell(till, "LIMITED"), 201)

    # then: the receipt goes through without the discount, and the code's use is not counted
    assert statuses(calculated) == statuses(confirmed) == [("LIMITED", "limit_reached")]
    assert confirmed["totals"]["discount"] == "0.00"
    assert list(CodeUse.objects.values_list("purchase_id", flat=True)) == [first["purchase_id"]]


# --- confirm -------------------------------------------------------------------------------------------------------


def test_a_confirm_burns_a_single_use_code_and_records_its_use():
    # given
    till = make_till()
    shopper = make_shopper(till)
    pool = single_pool(coded_campaign(till.brand), codes=["BURN-0001"])

    # when
    answer = ok(sell(till, " burn-0001 ", customer=shopper), 201)

    # then
    assert statuses(answer) == [("BURN-0001", "applied")]
    assert answer["totals"]["discount"] == "100.00"
    purchase = Purchase.objects.get(pk=answer["purchase_id"])
    code = code_of("BURN-0001")
    assert (code.status, code.uses, code.purchase_id, code.used_at) == ("used", 1, purchase.pk, purchase.at)
    use = CodeUse.objects.get()
    assert (use.code_id, use.pool_id, use.purchase_id, use.contact_id) == (
        code.pk,
        pool.pk,
        purchase.pk,
        shopper.contact.pk,
    )
    assert (use.store_id, use.register_id, use.at, use.released_at) == (
        till.store.pk,
        till.register.pk,
        purchase.at,
        None,
    )
    assert purchase.discount == Decimal("100.00")


def test_a_burned_code_is_used_and_a_confirm_with_it_is_refused_writing_nothing():
    # given: a code burned by one receipt
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["BURN-0001"])
    ok(sell(till, "BURN-0001"), 201)
    before = everything_written()

    # when: the next calculate, and a confirm with it
    calculated = check(till, "burn-0001")
    body = receipt("BURN-0001", receipt_number="R-again")
    refused = confirm(till.client, body, key="again")

    # then
    assert statuses(calculated) == [("BURN-0001", "used")]
    assert calculated["totals"]["discount"] == "0.00"
    assert_error(refused, 409, "code_used", {"promo_codes": ["BURN-0001"]})
    assert everything_written() == before
    assert not Purchase.objects.filter(receipt_number="R-again").exists()
    assert not IdempotencyRecord.objects.filter(key="again").exists()
    # and: the key is still free for the receipt without the code
    retried = ok(confirm(till.client, receipt(receipt_number="R-again"), key="again"), 201)
    assert retried["totals"]["discount"] == "0.00"


def test_a_used_code_fails_the_confirm_even_next_to_a_good_one():
    # given: one burned code, one fresh code (for 5 uses) of a points campaign; a customer with 100 points
    till = make_till()
    shopper = make_shopper(till, points="100")
    single_pool(coded_campaign(till.brand, name="First"), codes=["BURN-0001"])
    bonus = coded_campaign(till.brand, name="Bonus", mechanic={"type": "points_fixed", "points": 30})
    multi_pool(bonus, code="FRESH-01", max_uses=5)
    ok(sell(till, "BURN-0001"), 201)
    before = everything_written()

    # when: the customer redeems 50 points on a receipt with both codes
    refused = sell(till, "FRESH-01", "BURN-0001", customer=shopper, redeem_points="50")

    # then: nothing written (no redemption, no campaign points), the fresh code not counted
    assert_error(refused, 409, "code_used", {"promo_codes": ["BURN-0001"]})
    assert everything_written() == before
    assert code_of("FRESH-01").uses == 0
    assert list(LedgerEntry.objects.filter(account=shopper.account).values_list("kind", "points")) == [
        ("accrual", Decimal("100.00"))
    ]
    # and: without the burned code the same receipt goes through
    assert statuses(ok(sell(till, "FRESH-01", customer=shopper, redeem_points="50"), 201)) == [("FRESH-01", "applied")]


def test_a_replayed_confirm_answers_the_first_201_and_burns_nothing_more():
    # given: a confirmed receipt with a code
    till = make_till()
    shopper = make_shopper(till)
    single_pool(coded_campaign(till.brand), codes=["ONCE-0001"])
    body = receipt("ONCE-0001", customer=shopper, receipt_number="R-1")
    first = confirm(till.client, body, key="same-key")
    assert first.status_code == 201, first.content
    before = everything_written()

    # when: the register sends it again with the same key
    replay = confirm(till.client, body, key="same-key")

    # then: the same answer, not a 409 for the now-used code
    assert replay.status_code == 201, replay.content
    assert replay.json() == first.json()
    assert statuses(replay.json()) == [("ONCE-0001", "applied")]
    assert everything_written() == before
    assert CodeUse.objects.count() == 1


def test_an_anonymous_receipt_burns_a_code():
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["ANON-0001"])

    answer = ok(sell(till, "ANON-0001"), 201)

    assert statuses(answer) == [("ANON-0001", "applied")]
    assert answer["totals"]["discount"] == "100.00"
    use = CodeUse.objects.get()
    assert (use.contact_id, use.purchase_id) == (None, answer["purchase_id"])
    assert code_of("ANON-0001").status == "used"
    assert statuses(check(till, "ANON-0001")) == [("ANON-0001", "used")]


def test_a_not_found_code_does_not_fail_the_confirm():
    till = make_till()

    answer = ok(sell(till, "NOPE-0001"), 201)

    assert statuses(answer) == [("NOPE-0001", "not_found")]
    assert Purchase.objects.filter(pk=answer["purchase_id"]).exists()


def test_a_points_campaign_unlocked_by_a_code_gives_its_points_to_an_identified_customer_only():
    # given: 100 points for a receipt with the code
    till = make_till()
    shopper = make_shopper(till)
    campaign = coded_campaign(till.brand, name="Bonus", mechanic={"type": "points_fixed", "points": 100})
    single_pool(campaign, codes=["PTS-0001", "PTS-0002"])

    # when
    anonymous = ok(sell(till, "PTS-0001"), 201)
    identified = ok(sell(till, "PTS-0002", customer=shopper), 201)

    # then: no points (and no code spent) for the anonymous receipt
    assert statuses(anonymous) == [("PTS-0001", "not_applicable")]
    assert anonymous["totals"]["points"] == "0.00"
    assert code_of("PTS-0001").status == "active"
    assert statuses(identified) == [("PTS-0002", "applied")]
    assert identified["totals"]["points"] == "100.00"
    assert code_of("PTS-0002").status == "used"
    entry = LedgerEntry.objects.get(account=shopper.account, campaign_id=campaign.pk)
    assert (entry.kind, entry.points, entry.purchase_id) == ("accrual", Decimal("100.00"), identified["purchase_id"])


# --- refunds -------------------------------------------------------------------------------------------------------


def two_line_receipt(*codes: str, customer: Shopper | None = None) -> dict[str, Any]:
    return receipt(*codes, customer=customer, lines=[line("A", 1, "600.00"), line("B", 1, "400.00")])


def test_a_partial_refund_keeps_the_code_used():
    # given: a pool that gives codes back on refund; a receipt of two lines with one of its codes
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["BACK-0001"], release_on_refund=True)
    bought = ok(confirm(till.client, {**two_line_receipt("BACK-0001"), "receipt_number": "R-1"}, key="k1"), 201)

    # when: one line comes back
    ok(refund(till.client, bought["purchase_id"], {"lines": [{"index": 0, "quantity": "1"}]}))

    # then
    assert code_of("BACK-0001").status == "used"
    assert CodeUse.objects.get().released_at is None
    assert statuses(check(till, "BACK-0001")) == [("BACK-0001", "used")]


def test_a_full_refund_gives_the_code_back_when_the_pool_says_so():
    # given: a customer's receipt with a code of a pool that gives codes back
    till = make_till()
    shopper = make_shopper(till)
    single_pool(coded_campaign(till.brand), codes=["BACK-0001"], release_on_refund=True)
    bought = ok(sell(till, "BACK-0001", customer=shopper), 201)

    # when
    ok(refund(till.client, bought["purchase_id"]))

    # then: usable again, by the same customer too (the released use no longer counts)
    code = code_of("BACK-0001")
    assert (code.status, code.uses) == ("active", 0)
    assert CodeUse.objects.get().released_at is not None
    assert statuses(check(till, "BACK-0001", customer=shopper)) == [("BACK-0001", "applied")]
    again = ok(sell(till, "BACK-0001", customer=shopper), 201)
    assert statuses(again) == [("BACK-0001", "applied")]
    assert code_of("BACK-0001").purchase_id == again["purchase_id"]


def test_a_full_refund_keeps_the_code_used_by_default():
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["KEEP-0001"])
    bought = ok(sell(till, "KEEP-0001"), 201)

    ok(refund(till.client, bought["purchase_id"]))

    assert code_of("KEEP-0001").status == "used"
    assert CodeUse.objects.get().released_at is None
    assert statuses(check(till, "KEEP-0001")) == [("KEEP-0001", "used")]


def test_a_full_refund_gives_back_one_use_of_a_multi_use_code():
    # given: a code for two uses in all, both spent; the pool gives codes back
    till = make_till()
    multi_pool(coded_campaign(till.brand), code="TWICE-01", max_uses=2, release_on_refund=True)
    first = ok(sell(till, "TWICE-01"), 201)
    ok(sell(till, "TWICE-01"), 201)
    assert statuses(check(till, "TWICE-01")) == [("TWICE-01", "limit_reached")]

    # when
    ok(refund(till.client, first["purchase_id"]))

    # then
    code = code_of("TWICE-01")
    assert (code.status, code.uses) == ("active", 1)
    assert statuses(check(till, "TWICE-01")) == [("TWICE-01", "applied")]


# --- bad input -----------------------------------------------------------------------------------------------------


def test_at_most_10_codes_per_receipt():
    # given
    till = make_till()
    codes = [f"NOPE-{n:04d}" for n in range(11)]
    before = everything_written()

    # when
    eleven_calculated = calculate(till.client, receipt(*codes))
    eleven_confirmed = sell(till, *codes)
    ten = check(till, *codes[:10])

    # then
    error = assert_error(eleven_calculated, 400, "invalid")
    assert list(error["fields"]) == ["promo_codes"]
    assert_error(eleven_confirmed, 400, "invalid")
    assert {key: value for key, value in everything_written().items() if key != "AttemptCounter"} == {
        key: value for key, value in before.items() if key != "AttemptCounter"
    }
    assert len(ten["promo_codes"]) == 10


@pytest.mark.parametrize(
    "codes",
    [["X" * 64], ["код-1"], ["A B"], ["%"], ["x" * 41], ["-"], ["12345678"]],
    ids=["long", "cyrillic", "inner-space", "percent", "41-chars", "hyphen", "digits"],
)
def test_odd_codes_never_fail_the_calculate(codes):
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["GOOD-0001"])

    answer = check(till, *codes, "GOOD-0001")

    assert answer["totals"]["discount"] == "100.00"
    assert ("GOOD-0001", "applied") in statuses(answer)
    assert all(status == "not_found" for code, status in statuses(answer) if code != "GOOD-0001")


@pytest.mark.parametrize(
    "code", ["X" * 65, "", "   ", None, "A\x00B", ["A"]], ids=["65-chars", "empty", "spaces", "null", "nul", "list"]
)
def test_a_code_that_is_not_a_string_of_at_most_64_characters_is_refused(code):
    till = make_till()

    response = calculate(till.client, {"lines": [line("A", 1, "10.00")], "promo_codes": [code]})

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["promo_codes"]


def test_a_full_refund_gives_an_unlimited_code_back_to_its_customer():
    # given: a code without a limit in total, once per customer; the pool gives codes back
    till = make_till()
    shopper = make_shopper(till)
    multi_pool(coded_campaign(till.brand), code="ANYONE", max_uses=None, release_on_refund=True)
    bought = ok(sell(till, "ANYONE", customer=shopper), 201)
    assert statuses(check(till, "ANYONE", customer=shopper)) == [("ANYONE", "limit_reached")]

    # when
    ok(refund(till.client, bought["purchase_id"]))

    # then
    assert statuses(check(till, "ANYONE", customer=shopper)) == [("ANYONE", "applied")]
    assert statuses(ok(sell(till, "ANYONE", customer=shopper), 201)) == [("ANYONE", "applied")]


# --- a pool's limits changed while it runs ------------------------------------------------------------------------


def test_a_limit_in_total_set_on_a_code_already_used_counts_its_earlier_uses():
    # given: a multi-use code without a limit, used on three receipts
    till = make_till()
    pool = multi_pool(coded_campaign(till.brand), code="LATER-LIMIT", max_uses=None)
    for _ in range(3):
        ok(sell(till, "LATER-LIMIT"), 201)

    # when: the pool is limited to three uses in all
    pool.max_uses = 3
    pool_save(pool=pool)

    # then: the code is spent: three receipts carry it already
    assert statuses(check(till, "LATER-LIMIT")) == [("LATER-LIMIT", "limit_reached")]
    assert_error(sell(till, "LATER-LIMIT"), 409, "code_used")
    assert CodeUse.objects.filter(code=code_of("LATER-LIMIT")).count() == 3
