"""Manual corrections of points (`points_adjust`): the admin's "Adjust points" and `POST /contacts/{id}/adjustments`
enroll the contact alike, correct a master account member's pool alike, and leave nothing behind when refused."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.choices import EntryKind
from loyalty.models import Account, Enrollment, LedgerEntry
from loyalty.services.ledger import account_for, master_account_points_account
from tests.factories import ContactFactory, MasterAccountFactory, ProgramFactory
from tests.helpers import assert_error, db_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory()


def admin_adjust(client, account: Account, points: str, *, follow: bool = False) -> object:
    return client.post(
        reverse("admin:loyalty_account_adjust_points", args=[account.pk]),
        {"points": points, "reason": "Goodwill", "expires_in_days": "", "_form_submitted": "on"},
        follow=follow,
    )


def api_adjust(client, contact, program, points: str) -> object:
    return client.post(
        f"/api/v1/contacts/{contact.pk}/adjustments",
        {"program": program.pk, "points": points, "reason": "Goodwill"},
        format="json",
    )


def adjustments_of(account: Account) -> list[tuple]:
    entries = LedgerEntry.objects.filter(account=account, kind=EntryKind.ADJUSTMENT).order_by("pk")
    return list(entries.values_list("points", "reason"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_contact_not_in_the_program_is_enrolled_by_the_admin_as_by_the_api(admin_client, superuser_client, program):
    # given: two contacts with an account in the program but no enrollment in it
    by_admin, by_api = ContactFactory(), ContactFactory()
    admin_account = account_for(program=program, contact=by_admin)
    api_account = account_for(program=program, contact=by_api)

    # when
    page = admin_adjust(admin_client, admin_account, "10")
    answer = api_adjust(superuser_client, by_api, program, "10")

    # then: the same correction, and both enrolled
    assert page.status_code == 302
    assert answer.status_code == 201, answer.content
    assert adjustments_of(admin_account) == adjustments_of(api_account) == [(Decimal("10.00"), "Goodwill")]
    assert sorted(Enrollment.objects.filter(program=program).values_list("contact_id", flat=True)) == sorted(
        [by_admin.pk, by_api.pk]
    )


def test_a_members_correction_goes_to_the_pool_in_the_admin_as_in_the_api(admin_client, superuser_client, program):
    # given: a member whose own account is still there (empty), and another member of the same family
    member, other = ContactFactory(), ContactFactory()
    own = account_for(program=program, contact=member)
    family = MasterAccountFactory(name="Smiths", program=program, members=[member, other])
    pool = master_account_points_account(master_account=family)

    # when: the admin corrects the member's own account; the API, the other member
    page = admin_adjust(admin_client, own, "7", follow=True)
    answer = api_adjust(superuser_client, other, program, "5")

    # then: both went to the pool, and the admin says so and shows the pool
    assert answer.status_code == 201, answer.content
    assert adjustments_of(own) == []
    assert adjustments_of(pool) == [(Decimal("7.00"), "Goodwill"), (Decimal("5.00"), "Goodwill")]
    assert page.redirect_chain == [(reverse("admin:loyalty_account_change", args=[pool.pk]), 302)]
    assert messages_of(page) == [
        f"7.00 points adjusted on account #{pool.pk}, the pool of the master account “Smiths”: the contact's points"
        " are kept there."
    ]


def test_a_refused_correction_leaves_no_enrollment_in_the_admin_as_in_the_api(admin_client, superuser_client, program):
    # given: contacts not in the program, with empty accounts in it
    by_admin, by_api = ContactFactory(), ContactFactory()
    admin_account = account_for(program=program, contact=by_admin)
    account_for(program=program, contact=by_api)
    before = db_counts()

    # when: points taken that are not there
    page = admin_adjust(admin_client, admin_account, "-5", follow=True)
    answer = api_adjust(superuser_client, by_api, program, "-5")

    # then: the same refusal; nothing written
    assert_error(answer, 409, "insufficient_points")
    assert messages_of(page) == [answer.json()["error"]["message"]] == ["Not enough active points: 0.00 available."]
    assert db_counts() == before
