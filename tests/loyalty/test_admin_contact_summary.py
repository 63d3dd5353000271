"""The contact's page opens on a summary card (balance, tier, expiries, cards, master account) above the form; the
admin names a limited manager's brands at the top of the sidebar; the contact list has a brand column."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from loyalty.selectors.summary import contact_summary
from loyalty.services.ledger import accrue, master_account_points_account
from tests.factories import (
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    ProgramFactory,
    TierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def change_url(contact) -> str:
    return reverse("admin:contacts_contact_change", args=[contact.pk])


def summary_of(page: str) -> str:
    """The summary card's markup; it comes before the form."""
    match = re.search(r'<section id="contact-summary".*?</section>', page, re.DOTALL)
    assert match is not None, "no summary card"
    assert match.start() < page.index('id="contact_form"')
    return match.group(0)


def text_of(html: str) -> str:
    """The card's words, tags dropped and spaces (the no-break ones kept) squeezed."""
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def member_with_points(brand, *, phone: str, first_name: str = "Anna") -> dict:
    """A contact of `brand`'s program: Silver until a date, a family master account whose pool holds 1,500.00
    points expiring in 30 days, 234.50 that never expire and 100.00 pending for 10 days; an active plastic card
    and a blocked virtual one."""
    program = brand.program
    now = timezone.now()
    silver = TierFactory(program=program, name="Silver", min_spend=Decimal("0"))
    contact = ContactFactory(phone=phone, first_name=first_name, last_name="Smirnova")
    valid_until = now + timedelta(days=200)
    EnrollmentFactory(contact=contact, program=program, tier=silver, tier_valid_until=valid_until)
    plastic = CardFactory(card_type=CardTypeFactory(program=program, name="Plastic"), contact=contact)
    virtual = CardFactory(card_type=CardTypeFactory(program=program, name="Virtual"), contact=contact, status="blocked")
    family = MasterAccountFactory(program=program, name=f"{first_name}'s family", members=[contact])
    pool = master_account_points_account(master_account=family)
    accrue(account=pool, points="1500.00", at=now, expires_in_days=30)
    accrue(account=pool, points="234.50", at=now)
    accrue(account=pool, points="100.00", at=now, activation_days=10)
    return {
        "contact": contact,
        "program": program,
        "family": family,
        "cards": (plastic, virtual),
        "expiry": timezone.localdate(now + timedelta(days=30)),
        "valid_until": timezone.localtime(valid_until).date(),
    }


@pytest.fixture
def anna() -> dict:
    brand = BrandFactory(name="Sunflower", program=ProgramFactory(name="Sun club", point_value=Decimal("0.50")))
    return {"brand": brand, **member_with_points(brand, phone="+79161230001")}


@pytest.mark.parametrize(
    ("language", "points", "worth", "pending", "date_format"),
    [
        ("en", "1,734.50 points", f"≈ 867.25{NBSP}₽", "pending 100.00", "%d.%m.%Y"),
        ("ru", f"1{NBSP}734,50 баллов", f"≈ 867,25{NBSP}₽", "100,00", "%d.%m.%Y"),
    ],
)
def test_contact_page_opens_on_the_summary_card(admin_client, anna, language, points, worth, pending, date_format):
    # given
    admin_client.cookies["django_language"] = language

    # when
    response = admin_client.get(change_url(anna["contact"]))

    # then: the card, before the form, with the figures as the language writes them
    assert response.status_code == 200
    card = summary_of(response.content.decode())
    words = text_of(card)
    assert "Anna Smirnova" in words
    assert "Sun club · Sunflower" in words
    balance = text_of(re.search(r'data-summary="balance">.*?</div>\s*</div>', card, re.DOTALL).group(0))
    if language == "en":
        assert points in balance
    else:
        assert points.split(" ")[0] in balance  # the number; the word is the catalogue's
    assert worth in balance
    assert pending in balance
    assert "Silver" in words
    assert anna["valid_until"].strftime(date_format) in words
    fifteen_hundred = "1,500.00" if language == "en" else f"1{NBSP}500,00"
    assert f"{anna['expiry'].strftime(date_format)}: {fifteen_hundred}" in words  # the lot expiring in 30 days
    plastic, virtual = anna["cards"]
    assert card.index(plastic.number) < card.index(virtual.number)  # the active card first
    assert "Plastic" in words
    assert "Virtual" in words
    assert reverse("admin:loyalty_masteraccount_change", args=[anna["family"].pk]) in card
    assert "Anna&#x27;s family" in card


