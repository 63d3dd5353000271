"""The customer's own account over the API: me, history, profile changes, blocking a card, and isolation (a
customer token reaches its own contact only; everything else is 404 or 401)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from account.models import CustomerToken
from contacts.models import ContactAuditLog, ContactEvent, SubscriptionChange
from loyalty.models import Card
from loyalty.services import ledger
from tests.account.support import API, account_brand, customer_client, log_in
from tests.factories import CardFactory, TierFactory
from tests.helpers import assert_error
from tests.loyalty.pos_support import confirm, line, make_shopper, make_till

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


@pytest.fixture
def till():
    till = make_till(brand=account_brand())
    TierFactory(program=till.program, name="Silver", min_spend="1000.00", accrual_percent="5.00")
    return till


@pytest.fixture
def shopper(till):
    """A customer of the till's program with 500 points (200 of them expiring in 10 days) and one purchase."""
    shopper = make_shopper(till, phone=PHONE, first_name="Anna", email="anna@example.com")
    ledger.accrue(account=shopper.account, points=Decimal("300"), at=timezone.now() - timedelta(days=3))
    ledger.accrue(
        account=shopper.account, points=Decimal("200"), at=timezone.now() - timedelta(days=1), expires_in_days=11
    )
    body = {"customer": {"card": shopper.card.number}, "lines": [line("SKU-1", 1, "600.00")], "receipt_number": "R-1"}
    assert confirm(till.client, body).status_code == 201
    return shopper


@pytest.fixture
def me(api_client, shopper):
    return customer_client(log_in(api_client, PHONE))


def test_me_shows_the_contact_cards_balance_and_tier_progress(me, shopper, till):
    # when
    body = me.get(f"{API}/me").json()

    # then
    assert body["contact"]["id"] == shopper.contact.pk
    assert body["contact"]["phone"] == PHONE
    assert body["contact"]["first_name"] == "Anna"
    [card] = body["cards"]
    assert {key: card[key] for key in ("number", "type", "status", "program")} == {
        "number": shopper.card.number,
        "type": till.card_type.name,
        "status": "active",
        "program": till.program.pk,
    }
    assert card["barcode_svg"].startswith("<svg")
    assert shopper.card.number in card["barcode_svg"]
    assert card["qr_svg"].startswith("<svg")
    [program] = body["programs"]
    assert (program["id"], program["name"]) == (till.program.pk, till.program.name)
    assert program["balance"]["active"] == "518.00"  # 500 and 3 % of 600 paid at the Base tier
    assert program["balance"]["pending"] == "0.00"
    assert [item["points"] for item in program["balance"]["expiring"]] == ["200.00"]
    assert program["tier"] == "Base"
    assert program["next_tier"] == "Silver"
    progress = program["progress"]
    assert progress["tier"] == {"name": "Base", "accrual_percent": "3.00"}
    assert progress["next_tier"] == {"name": "Silver", "accrual_percent": "5.00", "min_spend": "1000.00"}
    assert (progress["spend"], progress["missing"], progress["percent"]) == ("600.00", "400.00", 60)


def test_history_lists_purchases_and_ledger_entries_newest_first_paginated(me, shopper):
    # when
    first = me.get(f"{API}/history", {"page_size": 2}).json()
    second = me.get(first["next"]).json()
    purchases = me.get(f"{API}/history", {"type": "purchase"}).json()

    # then: one purchase and three entries (two accruals by hand, the receipt's accrual)
    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert len(second["results"]) == 2
    rows = first["results"] + second["results"]
    times = [row["at"] for row in rows]
    assert times == sorted(times, reverse=True)
    assert sorted(row["type"] for row in rows) == ["entry", "entry", "entry", "purchase"]
    [purchase] = purchases["results"]
    assert purchase["type"] == "purchase"
    assert (purchase["receipt_number"], purchase["paid"], purchase["points"]) == ("R-1", "600.00", "18.00")
    entry = next(row for row in rows if row["type"] == "entry" and row["points"] == "200.00")
    assert (entry["kind"], entry["status"]) == ("accrual", "active")


def test_history_refuses_an_unknown_type(me):
    assert_error(me.get(f"{API}/history", {"type": "secrets"}), 400, "invalid")


def test_patch_changes_name_email_and_subscriptions_with_history(me, shopper):
    # when
    answer = me.patch(
        f"{API}/me",
        {"first_name": "Anya", "email": "ANYA@example.com", "subscribed_sms": True, "phone": "+79990000000"},
        format="json",
    )

    # then: changed through the contact service (audit, subscription history with source), the phone stays
    assert answer.status_code == 200, answer.content
    contact = answer.json()["contact"]
    assert (contact["first_name"], contact["email"], contact["subscribed_sms"]) == ("Anya", "anya@example.com", True)
    assert contact["phone"] == PHONE
    audit = ContactAuditLog.objects.filter(contact=shopper.contact, source="account").order_by("-pk").first()
    assert set(audit.changes) >= {"first_name", "email", "subscribed_sms"}
    assert SubscriptionChange.objects.filter(contact=shopper.contact, channel="sms", source="account").exists()


