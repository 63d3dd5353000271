"""Brand scoping: a manager limited to a brand sees and changes only its objects; superusers see all."""

from collections.abc import Callable
from typing import Any

import pytest

from access.models import StaffProfile
from contacts.models import Contact
from loyalty.models import Brand, Card, Enrollment, Store
from tests.conftest import grant_app_permissions
from tests.factories import (
    BlacklistEntryFactory,
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    PartnerFactory,
    ProductFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)
from tests.helpers import assert_error, db_counts, ids, url

pytestmark = pytest.mark.django_db

# resource, an object of it belonging to the given brand
SCOPED: list[tuple[str, Callable[[Brand], Any]]] = [
    ("brands", lambda brand: brand),
    ("programs", lambda brand: brand.program),
    ("partners", lambda brand: StoreFactory(brand=brand).partner),
    ("stores", lambda brand: StoreFactory(brand=brand)),
    ("registers", lambda brand: RegisterFactory(store__brand=brand)),
    ("products", lambda brand: ProductFactory(brand=brand)),
    ("tiers", lambda brand: TierFactory(program=brand.program)),
    ("card-types", lambda brand: CardTypeFactory(program=brand.program)),
    ("cards", lambda brand: CardFactory(card_type__program=brand.program)),
    ("contacts", lambda brand: EnrollmentFactory(program=brand.program).contact),
    ("master-accounts", lambda brand: MasterAccountFactory(program=brand.program)),
]
SCOPED_IDS = [case[0] for case in SCOPED]


@pytest.mark.parametrize(("resource", "make"), SCOPED, ids=SCOPED_IDS)
def test_manager_lists_only_objects_of_their_brand(manager_client, manager_brand, resource, make):
    # given
    mine = make(manager_brand)
    make(BrandFactory())

    # when
    response = manager_client.get(url(resource))

    # then
    assert ids(response) == [mine.pk]


@pytest.mark.parametrize(("resource", "make"), SCOPED, ids=SCOPED_IDS)
def test_superuser_lists_objects_of_every_brand(superuser_client, manager_brand, resource, make):
    # given
    mine = make(manager_brand)
    theirs = make(BrandFactory())

    # when
    response = superuser_client.get(url(resource))

    # then
    assert ids(response) == [mine.pk, theirs.pk]


@pytest.mark.parametrize(
    ("resource", "make"),
    [("categories", lambda: CategoryFactory()), ("blacklist", lambda: BlacklistEntryFactory())],
    ids=["categories", "blacklist"],
)
def test_shared_resources_are_visible_to_every_manager(manager_client, resource, make):
    # given
    shared = make()

    # when
    response = manager_client.get(url(resource))

    # then
    assert ids(response) == [shared.pk]


@pytest.mark.parametrize(("resource", "make"), SCOPED, ids=SCOPED_IDS)
def test_manager_reads_an_object_of_their_brand(manager_client, manager_brand, resource, make):
    # given
    mine = make(manager_brand)

    # when
    response = manager_client.get(url(resource, mine.pk))

    # then
    assert response.status_code == 200
    assert response.json()["id"] == mine.pk


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
@pytest.mark.parametrize(("resource", "make"), SCOPED, ids=SCOPED_IDS)
def test_another_brands_object_is_404_for_the_manager(manager_client, manager, resource, make, method):
    # given
    theirs = make(BrandFactory())
    model = type(theirs)
    before = db_counts()
    stored = model.objects.filter(pk=theirs.pk).values().get()

    # when
    response = getattr(manager_client, method)(url(resource, theirs.pk), {"name": "Hijacked"}, format="json")

    # then
    assert_error(response, 404, "not_found", fields={})
    assert db_counts() == before
    assert model.objects.filter(pk=theirs.pk).values().get() == stored


def test_rotate_key_of_another_brands_register_is_404(manager_client, manager):
    # given
    register = RegisterFactory()
    old_hash = register.api_key_hash

    # when
    response = manager_client.post(url("registers", register.pk, action="rotate-key"))

    # then
    assert_error(response, 404, "not_found", fields={})
    register.refresh_from_db()
    assert register.api_key_hash == old_hash


def test_rotate_key_of_own_register(manager_client, manager_brand):
    # given
    register = RegisterFactory(store__brand=manager_brand)

    # when
    response = manager_client.post(url("registers", register.pk, action="rotate-key"))

    # then
    assert response.status_code == 200
    assert response.json()["api_key"] != register.api_key


def test_manager_patches_own_store(manager_client, manager_brand):
    # given
    store = StoreFactory(brand=manager_brand, city="Omsk")

    # when
    response = manager_client.patch(url("stores", store.pk), {"city": "Kazan"}, format="json")

    # then
    assert response.status_code == 200
    store.refresh_from_db()
    assert store.city == "Kazan"


def test_manager_creates_a_store_in_their_brand(manager_client, manager_brand):
    # given a partner that already has a store in the brand (partners are visible through their stores)
    partner = StoreFactory(brand=manager_brand).partner

    # when
    response = manager_client.post(
        url("stores"), {"brand": manager_brand.pk, "partner": partner.pk, "name": "New"}, format="json"
    )

    # then
    assert response.status_code == 201
    assert Store.objects.get(pk=response.json()["id"]).brand_id == manager_brand.pk


