"""The admin of the points: accounts, the ledger, purchases, refunds, tier changes (read-only, brand-scoped, fast),
and the contact's page with the points per program."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loyalty.choices import EntryKind
from loyalty.models import Account, LedgerEntry, Purchase, Refund, TierChange
from loyalty.pos import checkout, refunds
from tests.factories import (
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    ContactFactory,
    EnrollmentFactory,
    ProgramFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db

POINTS_MODELS = [Account, LedgerEntry, Purchase, Refund, TierChange]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def shop(brand=None, phone: str = "+79161230001") -> dict:
    """A brand with a store and a register; a program whose points live a year, with two tiers; a customer with a
    card, enrolled without a tier yet."""
    program = ProgramFactory(expires_in_days=365, activation_days=0, max_redeem_percent=Decimal("100"))
    brand = brand or BrandFactory(program=program)
    program = brand.program
    program.expires_in_days = 365
    program.save()
    register = RegisterFactory(store=StoreFactory(brand=brand, name=f"{brand.name} store"))
    TierFactory(program=program, name="Bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    TierFactory(program=program, name="Silver", min_spend=Decimal("1500"), accrual_percent=Decimal("10"))
    contact = ContactFactory(phone=phone, first_name="Anna")
    card = CardFactory(card_type=CardTypeFactory(program=program), contact=contact)
    EnrollmentFactory(contact=contact, program=program)
    return {"brand": brand, "program": program, "register": register, "contact": contact, "card": card}


def buy(world: dict, number: str, price: str, *, days_ago: int = 0, redeem: str = "0", card: bool = True) -> Purchase:
    """A receipt confirmed through the checkout service, `days_ago` back (the service's clock set to then)."""
    at = timezone.now() - timedelta(days=days_ago)
    data = {
        "customer": {"card": world["card"].number} if card else None,
        "lines": [{"sku": "SKU-1", "quantity": Decimal("1"), "price": Decimal(price)}],
        "promo_codes": [],
        "redeem_points": Decimal(redeem),
        "at": at,
        "receipt_number": number,
    }
    purchase, _answer = checkout.confirm(register=world["register"], data=data, now=at + timedelta(seconds=5))
    return purchase


@pytest.fixture
def world() -> dict:
    """Two receipts of one customer: 1000.00 350 days ago (50 points at 5 %, expiring in 15 days) and 600.00 now,
    20 points of it paid with points taken from the first lot (29 points earned at 5 % of 580.00); the spend of
    1580.00 lifts the customer to Silver. A third receipt is anonymous; the second is partly refunded."""
    world = shop()
    world["first"] = buy(world, "R-1", "1000.00", days_ago=350)
    world["second"] = buy(world, "R-2", "600.00", redeem="20")
    world["anonymous"] = buy(world, "R-3", "99.90", card=False)
    return world


@pytest.mark.parametrize("model", POINTS_MODELS, ids=lambda model: model.__name__)
def test_points_pages_open_for_a_superuser_and_are_read_only(admin_client, world, model):
    if model is Refund:
        refunds.refund(register=world["register"], purchase_id=world["anonymous"].pk, data={})
    obj = model._default_manager.first()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "add"), {}).status_code == 403
    assert admin_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_purchase_page_is_read_only_with_lines_and_refunds(admin_client, world):
    refunds.refund(register=world["register"], purchase_id=world["second"].pk, data={})

    response = admin_client.get(admin_url(Purchase, "change", world["second"].pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert "SKU-1" in page
    assert "580.00" in page  # the line's paid amount, and the refund's amount
    assert "29.00" in page  # points earned, and revoked by the refund
    assert "20.00" in page  # points redeemed, and returned by the refund
    assert admin_client.post(admin_url(Purchase, "change", world["second"].pk), {}).status_code == 403


def test_contact_page_shows_points_per_program_with_exact_figures(admin_client, world):
    response = admin_client.get(admin_url(type(world["contact"]), "change", world["contact"].pk))

    page = response.content.decode()
    assert response.status_code == 200
    panel = page[page.index("Points by program") :]
    assert world["program"].name in panel
    # 50 + 29 - 20 active; 30 of the first lot expire within 30 days.
    for value in ("59.00", "0.00", "30.00"):  # active, pending, expiring within 30 days
        assert f'<div class="text-lg font-semibold">{value}</div>' in panel
    assert "Silver" in panel
    # Lots: the first with 30.00 of 50.00 left, the second whole.
    assert "<td>50.00</td><td>30.00</td>".replace("<td>", '<td class="px-3 py-2">') in panel
    assert "<td>29.00</td><td>29.00</td>".replace("<td>", '<td class="px-3 py-2">') in panel
    # The latest entries and the purchases, with links to the change lists for the rest.
    assert ">-20.00<" in panel
    for number, paid in (("R-1", "1,000.00\N{NO-BREAK SPACE}₽"), ("R-2", "580.00\N{NO-BREAK SPACE}₽")):
        assert f">{number}</a>" in panel
        assert f">{paid}<" in panel  # grouped, with the brand's currency sign
    assert ">R-3</a>" not in panel  # anonymous
    account = Account.objects.get(contact=world["contact"])
    assert f"ledgerentry/?account__id__exact={account.pk}" in panel
    assert f"purchase/?contact__id__exact={world['contact'].pk}" in panel
    # Tier history: none → Bronze at the first receipt, Bronze → Silver at the second.
    assert list(TierChange.objects.order_by("at").values_list("from_tier__name", "to_tier__name")) == [
        (None, "Bronze"),
        ("Bronze", "Silver"),
    ]
    assert panel.count("Bronze") >= 2


def test_contact_page_queries_do_not_grow_with_the_history(admin_client, world):
    url = admin_url(type(world["contact"]), "change", world["contact"].pk)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)

    for number in range(4, 9):
        buy(world, f"R-{number}", "10.00", redeem="1")
    with CaptureQueriesContext(connection) as after:
        admin_client.get(url)

    assert len(after.captured_queries) == len(before.captured_queries)


def test_contact_page_lists_at_most_the_limit_and_links_to_the_rest(admin_client, world, monkeypatch):
    monkeypatch.setattr("loyalty.admin.contacts.CONTACT_PANEL_LIMIT", 1)

    page = admin_client.get(admin_url(type(world["contact"]), "change", world["contact"].pk)).content.decode()

    panel = page[page.index("Points by program") :]
    assert ">R-2</a>" in panel
    assert ">R-1</a>" not in panel
    assert "(1 of 2)" in panel  # lots


def test_ledger_list_shows_status_and_links(admin_client, world):
    response = admin_client.get(admin_url(LedgerEntry, "changelist"))

    rows = list(response.context["cl"].result_list)
    assert [entry.kind for entry in rows] == [EntryKind.ACCRUAL, EntryKind.REDEMPTION, EntryKind.ACCRUAL]
    page = response.content.decode()
    assert admin_url(Purchase, "change", world["second"].pk) in page
    assert ">active<" in page
    assert not response.context["cl"].show_full_result_count


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("R-2", ["R-2"]),
        ("8 916 123-00-01", ["R-2", "R-1"]),
        ("+7916123", ["R-2", "R-1"]),
        ("card", ["R-2", "R-1"]),
        ("R-404", []),
    ],
)
def test_purchase_search_by_receipt_phone_or_card(admin_client, world, term, expected):
    term = world["card"].number if term == "card" else term

    response = admin_client.get(admin_url(Purchase, "changelist"), {"q": term})

    assert [purchase.receipt_number for purchase in response.context["cl"].result_list] == expected


