"""The contract's worked example 4 and the basic confirm/refund flow through the POS API."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from loyalty.models import Account
from loyalty.services import ledger
from tests.factories import (
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    ContactFactory,
    ProductFactory,
    ProgramFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def till():
    program = ProgramFactory(point_value=Decimal("1.00"), max_redeem_percent=Decimal("50"))
    brand = BrandFactory(program=program)
    register = RegisterFactory(store=StoreFactory(brand=brand))
    TierFactory(program=program, name="Silver", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    card_type = CardTypeFactory(program=program)
    contact = ContactFactory()
    card = CardFactory(card_type=card_type, contact=contact, number="7000000000017")
    ProductFactory(brand=brand, sku="A", name="A")
    ProductFactory(brand=brand, sku="B", name="B")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {register.api_key}")
    return client, program, contact, card


def test_example_4_redemption_spread_and_points(till):
    # given: balance 1,000 points
    client, program, contact, card = till
    account = ledger.account_for(program=program, contact=contact)
    ledger.accrue(account=account, points=Decimal("1000"), at=account.created_at)
    body = {
        "customer": {"card": card.number},
        "lines": [{"sku": "A", "quantity": "1", "price": "400.00"}, {"sku": "B", "quantity": 1, "price": 200}],
        "redeem_points": "500",
    }
    # when
    response = client.post("/api/v1/pos/calculate", body, format="json")
    # then
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["totals"]["redeemable_max"] == "300.00"
    assert answer["totals"]["redeemed_points"] == "300.00"
    assert [line["redeemed_points"] for line in answer["lines"]] == ["200.00", "100.00"]
    assert [line["paid"] for line in answer["lines"]] == ["200.00", "100.00"]
    assert [line["points"] for line in answer["lines"]] == ["10.00", "5.00"]
    assert answer["customer"]["tier"] == "Silver"
    assert answer["customer"]["balance"] == {"active": "1000.00", "pending": "0.00"}


def test_confirm_redeems_accrues_replays_and_refunds(till):
    client, program, contact, card = till
    account = ledger.account_for(program=program, contact=contact)
    ledger.accrue(account=account, points=Decimal("1000"), at=account.created_at)
    body = {
        "customer": {"card": card.number},
        "lines": [{"sku": "A", "quantity": "2", "price": "200.00"}, {"sku": "B", "quantity": "1", "price": "200.00"}],
        "redeem_points": "300.00",
        "receipt_number": "R-1",
    }
    first = client.post("/api/v1/pos/purchases", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201, first.content
    replay = client.post("/api/v1/pos/purchases", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert (replay.status_code, replay.json()) == (201, first.json())
    reused = client.post(
        "/api/v1/pos/purchases", {**body, "receipt_number": "R-2"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    duplicate = client.post("/api/v1/pos/purchases", body, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert duplicate.json()["error"]["code"] == "duplicate_receipt"
    account = Account.objects.get(pk=account.pk)
    assert account.active == Decimal("715.00")  # 1000 - 300 + 5 % of 300 paid
    purchase_id = first.json()["purchase_id"]

    partial = client.post(
        f"/api/v1/pos/purchases/{purchase_id}/refund",
        {"lines": [{"index": 0, "quantity": "1"}]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="r1",
    )
    assert partial.status_code == 200, partial.content
    assert partial.json() == {
        "refund_id": partial.json()["refund_id"],
        "refund_amount": "100.00",
        "points_revoked": "5.00",
        "points_returned": "100.00",
        "balance": {"active": "810.00", "pending": "0.00"},
    }
    rest = client.post(f"/api/v1/pos/purchases/{purchase_id}/refund", {}, format="json", HTTP_IDEMPOTENCY_KEY="r2")
    assert rest.status_code == 200, rest.content
    assert rest.json()["balance"] == {"active": "1000.00", "pending": "0.00"}
    again = client.post(f"/api/v1/pos/purchases/{purchase_id}/refund", {}, format="json", HTTP_IDEMPOTENCY_KEY="r3")
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "refund_exceeds_purchase"
