"""Each fraud signal on a small world made to raise it, next to look-alikes that must not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.metrics.base import Period
from analytics.metrics.fraud import fraud_signals
from loyalty.services import ledger
from tests.analytics.metrics.support import buy, contact, refund, shop
from tests.conftest import token_client
from tests.factories import CardFactory, CardTypeFactory, EnrollmentFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def signals(brand, **period):
    now = timezone.now()
    found = fraud_signals([brand.pk], Period(start=now - timedelta(days=30), end=now + timedelta(minutes=1)))
    return [(signal.kind, signal.object.get("label"), signal.score) for signal in found]


def test_a_card_in_three_stores_within_an_hour():
    mine, someone = shop(), contact()
    registers = [mine.register_in() for _ in range(3)]
    card = CardFactory(card_type=CardTypeFactory(program=mine.brand.program), number="2999000000017", contact=someone)
    start = timezone.now() - timedelta(days=2)
    for minutes, register in zip((0, 20, 50), registers, strict=True):
        buy(mine, someone, start + timedelta(minutes=minutes), register=register, card=card.number)
    for hours, register in zip((0, 2, 4), registers, strict=True):  # three stores over four hours: fine
        buy(mine, someone, start - timedelta(days=1, hours=-hours), register=register, card="2999000000024")

    found = fraud_signals([mine.brand.pk], Period.last_days(30))

    assert [(signal.kind, signal.object, signal.score) for signal in found] == [
        ("card_many_stores", {"type": "card", "id": card.pk, "label": card.number}, 3.0)
    ]
    assert found[0].reason.startswith(f"Card {card.number} was used in 3 stores within an hour (from ")


def test_redemptions_repeatedly_just_under_the_limit():
    mine = shop(program__max_redeem_percent=Decimal("50"))
    prober, maximiser, modest = contact(), contact(), contact()
    now = timezone.now()
    for n in range(3):
        # a receipt of 1000 allows 500 in points: 480 is 96 % of it; 500 is the limit itself; 440 is 88 %
        buy(mine, prober, now - timedelta(days=n + 1), paid=520, redeemed=480)
        buy(mine, maximiser, now - timedelta(days=n + 1), paid=500, redeemed=500)
        buy(mine, modest, now - timedelta(days=n + 1), paid=560, redeemed=440)
    buy(mine, modest, now - timedelta(days=5), paid=520, redeemed=480)  # once: not repeatedly

    assert signals(mine.brand) == [("redemption_near_limit", str(prober), 3.0)]


def test_a_register_refunding_far_more_than_the_rest_of_its_store():
    mine, now = shop(), timezone.now()
    store = StoreFactory(brand=mine.brand, name="Arbat")
    busy, calm = mine.register_in(store), mine.register_in(store)
    for n in range(10):
        bought = buy(mine, None, now - timedelta(days=n + 1), register=busy)
        if n < 5:
            refund(bought, now - timedelta(days=n))
    for n in range(20):
        bought = buy(mine, None, now - timedelta(days=n + 1), register=calm)
        if n < 1:
            refund(bought, now - timedelta(days=n))

    found = fraud_signals([mine.brand.pk], Period.last_days(30))

    # 5 of 10 against 1 of 20 (5 %): ten times the store's rate
    assert [(signal.kind, signal.object["id"], signal.score) for signal in found] == [
        ("register_refunds", busy.pk, 10.0)
    ]
    assert found[0].reason == (
        f"Register {busy.code} (Arbat) refunded 50.0 % of its receipts (5 of 10); the rest of the store 5.0 %."
    )


def test_staff_making_far_more_manual_adjustments_than_the_others():
    mine = shop()
    eager, usual = UserFactory(username="eager", is_staff=True), UserFactory(username="usual", is_staff=True)
    people = [contact() for _ in range(6)]
    for person in people:
        EnrollmentFactory(contact=person, program=mine.brand.program)
        account = ledger.account_for(program=mine.brand.program, contact=person)
        ledger.adjust(account=account, points=Decimal("100"), reason="goodwill", user=eager)
    ledger.adjust(account=account, points=Decimal("5"), reason="typo", user=usual)

    assert signals(mine.brand) == [("staff_adjustments", "eager", 6.0)]


def test_contacts_with_phones_from_one_block_and_a_card_of_several_contacts():
    mine = shop()
    block = [contact(phone=f"+791612345{n:02d}") for n in (1, 2, 77)]
    pair = [contact(phone="+79161110001"), contact(phone="+79161110002")]  # two: not a block
    for person in [*block, *pair]:
        EnrollmentFactory(contact=person, program=mine.brand.program)
    contact(phone="+79161234588")  # of the block but not in the brand's program
    now = timezone.now()
    buy(mine, block[0], now - timedelta(days=1), card="2999000000031")
    buy(mine, block[1], now - timedelta(days=2), card="2999000000031")

    assert signals(mine.brand) == [
        ("shared_phone", "+791612345xx", 3.0),
        ("shared_card", "2999000000031", 2.0),
    ]


def test_the_api_lists_the_signals_of_the_brand_only(admin_user):
    mine, theirs = shop(), shop("Theirs")
    for where in (mine, theirs):
        stores = [where.register_in() for _ in range(3)]
        start = timezone.now() - timedelta(days=1)
        for minutes, register in zip((0, 10, 20), stores, strict=True):
            buy(where, None, start + timedelta(minutes=minutes), register=register, card=f"2999{where.brand.pk:09d}")
    client = token_client(admin_user)

    response = client.get("/api/v1/analytics/fraud", {"brand": mine.brand.pk})
    csv = client.get("/api/v1/analytics/fraud", {"brand": mine.brand.pk, "format": "csv"})

    assert response.status_code == 200
    [signal] = response.json()
    assert signal["kind"] == "card_many_stores"
    assert signal["object"] == {"type": "card", "id": None, "label": f"2999{mine.brand.pk:09d}"}
    assert signal["score"] == 3.0
    assert "3 stores within an hour" in signal["reason"]
    assert csv.content.decode("utf-8-sig").splitlines()[0] == "kind,object_type,object_id,object,score,reason"