def test_summary_card_statuses_and_links_of_the_cards(admin_client, anna):
    card = summary_of(admin_client.get(change_url(anna["contact"])).content.decode())

    words = text_of(card)
    plastic, virtual = anna["cards"]
    assert re.search(rf"{plastic.number} Plastic active", words)
    assert re.search(rf"{virtual.number} Virtual blocked", words)
    assert reverse("admin:loyalty_card_change", args=[plastic.pk]) in card


def test_summary_card_of_a_contact_in_no_program(admin_client):
    contact = ContactFactory(first_name="Oleg", last_name="Nobody")

    card = summary_of(admin_client.get(change_url(contact)).content.decode())

    assert "Oleg Nobody" in text_of(card)
    assert "Not in any program." in card


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def test_manager_sees_nothing_of_another_brand_on_the_card(manager_client, manager_brand):
    # given: the manager's customer is also a member of another brand's family, with cards and points there
    own = member_with_points(manager_brand, phone="+79161230002", first_name="Maria")
    other_brand = BrandFactory(name="Other brand", program=ProgramFactory(name="Other club"))
    other_card = CardFactory(
        card_type=CardTypeFactory(program=other_brand.program, name="Gold"), contact=own["contact"]
    )
    EnrollmentFactory(contact=own["contact"], program=other_brand.program)
    other_family = MasterAccountFactory(program=other_brand.program, name="Elsewhere", members=[own["contact"]])
    accrue(account=master_account_points_account(master_account=other_family), points="9876.00", at=timezone.now())

    # when
    card = summary_of(manager_client.get(change_url(own["contact"])).content.decode())

    # then
    words = text_of(card)
    assert "Managed brand" in words
    assert "1,734.50 points" in words
    for foreign in ("Other brand", "Other club", other_card.number, "Gold", "Elsewhere", "9,876.00"):
        assert foreign not in words
    assert card.count("data-summary-program=") == 1


# The brands in the header


def header_label(response) -> str:
    """The label at the right of the header (unfold's environment label), as written in the page."""
    page = response.content.decode()
    header = page[page.index('id="header-inner"') : page.index('id="content"')]
    match = re.search(
        r'<span class="inline-block font-semibold rounded-default[^"]*"\s*>(.*?)</span>', header, re.DOTALL
    )
    return text_of(match.group(1)) if match else ""


def test_a_limited_manager_sees_their_brand_in_the_header(manager_client):
    response = manager_client.get(reverse("admin:contacts_contact_changelist"))

    assert response.context["environment"] == ["Brand: Managed brand", "info"]
    assert header_label(response) == "Brand: Managed brand"


def test_a_manager_of_two_brands_sees_both(manager, manager_brand):
    BrandFactory(name="Another managed", managers=[manager])
    client = Client()
    client.force_login(manager)

    response = client.get(reverse("admin:index"))

    assert header_label(response) == "Brands: Another managed, Managed brand"


def test_a_manager_of_no_brand_is_told_so(manager, manager_brand):
    manager_brand.managers.remove(manager)
    client = Client()
    client.force_login(manager)

    response = client.get(reverse("admin:contacts_contact_changelist"))

    assert header_label(response) == "No brand assigned"


def test_the_brand_is_named_in_russian(manager_client):
    manager_client.cookies["django_language"] = "ru"

    response = manager_client.get(reverse("admin:contacts_contact_changelist"))

    assert 'lang="ru"' in response.content.decode()
    assert header_label(response).endswith("Managed brand")


@pytest.mark.parametrize("who", ["superuser", "all_brands"])
def test_unlimited_staff_see_no_brand_label(who, all_brands_user):
    user = UserFactory(username="root", is_staff=True, is_superuser=True) if who == "superuser" else all_brands_user
    BrandFactory(name="Somebrand")
    client = Client()
    client.force_login(user)

    response = client.get(reverse("admin:contacts_contact_changelist"))

    assert response.context["environment"] is None
    assert header_label(response) == ""
    assert "Brand: " not in response.content.decode()