def test_the_birth_date_is_set_once(me, shopper):
    first = me.patch(f"{API}/me", {"birth_date": "1990-05-17"}, format="json")
    same = me.patch(f"{API}/me", {"birth_date": "1990-05-17"}, format="json")
    other = me.patch(f"{API}/me", {"birth_date": "1991-01-01"}, format="json")
    cleared = me.patch(f"{API}/me", {"birth_date": None}, format="json")

    assert first.json()["contact"]["birth_date"] == "1990-05-17"
    assert same.status_code == 200
    assert_error(other, 400, "birth_date_locked")
    assert_error(cleared, 400, "birth_date_locked")
    shopper.contact.refresh_from_db()
    assert str(shopper.contact.birth_date) == "1990-05-17"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not an e-mail"}, "invalid"),
        ({"birth_date": "yesterday"}, "invalid"),
        ({"subscribed_email": "maybe"}, "invalid"),
        ({"first_name": "x" * 101}, "invalid"),
    ],
)
def test_patch_refuses_bad_input_and_changes_nothing(me, shopper, body, code):
    before = ContactAuditLog.objects.count()

    assert_error(me.patch(f"{API}/me", body, format="json"), 400, code)

    assert ContactAuditLog.objects.count() == before


def test_a_blacklisted_email_is_refused(me):
    from tests.factories import BlacklistEntryFactory

    BlacklistEntryFactory(phone=None, email="spam@example.com")

    assert_error(me.patch(f"{API}/me", {"email": "spam@example.com"}, format="json"), 400, "blacklisted")


def test_blocking_a_card(me, shopper, till):
    # when
    answer = me.post(f"{API}/cards/{shopper.card.number}/block")
    again = me.post(f"{API}/cards/{shopper.card.number}/block/")

    # then: blocked, once recorded as an event, the till refuses it
    assert answer.status_code == 200
    assert answer.json() == {
        "number": shopper.card.number,
        "type": till.card_type.name,
        "status": "blocked",
        "program": till.program.pk,
    }
    assert again.status_code == 200
    assert ContactEvent.objects.filter(contact=shopper.contact, type="card_blocked").count() == 1
    assert till.client.get("/api/v1/pos/customer", {"card": shopper.card.number}).status_code == 409
    assert me.get(f"{API}/me").json()["cards"][0]["status"] == "blocked"


def test_a_customer_token_reaches_only_its_own_contact(api_client, me, shopper, till):
    # given: another customer with a card, and cards of nobody
    other = make_shopper(till, phone="+79167654321")
    loose = CardFactory(card_type=till.card_type)

    # when: every other number is unknown to this customer
    answers = [
        me.post(f"{API}/cards/{number}/block")
        for number in (other.card.number, loose.number, "0000000000000", "../me", str(other.contact.pk))
    ]
    apple = me.get(f"{API}/wallet/apple", {"card": other.card.number})

    # then
    for answer in answers:
        assert answer.status_code == 404, answer.content
    assert Card.objects.get(pk=other.card.pk).status == "active"
    assert Card.objects.get(pk=loose.pk).status == "active"
    assert apple.status_code == 404
    body = me.get(f"{API}/me").json()
    assert [card["number"] for card in body["cards"]] == [shopper.card.number]
    assert body["contact"]["id"] == shopper.contact.pk


def test_the_customer_sees_nothing_of_the_staff_api(me, shopper):
    for path in ("/api/v1/contacts", f"/api/v1/contacts/{shopper.contact.pk}", "/api/v1/cards", "/api/v1/messages"):
        answer = me.get(path)
        assert answer.status_code in (401, 403), (path, answer.status_code)
        assert PHONE not in answer.content.decode()


@pytest.mark.parametrize("header", ["Customer nonsense", "Customer", "Customer a b", "Token x", ""])
def test_no_or_bad_customer_token_is_401(api_client, shopper, header):
    client = api_client
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)

    for method, path in (("get", "me"), ("patch", "me"), ("get", "history"), ("post", "cards/1/block")):
        answer = getattr(client, method)(f"{API}/{path}", {}, format="json")
        assert answer.status_code == 401, (header, path)
        assert answer.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


def test_logout_revokes_the_token(me, shopper):
    assert me.post(f"{API}/logout").status_code == 204

    assert_error(me.get(f"{API}/me"), 401, "authentication_failed")
    assert CustomerToken.objects.get().revoked_at is not None


def test_an_expired_token_is_refused(me):
    CustomerToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_error(me.get(f"{API}/me"), 401, "authentication_failed")


def test_wallets_are_404_not_configured_without_their_keys(me):
    assert_error(me.get(f"{API}/wallet/apple"), 404, "not_configured")
    assert_error(me.get(f"{API}/wallet/google"), 404, "not_configured")