# resource, a body that points at another brand's object, the field that is refused
FOREIGN_REFERENCES: list[tuple[str, Callable[[Brand, Brand], dict[str, Any]], str]] = [
    ("stores", lambda mine, other: {"brand": other.pk, "partner": PartnerFactory().pk, "name": "S"}, "brand"),
    ("products", lambda mine, other: {"brand": other.pk, "sku": "X", "name": "X"}, "brand"),
    ("registers", lambda mine, other: {"store": StoreFactory(brand=other).pk, "code": "K"}, "store"),
    (
        "tiers",
        lambda mine, other: {"program": other.program_id, "name": "T", "min_spend": 0, "accrual_percent": 1},
        "program",
    ),
    ("card-types", lambda mine, other: {"program": other.program_id, "name": "T"}, "program"),
    (
        "cards",
        lambda mine, other: {"number": "2000000000008", "card_type": CardTypeFactory(program=other.program).pk},
        "card_type",
    ),
    ("brands", lambda mine, other: {"name": "B", "program": other.program_id}, "program"),
    ("contacts", lambda mine, other: {"phone": "+79161234567", "program": other.program_id}, "program"),
    (
        "master-accounts",
        lambda mine, other: {"name": "F", "program": other.program_id, "members": [ContactFactory().pk]},
        "program",
    ),
    (
        "master-accounts",
        lambda mine, other: {
            "name": "F",
            "program": mine.program_id,
            "members": [EnrollmentFactory(program=other.program).contact_id],
        },
        "members",
    ),
]


@pytest.mark.parametrize(
    ("resource", "body", "field"), FOREIGN_REFERENCES, ids=[f"{c[0]}-{c[2]}" for c in FOREIGN_REFERENCES]
)
def test_referencing_another_brands_object_is_400(manager_client, manager_brand, resource, body, field):
    # given
    payload = body(manager_brand, BrandFactory())
    before = db_counts()

    # when
    response = manager_client.post(url(resource), payload, format="json")

    # then
    error = assert_error(response, 400, "invalid")
    assert field in error["fields"]
    assert db_counts() == before


def test_manager_cannot_move_own_store_to_another_brand(manager_client, manager_brand):
    # given
    store = StoreFactory(brand=manager_brand)
    other = BrandFactory()

    # when
    response = manager_client.patch(url("stores", store.pk), {"brand": other.pk}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"brand": [f'Invalid pk "{other.pk}" - object does not exist.']})
    store.refresh_from_db()
    assert store.brand_id == manager_brand.pk


def test_contact_created_by_a_manager_joins_their_program(manager_client, manager_brand):
    # given
    BrandFactory()
    card_type = CardTypeFactory(program=manager_brand.program)

    # when
    response = manager_client.post(url("contacts"), {"phone": "+79161234567", "issue_card": True}, format="json")

    # then
    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert list(Enrollment.objects.values_list("contact_id", "program_id")) == [(contact.pk, manager_brand.program_id)]
    assert Card.objects.get().card_type_id == card_type.pk
    assert ids(manager_client.get(url("contacts"))) == [contact.pk]


def test_contact_in_no_program_is_invisible_to_the_manager(manager_client, superuser_client, manager):
    # given
    contact = ContactFactory()

    # when
    listed = manager_client.get(url("contacts"))
    detail = manager_client.get(url("contacts", contact.pk))

    # then
    assert ids(listed) == []
    assert_error(detail, 404, "not_found")
    assert ids(superuser_client.get(url("contacts"))) == [contact.pk]


def test_manager_sees_only_the_cards_of_their_program(manager_client, superuser_client, manager_brand):
    # given
    contact = ContactFactory()
    mine = CardFactory(contact=contact, card_type__program=manager_brand.program)
    theirs = CardFactory(contact=contact)
    EnrollmentFactory(contact=contact, program=manager_brand.program)

    # when
    response = manager_client.get(url("contacts", contact.pk))

    # then
    assert [card["number"] for card in response.json()["cards"]] == [mine.number]
    everything = superuser_client.get(url("contacts", contact.pk)).json()["cards"]
    assert [card["number"] for card in everything] == [mine.number, theirs.number]


def test_a_contact_of_two_brands_is_listed_once(manager_client, manager_brand):
    # given
    sister = BrandFactory(program=manager_brand.program)
    sister.managers.add(*manager_brand.managers.all())
    contact = EnrollmentFactory(program=manager_brand.program).contact

    # when
    response = manager_client.get(url("contacts"))

    # then
    assert ids(response) == [contact.pk]


def test_staff_in_no_brand_sees_nothing_scoped(staff_token_client):
    # given
    user = UserFactory(is_staff=True)
    grant_app_permissions(user)
    StoreFactory()

    # when
    response = staff_token_client(user).get(url("stores"))

    # then
    assert ids(response) == []


def test_all_brands_staff_see_everything(staff_token_client):
    # given
    user = UserFactory(is_staff=True)
    StaffProfile.objects.create(user=user, all_brands=True)
    grant_app_permissions(user)
    stores = [StoreFactory(), StoreFactory()]

    # when
    response = staff_token_client(user).get(url("stores"))

    # then
    assert ids(response) == [store.pk for store in stores]