# The brand column of the contact list


def contacts_in(brand, count: int, prefix: str) -> list:
    contacts = []
    for index in range(count):
        contact = ContactFactory(last_name=f"{prefix}{index}")
        EnrollmentFactory(contact=contact, program=brand.program)
        contacts.append(contact)
    return contacts


def brand_column(response) -> dict[int, str]:
    """Each row's brands as its cell names them all (the cell's title; badges show the first ones), or its dash."""
    admin = response.context["cl"].model_admin
    cells = {contact.pk: str(admin.brands(contact)) for contact in response.context["cl"].result_list}
    return {
        pk: (found.group(1) if (found := re.search(r'title="([^"]*)"', cell)) else cell.strip())
        for pk, cell in cells.items()
    }


def test_contact_list_shows_each_contacts_brands(admin_client):
    # given: a contact in two programs (one shared by two brands), another in one, a third in none
    shared = ProgramFactory()
    north = BrandFactory(name="North", program=shared)
    BrandFactory(name="South", program=shared)
    east = BrandFactory(name="East")
    both = contacts_in(north, 1, "Both")[0]
    EnrollmentFactory(contact=both, program=east.program)
    only_east = contacts_in(east, 1, "East")[0]
    nowhere = ContactFactory()

    # when
    response = admin_client.get(reverse("admin:contacts_contact_changelist"))

    # then
    assert brand_column(response) == {both.pk: "East, North, South", only_east.pk: "East", nowhere.pk: "—"}
    assert "brands" in response.context["cl"].list_display
    assert "East, North, South" in response.content.decode()


def test_a_manager_sees_only_their_brands_in_the_column(manager_client, manager_brand):
    other = BrandFactory(name="Rival")
    contact = contacts_in(manager_brand, 1, "Shared")[0]
    EnrollmentFactory(contact=contact, program=other.program)

    response = manager_client.get(reverse("admin:contacts_contact_changelist"))

    assert brand_column(response) == {contact.pk: "Managed brand"}
    assert "Rival" not in response.content.decode()


# session, user, the page of contacts, their enrollments (with programs), the programs' brands
LIST_QUERIES = 5


@pytest.mark.parametrize("rows", [2, 40])
def test_the_brand_column_costs_the_same_queries_for_any_number_of_rows(
    admin_client, django_assert_max_num_queries, rows
):
    # given: contacts across two brands
    north, east = BrandFactory(name="North"), BrandFactory(name="East")
    contacts_in(north, rows // 2, "N")
    contacts_in(east, rows // 2, "E")

    # when
    with django_assert_max_num_queries(LIST_QUERIES):
        response = admin_client.get(reverse("admin:contacts_contact_changelist"))

    # then
    column = brand_column(response)
    assert len(column) == rows
    assert sorted(set(column.values())) == ["East", "North"]


def test_a_managers_list_costs_a_few_queries_more_whatever_its_length(
    manager_client, manager, manager_brand, django_assert_max_num_queries
):
    contacts_in(manager_brand, 30, "M")

    # their permissions (user and groups), their scope, their brands' names for the header
    with django_assert_max_num_queries(LIST_QUERIES + 4):
        response = manager_client.get(reverse("admin:contacts_contact_changelist"))

    assert set(brand_column(response).values()) == {"Managed brand"}


def test_the_summary_reads_as_many_queries_whatever_the_history(anna, superuser):
    # given: the summary read once
    with CaptureQueriesContext(connection) as before:
        contact_summary(contact=anna["contact"], user=superuser)

    # when: ten more lots, some expiring
    pool = master_account_points_account(master_account=anna["family"])
    for days in range(10):
        accrue(account=pool, points="1.00", at=timezone.now(), expires_in_days=days + 40)
    with CaptureQueriesContext(connection) as after:
        summary = contact_summary(contact=anna["contact"], user=superuser)

    # then: the same queries; the three next expiries shown
    assert len(after.captured_queries) == len(before.captured_queries)
    [program] = summary.programs
    assert [expiry["points"] for expiry in program.next_expiries] == [
        Decimal("1500.00"),
        Decimal("1.00"),
        Decimal("1.00"),
    ]
    assert program.balance["active"] == Decimal("1744.50")