def test_ledger_search_by_purchase_id_or_phone(admin_client, world):
    by_purchase = admin_client.get(admin_url(LedgerEntry, "changelist"), {"q": str(world["second"].pk)})
    by_phone = admin_client.get(admin_url(LedgerEntry, "changelist"), {"q": "+79161230001"})
    by_other = admin_client.get(admin_url(LedgerEntry, "changelist"), {"q": "+79169999999"})

    assert sorted(entry.kind for entry in by_purchase.context["cl"].result_list) == ["accrual", "redemption"]
    assert len(by_phone.context["cl"].result_list) == 3
    assert list(by_other.context["cl"].result_list) == []


def test_sidebar_lists_the_points_section(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Points" in page
    for model in POINTS_MODELS:
        assert admin_url(model, "changelist") in page


# Brand scoping


@pytest.fixture
def manager_admin(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def two_shops(manager_brand) -> tuple[dict, dict]:
    own = shop(manager_brand, phone="+79161230001")
    other = shop(phone="+79161230002")
    buy(own, "OWN-1", "100.00")
    buy(other, "OTHER-1", "200.00")
    return own, other


def test_manager_sees_only_the_purchases_and_points_of_their_brand(manager_admin, two_shops):
    own, other = two_shops

    purchases = manager_admin.get(admin_url(Purchase, "changelist"))
    entries = manager_admin.get(admin_url(LedgerEntry, "changelist"))
    accounts = manager_admin.get(admin_url(Account, "changelist"))
    changes = manager_admin.get(admin_url(TierChange, "changelist"))

    assert [purchase.receipt_number for purchase in purchases.context["cl"].result_list] == ["OWN-1"]
    assert "OTHER-1" not in purchases.content.decode()
    assert other["brand"].name not in purchases.content.decode()  # nor in the brand filter
    assert {entry.account.program_id for entry in entries.context["cl"].result_list} == {own["program"].pk}
    assert [account.contact for account in accounts.context["cl"].result_list] == [own["contact"]]
    assert [change.enrollment.contact for change in changes.context["cl"].result_list] == [own["contact"]]


def test_purchase_of_another_brand_is_out_of_reach(manager_admin, two_shops):
    theirs = Purchase.objects.get(receipt_number="OTHER-1")
    mine = Purchase.objects.get(receipt_number="OWN-1")

    assert manager_admin.get(admin_url(Purchase, "change", mine.pk)).status_code == 200
    response = manager_admin.get(admin_url(Purchase, "change", theirs.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    entry = LedgerEntry.objects.get(purchase_id=theirs.pk)
    assert manager_admin.get(admin_url(LedgerEntry, "change", entry.pk)).status_code == 302
    assert manager_admin.get(admin_url(Purchase, "add")).status_code == 403


def test_manager_sees_on_a_contact_only_the_programs_of_their_brand(manager_admin, two_shops):
    own, other = two_shops
    # The manager's customer also shops at the other brand, with a card of its program.
    contact = own["contact"]
    card = CardFactory(card_type=CardTypeFactory(program=other["program"]), contact=contact)
    EnrollmentFactory(contact=contact, program=other["program"])
    buy({**other, "card": card}, "OTHER-2", "300.00")

    page = manager_admin.get(admin_url(type(contact), "change", contact.pk)).content.decode()

    panel = page[page.index("Points by program") :]
    assert ">OWN-1</a>" in panel
    assert "OTHER-2" not in panel
    assert other["program"].name not in panel


# Adjust points


def test_adjust_points_from_the_account_page_is_audited(admin_client, admin_user, world):
    account = Account.objects.get(contact=world["contact"])
    url = reverse("admin:loyalty_account_adjust_points", args=[account.pk])
    assert url in admin_client.get(admin_url(Account, "change", account.pk)).content.decode()
    assert admin_client.get(url).status_code == 200  # the dialog's form

    response = admin_client.post(
        url, {"points": "12.50", "reason": "Goodwill", "expires_in_days": "", "_form_submitted": "on"}
    )

    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert (entry.account, entry.points, entry.reason, entry.created_by) == (
        account,
        Decimal("12.50"),
        "Goodwill",
        admin_user,
    )
    assert entry.expires_at is None
    account.refresh_from_db()
    assert account.active == Decimal("71.50")


def test_adjust_points_never_below_zero_shows_the_error(admin_client, world):
    account = Account.objects.get(contact=world["contact"])
    url = reverse("admin:loyalty_account_adjust_points", args=[account.pk])

    response = admin_client.post(url, {"points": "-100", "reason": "Too much", "_form_submitted": "on"}, follow=True)

    assert "Not enough active points: 59.00 available." in [str(message) for message in response.context["messages"]]
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_adjust_points_needs_a_reason(admin_client, world):
    account = Account.objects.get(contact=world["contact"])
    url = reverse("admin:loyalty_account_adjust_points", args=[account.pk])

    response = admin_client.post(url, {"points": "5", "reason": "", "_form_submitted": "on"})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_manager_cannot_adjust_an_account_of_another_brand(manager_admin, two_shops):
    own, other = two_shops
    theirs = Account.objects.get(contact=other["contact"])
    mine = Account.objects.get(contact=own["contact"])
    data = {"points": "5", "reason": "Try", "_form_submitted": "on"}

    assert manager_admin.post(reverse("admin:loyalty_account_adjust_points", args=[theirs.pk]), data).status_code == 403
    assert manager_admin.post(reverse("admin:loyalty_account_adjust_points", args=[mine.pk]), data).status_code == 302
    assert list(LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).values_list("account", flat=True)) == [mine.pk]
