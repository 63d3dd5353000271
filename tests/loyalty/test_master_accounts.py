"""A master account's program: one rule (`master_account_program_check`), the same answer in the admin and the API.

The program changes only while the account has no members and its pool holds no points; an empty pool follows.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from loyalty.models import Account, MasterAccount
from loyalty.services.ledger import accrue, master_account_points_account
from loyalty.services.master_accounts import master_account_set_members
from tests.factories import ContactFactory, MasterAccountFactory, ProgramFactory
from tests.helpers import assert_error, url

pytestmark = pytest.mark.django_db

MEMBERS_FIRST = "Remove the members first."
POOL_HOLDS_POINTS = "The account's pool holds points of its program: the program cannot change."


def admin_change(client, account: MasterAccount, program) -> object:
    """The admin's change page posted with a new program, the members kept as they are."""
    members = list(account.memberships.order_by("pk"))
    data = {
        "name": account.name,
        "program": program.pk,
        "memberships-TOTAL_FORMS": str(len(members)),
        "memberships-INITIAL_FORMS": str(len(members)),
    }
    for index, member in enumerate(members):
        data[f"memberships-{index}-id"] = member.pk
        data[f"memberships-{index}-master_account"] = account.pk
        data[f"memberships-{index}-contact"] = member.contact_id
    return client.post(reverse("admin:loyalty_masteraccount_change", args=[account.pk]), data)


def api_change(client, account: MasterAccount, program) -> object:
    return client.patch(url("master-accounts", account.pk), {"program": program.pk}, format="json")


def form_errors(response) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def test_the_program_of_an_account_with_members_stays_in_the_admin_and_in_the_api(admin_client, superuser_client):
    # given: two accounts with a member each, and another program
    in_admin = MasterAccountFactory(members=[ContactFactory()])
    in_api = MasterAccountFactory(members=[ContactFactory()])
    other = ProgramFactory()

    # when
    page = admin_change(admin_client, in_admin, other)
    answer = api_change(superuser_client, in_api, other)

    # then: the same refusal, under the program field
    assert page.status_code == 200
    assert form_errors(page) == {"program": [MEMBERS_FIRST]}
    assert_error(answer, 400, "invalid", fields={"program": [MEMBERS_FIRST]})
    assert MasterAccount.objects.filter(program=other).count() == 0


def test_the_program_of_an_account_without_members_changes_in_the_admin_and_in_the_api(admin_client, superuser_client):
    # given: two accounts without members, the first with an empty pool
    in_admin = MasterAccountFactory()
    in_api = MasterAccountFactory()
    pool = master_account_points_account(master_account=in_admin)
    other = ProgramFactory()

    # when
    page = admin_change(admin_client, in_admin, other)
    answer = api_change(superuser_client, in_api, other)

    # then: both moved; the empty pool went along
    assert page.status_code == 302
    assert answer.status_code == 200, answer.content
    assert answer.json()["program"] == other.pk
    assert sorted(MasterAccount.objects.filter(program=other).values_list("pk", flat=True)) == [in_admin.pk, in_api.pk]
    pool.refresh_from_db()
    assert pool.program_id == other.pk
    assert master_account_points_account(master_account=MasterAccount.objects.get(pk=in_admin.pk)) == pool


def test_an_account_whose_pool_holds_points_keeps_its_program_in_the_admin_and_in_the_api(
    admin_client, superuser_client
):
    # given: accounts whose members brought points and left (the points stay in the pool)
    accounts = []
    for _index in range(2):
        account = MasterAccountFactory()
        accrue(account=master_account_points_account(master_account=account), points="10", at=timezone.now())
        accounts.append(account)
    other = ProgramFactory()

    # when
    page = admin_change(admin_client, accounts[0], other)
    answer = api_change(superuser_client, accounts[1], other)

    # then
    assert form_errors(page) == {"program": [POOL_HOLDS_POINTS]}
    assert_error(answer, 400, "invalid", fields={"program": [POOL_HOLDS_POINTS]})
    assert not Account.objects.filter(program=other).exists()


def test_members_added_after_a_program_change_join_in_the_new_program(admin_client):
    # given: an account without members moved to another program in the admin
    account = MasterAccountFactory()
    other = ProgramFactory()
    assert admin_change(admin_client, account, other).status_code == 302
    contact = ContactFactory()

    # when
    master_account_set_members(account=MasterAccount.objects.get(pk=account.pk), contacts=[contact])

    # then
    assert list(account.memberships.values_list("contact_id", "program_id")) == [(contact.pk, other.pk)]
    assert list(contact.enrollments.values_list("program_id", flat=True)) == [other.pk]
