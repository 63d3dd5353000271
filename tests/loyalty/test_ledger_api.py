"""Staff API of the ledger: a contact's balance, ledger and adjustments; partner settlements."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from loyalty.models import LedgerEntry
from loyalty.services.ledger import account_for, accrue, redeem
from tests.conftest import token_client
from tests.factories import (
    BrandFactory,
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
)
from tests.helpers import API, assert_error, db_counts, page

pytestmark = pytest.mark.django_db


def contact_url(contact, what: str, *, slash: bool = False) -> str:
    pk = contact if isinstance(contact, int | str) else contact.pk
    return f"{API}/contacts/{pk}/{what}" + ("/" if slash else "")


@pytest.fixture
def program():
    return ProgramFactory()


@pytest.fixture
def contact(program):
    contact = ContactFactory()
    EnrollmentFactory(contact=contact, program=program)
    return contact


@pytest.fixture
def account(program, contact):
    return account_for(program=program, contact=contact)


def staff_with(*codenames: str):
    user = UserFactory(is_staff=True, all_brands=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return token_client(user)


# --- balance -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_balance_shows_active_pending_and_expiring(superuser_client, program, contact, account, slash):
    # given
    now = timezone.now()
    lot = accrue(account=account, points="100", at=now, expires_in_days=30)
    accrue(account=account, points="25.5", at=now, activation_days=14)
    redeem(account=account, points="40", at=now)

    # when
    response = superuser_client.get(contact_url(contact, "balance", slash=slash), {"program": program.pk})

    # then
    assert response.status_code == 200, response.content
    assert response.json() == {
        "program": program.pk,
        "active": "60.00",
        "pending": "25.50",
        "expiring": [{"date": timezone.localdate(lot.expires_at).isoformat(), "points": "60.00"}],
    }


def test_balance_of_a_contact_in_one_program_needs_no_program(superuser_client, program, contact):
    # when: no account yet
    response = superuser_client.get(contact_url(contact, "balance"))

    # then
    assert response.status_code == 200
    assert response.json() == {"program": program.pk, "active": "0.00", "pending": "0.00", "expiring": []}


def test_balance_needs_the_program_when_the_contact_is_in_several(superuser_client, contact):
    # given
    EnrollmentFactory(contact=contact, program=ProgramFactory())

    # when
    response = superuser_client.get(contact_url(contact, "balance"))

    # then
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"program"}


@pytest.mark.parametrize("program_id", ["999999", "abc", "0", "-1", "99999999999999999999999"])
def test_balance_with_an_unknown_program_is_400(superuser_client, contact, program_id):
    response = superuser_client.get(contact_url(contact, "balance"), {"program": program_id})
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"program"}


def test_balance_shows_expiry_before_the_job_runs(superuser_client, program, contact, account):
    # given: a receipt of 31 days ago whose points lived 30 days (the job has not run: no expiry entry)
    at = timezone.now() - timedelta(days=31)
    LedgerEntry.objects.create(account=account, kind="accrual", points="50", at=at, expires_at=at + timedelta(days=30))
    accrue(account=account, points="5", at=timezone.now())

    # when
    response = superuser_client.get(contact_url(contact, "balance"))

    # then
    assert response.json()["active"] == "5.00"


def test_balance_of_a_master_account_member_is_the_pools(superuser_client, program, contact):
    # given: the contact's own points, then it joins a family with another member who has points too
    accrue(account=account_for(program=program, contact=contact), points="30", at=timezone.now())
    other = ContactFactory()
    EnrollmentFactory(contact=other, program=program)
    accrue(account=account_for(program=program, contact=other), points="12", at=timezone.now())

    # when
    MasterAccountFactory(program=program, members=[contact, other])

    # then
    for member in (contact, other):
        response = superuser_client.get(contact_url(member, "balance"))
        assert response.json()["active"] == "42.00"


# --- scoping and permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("what", "method"), [("balance", "get"), ("ledger", "get"), ("adjustments", "post")])
def test_another_brands_contact_is_404(manager_client, manager_brand, contact, what, method):
    # given: the contact is enrolled only in a program of another brand
    BrandFactory(program=contact.enrollments.get().program)
    before = db_counts()

    # when
    response = getattr(manager_client, method)(
        contact_url(contact, what), {"points": "5", "reason": "x"}, format="json"
    )

    # then
    assert_error(response, 404, "not_found")
    assert db_counts() == before


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
@pytest.mark.parametrize("what", ["balance", "ledger", "adjustments"])
def test_unknown_contact_is_404(superuser_client, what, pk):
    method = superuser_client.post if what == "adjustments" else superuser_client.get
    assert_error(method(contact_url(pk, what), {}, format="json"), 404, "not_found")


def test_a_manager_sees_the_balance_of_a_contact_of_the_brand(manager_client, manager_brand):
    # given
    contact = ContactFactory()
    EnrollmentFactory(contact=contact, program=manager_brand.program)
    accrue(account=account_for(program=manager_brand.program, contact=contact), points="7", at=timezone.now())

    # when
    response = manager_client.get(contact_url(contact, "balance"))

    # then
    assert response.status_code == 200
    assert response.json()["active"] == "7.00"


def test_a_manager_cannot_name_another_brands_program(manager_client, manager_brand):
    # given: a contact of the manager's brand, also in a program the manager does not see
    contact = ContactFactory()
    EnrollmentFactory(contact=contact, program=manager_brand.program)
    hidden = BrandFactory().program
    EnrollmentFactory(contact=contact, program=hidden)

    # when
    response = manager_client.get(contact_url(contact, "balance"), {"program": hidden.pk})
    without = manager_client.get(contact_url(contact, "balance"))

    # then: the one program the manager sees is taken when none is named
    assert_error(response, 400, "invalid")
    assert without.json()["program"] == manager_brand.program.pk


def test_reading_needs_view_contact_and_adjusting_needs_change_contact(api_client, contact):
    # given
    viewer = staff_with("view_contact")
    adder = staff_with("view_contact", "add_contact")
    changer = staff_with("change_contact")
    body = {"points": "5", "reason": "welcome"}

    # then
    assert_error(api_client.get(contact_url(contact, "balance")), 401, "not_authenticated")
    assert staff_with().get(contact_url(contact, "balance")).status_code == 403
    assert viewer.get(contact_url(contact, "balance")).status_code == 200
    assert viewer.get(contact_url(contact, "ledger")).status_code == 200
    assert_error(viewer.post(contact_url(contact, "adjustments"), body, format="json"), 403, "permission_denied")
    assert adder.post(contact_url(contact, "adjustments"), body, format="json").status_code == 403
    assert changer.post(contact_url(contact, "adjustments"), body, format="json").status_code == 201


# --- ledger ------------------------------------------------------------------------------------------------------


def test_ledger_lists_entries_latest_first_with_their_status(superuser_client, program, contact, account):
    # given
    partner = PartnerFactory()
    now = timezone.now()
    earlier = now - timedelta(days=1)
    accrue(account=account, points="100", at=earlier, expires_in_days=30, partner=partner, purchase_id=5)
    pending = accrue(account=account, points="10", at=now, activation_days=3, campaign_id=9)
    [redemption] = redeem(account=account, points="30", at=now, partner=partner, purchase_id=6)

    # when
    response = superuser_client.get(contact_url(contact, "ledger"), {"program": program.pk})

    # then
    body = page(response)
    assert body["count"] == 3
    assert [(e["kind"], e["points"], e["status"]) for e in body["results"]] == [
        ("redemption", "-30.00", "active"),
        ("accrual", "10.00", "pending"),
        ("accrual", "100.00", "active"),
    ]
    first = body["results"][0]
    assert {key: first[key] for key in ("id", "purchase_id", "campaign_id", "partner_id", "expires_at")} == {
        "id": redemption.pk,
        "purchase_id": 6,
        "campaign_id": None,
        "partner_id": partner.pk,
        "expires_at": None,
    }
    assert body["results"][1]["campaign_id"] == 9
    assert body["results"][1]["activation_at"] is not None
    assert body["results"][1]["id"] == pending.pk
    assert body["results"][2]["expires_at"] is not None
    assert {"id", "at", "kind", "points", "status", "expires_at", "purchase_id", "campaign_id", "partner_id"} <= set(
        first
    )


def test_ledger_filters_and_pages(superuser_client, contact, account):
    # given
    now = timezone.now()
    accrue(account=account, points="1", at=now - timedelta(days=10))
    accrue(account=account, points="2", at=now - timedelta(days=5))
    accrue(account=account, points="3", at=now)
    redeem(account=account, points="4", at=now)  # 1, 2 and 1 from the three lots: three entries
    url = contact_url(contact, "ledger", slash=True)

    # then
    assert [e["points"] for e in page(superuser_client.get(url, {"kind": "accrual"}))["results"]] == [
        "3.00",
        "2.00",
        "1.00",
    ]
    since = (now - timedelta(days=6)).isoformat()
    assert page(superuser_client.get(url, {"from": since}))["count"] == 5
    until = timezone.localdate(now - timedelta(days=5)).isoformat()  # a date: its whole day
    assert [e["points"] for e in page(superuser_client.get(url, {"to": until}))["results"]] == ["2.00", "1.00"]
    first_page = page(superuser_client.get(url, {"page_size": 2}))
    assert (first_page["count"], len(first_page["results"]), first_page["next"] is not None) == (6, 2, True)


@pytest.mark.parametrize(
    "query",
    [{"kind": "bonus"}, {"from": "yesterday"}, {"to": "2026-13-01"}, {"from": "2026-11-02", "to": "2026-11-01"}],
)
def test_ledger_with_bad_filters_is_400(superuser_client, contact, query):
    assert_error(superuser_client.get(contact_url(contact, "ledger"), query), 400, "invalid")


def test_ledger_without_account_is_empty(superuser_client, contact):
    assert page(superuser_client.get(contact_url(contact, "ledger")))["count"] == 0


# --- adjustments -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_positive_adjustment_is_201_with_the_entry_and_the_balance(
    superuser_client, superuser, program, contact, slash
):
    # when
    response = superuser_client.post(
        contact_url(contact, "adjustments", slash=slash),
        {"program": program.pk, "points": 150.5, "reason": "Compensation", "expires_in_days": 10},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    entry = body["entry"]
    assert (entry["kind"], entry["points"], entry["status"], entry["reason"], entry["created_by"]) == (
        "adjustment",
        "150.50",
        "active",
        "Compensation",
        superuser.pk,
    )
    assert body["entries"] == [entry]
    expires = LedgerEntry.objects.get(pk=entry["id"]).expires_at
    assert body["balance"] == {
        "program": program.pk,
        "active": "150.50",
        "pending": "0.00",
        "expiring": [{"date": timezone.localdate(expires).isoformat(), "points": "150.50"}],
    }


def test_negative_adjustment_takes_from_lots_and_never_below_zero(superuser_client, contact, account):
    # given
    accrue(account=account, points="30", at=timezone.now(), expires_in_days=5)
    accrue(account=account, points="30", at=timezone.now())
    before = db_counts()

    # when
    refused = superuser_client.post(
        contact_url(contact, "adjustments"), {"points": "-60.01", "reason": "fraud"}, format="json"
    )
    accepted = superuser_client.post(
        contact_url(contact, "adjustments"), {"points": "-40", "reason": "fraud"}, format="json"
    )

    # then
    assert_error(refused, 409, "insufficient_points")
    assert accepted.status_code == 201
    assert [e["points"] for e in accepted.json()["entries"]] == ["-30.00", "-10.00"]
    assert accepted.json()["balance"]["active"] == "20.00"
    assert db_counts()["loyalty.LedgerEntry"] == before["loyalty.LedgerEntry"] + 2


def test_a_refused_adjustment_writes_nothing_not_even_an_account(superuser_client, contact):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(
        contact_url(contact, "adjustments"), {"points": "-1", "reason": "x"}, format="json"
    )

    # then
    assert_error(response, 409, "insufficient_points")
    assert db_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "points"),
        ({"points": "abc", "reason": "x"}, "points"),
        ({"points": "0", "reason": "x"}, "points"),
        ({"points": "1.001", "reason": "x"}, "points"),
        ({"points": "1e20", "reason": "x"}, "points"),
        ({"points": "5"}, "reason"),
        ({"points": "5", "reason": ""}, "reason"),
        ({"points": "5", "reason": "x", "expires_in_days": 0}, "expires_in_days"),
        ({"points": "5", "reason": "x", "program": 999999}, "program"),
    ],
)
def test_invalid_adjustments_are_400(superuser_client, contact, body, field):
    # given
    before = db_counts()

    # when
    response = superuser_client.post(contact_url(contact, "adjustments"), body, format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {field}
    assert db_counts() == before


def test_adjusting_a_member_adjusts_the_pool(superuser_client, program, contact):
    # given
    master = MasterAccountFactory(program=program, members=[contact])

    # when
    response = superuser_client.post(contact_url(contact, "adjustments"), {"points": "9", "reason": "x"}, format="json")

    # then
    assert response.status_code == 201
    assert LedgerEntry.objects.get().account.master_account_id == master.pk


# --- settlements -------------------------------------------------------------------------------------------------


def test_settlements_net_per_pair(superuser_client):
    # given: A earns 100 at partner 1 and spends 60 at partner 2; B earns 30 at partner 2, spends 10 at partner 1
    program = ProgramFactory(point_value=Decimal("2.00"))
    partner_1, partner_2 = PartnerFactory(), PartnerFactory()
    now = timezone.now()
    a, b = ContactFactory(), ContactFactory()
    account_a, account_b = account_for(program=program, contact=a), account_for(program=program, contact=b)
    accrue(account=account_a, points="100", at=now, partner=partner_1)
    redeem(account=account_a, points="60", at=now, partner=partner_2)
    accrue(account=account_b, points="30", at=now, partner=partner_2)
    redeem(account=account_b, points="10", at=now, partner=partner_1)
    today = timezone.localdate(now).isoformat()

    # when
    response = superuser_client.get(f"{API}/settlements", {"program": program.pk, "from": today, "to": today})
    later = superuser_client.get(
        f"{API}/settlements/", {"program": program.pk, "from": (now + timedelta(days=1)).isoformat()}
    )

    # then: (60 − 10) × 2.00
    assert response.status_code == 200, response.content
    assert response.json() == [{"debtor": partner_1.pk, "creditor": partner_2.pk, "amount": "100.00"}]
    assert later.json() == []


def test_settlements_need_a_known_program(superuser_client):
    ProgramFactory()
    ProgramFactory()
    assert_error(superuser_client.get(f"{API}/settlements"), 400, "invalid")
    assert_error(superuser_client.get(f"{API}/settlements", {"program": 999999}), 400, "invalid")
    assert_error(superuser_client.get(f"{API}/settlements", {"program": "x"}), 400, "invalid")


def test_settlements_of_the_managers_only_program_need_no_program(manager_client, manager_brand):
    response = manager_client.get(f"{API}/settlements")
    assert response.status_code == 200
    assert response.json() == []


def test_schema_documents_the_ledger_endpoints(superuser_client):
    response = superuser_client.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/balance", "/ledger", "/adjustments", "/api/v1/settlements"):
        assert path in text
