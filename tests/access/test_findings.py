"""The tenancy holes found by trying the running product, each closed (API side; the admin walk covers pages)."""

from decimal import Decimal

import pytest

from contacts.models import BlacklistEntry
from loyalty.models import Category
from tests.conftest import grant_app_permissions, token_client
from tests.factories import (
    BlacklistEntryFactory,
    BrandFactory,
    CampaignFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    StoreFactory,
    UserFactory,
)
from tests.helpers import assert_error, ids, url
from tests.loyalty.pos_support import confirm, customer, make_shopper, make_till, pos_client

pytestmark = pytest.mark.django_db


def test_deleting_a_managers_last_brand_leaves_them_seeing_nothing(manager_client, manager_brand):
    # given: a contact of the manager's program and one of another brand
    EnrollmentFactory(program=manager_brand.program)
    EnrollmentFactory(program=BrandFactory().program)
    StoreFactory()

    # when: the manager deletes their only brand
    deleted = manager_client.delete(url("brands", manager_brand.pk))

    # then: nothing scoped is visible any more (it used to become everything)
    assert deleted.status_code == 204, deleted.content
    for resource in ("contacts", "programs", "stores", "brands", "partners"):
        assert ids(manager_client.get(url(resource))) == [], resource


def test_a_superuser_deleting_the_managers_brand_does_not_widen_their_view(
    superuser_client, manager_client, manager_brand
):
    # given
    EnrollmentFactory(program=BrandFactory().program)

    # when
    assert superuser_client.delete(url("brands", manager_brand.pk)).status_code == 204

    # then
    assert ids(manager_client.get(url("contacts"))) == []
    assert ids(manager_client.get(url("brands"))) == []


def test_a_confirm_by_contact_id_cannot_pull_another_brands_customer_into_view(manager, manager_client, manager_brand):
    # given: the manager's own register, and a customer of another brand only
    store = StoreFactory(brand=manager_brand)
    created = manager_client.post(url("registers"), {"store": store.pk, "code": "R1"}, format="json")
    register_client = pos_client(type("R", (), {"api_key": created.json()["api_key"]})())
    stranger = EnrollmentFactory(program=BrandFactory().program).contact

    # when
    response = confirm(
        register_client,
        {
            "customer": {"contact_id": stranger.pk},
            "lines": [{"sku": "X", "quantity": "1", "price": "0.00"}],
            "receipt_number": "1",
        },
    )

    # then: unknown at this register, not enrolled, and still invisible to the manager
    assert_error(response, 404, "customer_not_found")
    assert not stranger.enrollments.filter(program=manager_brand.program).exists()
    assert manager_client.get(url("contacts", stranger.pk)).status_code == 404
    assert manager_client.patch(url("contacts", stranger.pk), {"first_name": "X"}, format="json").status_code == 404


def test_a_register_cannot_walk_contact_ids_of_other_programs():
    # given
    till = make_till()
    mine = make_shopper(till)
    other = EnrollmentFactory(program=BrandFactory().program).contact
    loose = ContactFactory()

    # when / then: only contacts enrolled in the register's program are found by id
    assert customer(till.client, contact_id=mine.contact.pk).status_code == 200
    assert_error(customer(till.client, contact_id=other.pk), 404, "customer_not_found")
    assert_error(customer(till.client, contact_id=loose.pk), 404, "customer_not_found")


def test_a_register_still_finds_any_contact_by_the_phone_the_customer_gave():
    # given
    till = make_till()
    other = ContactFactory(phone="+79160000001", first_name="Ivan")
    EnrollmentFactory(contact=other, program=BrandFactory().program)

    # when
    response = customer(till.client, phone="+79160000001")

    # then: the contract's fields only
    assert response.status_code == 200
    assert set(response.json()) == {"contact_id", "first_name", "card", "tier", "balance"}


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_brand_manager_cannot_change_a_shared_category(manager_client, method):
    # given: a category used only by another brand's products
    category = CategoryFactory(name="Shampoos")
    ProductFactory(category=category)

    # when
    response = getattr(manager_client, method)(url("categories", category.pk), {"name": "X"}, format="json")

    # then: seen, but not changed
    assert response.status_code in (403, 404)
    assert Category.objects.get(pk=category.pk).name == "Shampoos"
    assert manager_client.get(url("categories", category.pk)).status_code == 200


def test_a_brand_manager_cannot_add_shared_objects(manager_client):
    # when
    category = manager_client.post(url("categories"), {"name": "New"}, format="json")
    blacklisted = manager_client.post(url("blacklist"), {"phone": "+79161112233", "reason": "x"}, format="json")

    # then
    assert_error(category, 403, "permission_denied")
    assert_error(blacklisted, 403, "permission_denied")
    assert not BlacklistEntry.objects.exists()


def test_a_brand_manager_cannot_blacklist_or_unblacklist_anyone(manager_client):
    # given
    entry = BlacklistEntryFactory()

    # when
    response = manager_client.delete(url("blacklist", entry.pk))

    # then
    assert response.status_code in (403, 404)
    assert BlacklistEntry.objects.filter(pk=entry.pk).exists()


def test_all_brands_staff_change_shared_objects(all_brands_client):
    # when
    response = all_brands_client.post(url("categories"), {"name": "New"}, format="json")

    # then
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("by", ["contact_id", "phone"])
def test_the_campaign_test_panel_does_not_show_another_brands_contact(manager, manager_brand, by):
    # given: a campaign of the manager's brand, and a customer only another brand knows
    grant_app_permissions(manager, ("campaigns",))
    StoreFactory(brand=manager_brand)
    campaign = CampaignFactory(brand=manager_brand)
    stranger = ContactFactory(phone="+79165550001")
    till = make_till()
    EnrollmentFactory(contact=stranger, program=till.program)
    mine = make_shopper(make_till(brand=manager_brand), points="10", phone="+79165550002")
    key = {"contact_id": stranger.pk} if by == "contact_id" else {"phone": stranger.phone}
    own = {"contact_id": mine.contact.pk} if by == "contact_id" else {"phone": mine.contact.phone}
    body = {"lines": [{"sku": "X", "quantity": "1", "price": "100.00"}]}
    client = token_client(manager)

    # when
    theirs = client.post(url("campaigns", campaign.pk, action="simulate"), {**body, "customer": key}, format="json")
    ours = client.post(url("campaigns", campaign.pk, action="simulate"), {**body, "customer": own}, format="json")

    # then
    assert_error(theirs, 404, "customer_not_found")
    assert ours.status_code == 200, ours.content
    assert ours.json()["customer"]["balance"]["active"] == str(Decimal("10.00"))


def test_a_limited_user_with_no_brand_sees_nothing_scoped():
    # given
    user = UserFactory(username="nobrand", is_staff=True)
    grant_app_permissions(user, ("contacts", "loyalty", "campaigns", "promocodes"))
    EnrollmentFactory()
    CampaignFactory()

    # when / then
    client = token_client(user)
    for resource in ("contacts", "programs", "brands", "stores", "campaigns", "promo-pools"):
        assert ids(client.get(url(resource))) == [], resource
