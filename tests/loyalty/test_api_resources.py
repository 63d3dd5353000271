"""CRUD of the management resources of the loyalty app: create, list and filter, change, delete, validation."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from contacts.models import Contact
from loyalty.models import (
    Brand,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Store,
    Tier,
)
from tests.factories import (
    API_RESOURCES,
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    PartnerFactory,
    ProductFactory,
    ProgramFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
)
from tests.helpers import assert_error, assert_timestamps, db_counts, ids, url

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A small organisation to point new objects at."""

    program: Program
    brand: Brand
    partner: Partner
    store: Store
    category: Category
    card_type: CardType
    contact: Contact
    other_contact: Contact


def make_world() -> World:
    program = ProgramFactory(name="Club")
    brand = BrandFactory(name="Beauty", program=program)
    partner = PartnerFactory(name="Acme")
    return World(
        program=program,
        brand=brand,
        partner=partner,
        store=StoreFactory(brand=brand, partner=partner),
        category=CategoryFactory(name="Hair"),
        card_type=CardTypeFactory(program=program, name="Standard", number_prefix="7000"),
        contact=ContactFactory(),
        other_contact=ContactFactory(),
    )


Body = Callable[[World], dict[str, Any]]

# resource, request body, expected answer (without id and timestamps)
CREATE_CASES: list[tuple[str, Body, Body]] = [
    (
        "programs",
        lambda w: {"name": "Gold club"},
        lambda w: {
            "name": "Gold club",
            "point_value": "1.00",
            "max_redeem_percent": "100.00",
            "activation_days": 0,
            "expires_in_days": None,
        },
    ),
    (
        "programs",
        lambda w: {
            "name": "Gold club",
            "point_value": 0.5,
            "max_redeem_percent": "50",
            "activation_days": 14,
            "expires_in_days": 365,
        },
        lambda w: {
            "name": "Gold club",
            "point_value": "0.50",
            "max_redeem_percent": "50.00",
            "activation_days": 14,
            "expires_in_days": 365,
        },
    ),
    ("partners", lambda w: {"name": "Beta"}, lambda w: {"name": "Beta", "legal_name": ""}),
    (
        "partners",
        lambda w: {"name": "Beta", "legal_name": "Beta LLC"},
        lambda w: {"name": "Beta", "legal_name": "Beta LLC"},
    ),
    (
        "brands",
        lambda w: {"name": "Shoes", "program": w.program.pk},
        lambda w: {"name": "Shoes", "program": w.program.pk, "currency": "RUB"},
    ),
    (
        "brands",
        lambda w: {"name": "Shoes", "program": w.program.pk, "currency": "EUR"},
        lambda w: {"name": "Shoes", "program": w.program.pk, "currency": "EUR"},
    ),
    (
        "stores",
        lambda w: {"brand": w.brand.pk, "partner": w.partner.pk, "name": "Tverskaya"},
        lambda w: {
            "brand": w.brand.pk,
            "partner": w.partner.pk,
            "name": "Tverskaya",
            "code": "",
            "timezone": "Europe/Moscow",
            "city": "",
        },
    ),
    (
        "stores",
        lambda w: {
            "brand": w.brand.pk,
            "partner": w.partner.pk,
            "name": "Plotinka",
            "code": "EKB-1",
            "timezone": "Asia/Yekaterinburg",
            "city": "Yekaterinburg",
        },
        lambda w: {
            "brand": w.brand.pk,
            "partner": w.partner.pk,
            "name": "Plotinka",
            "code": "EKB-1",
            "timezone": "Asia/Yekaterinburg",
            "city": "Yekaterinburg",
        },
    ),
    (
        "products",
        lambda w: {"brand": w.brand.pk, "sku": " SH-1 ", "name": "Shampoo"},
        lambda w: {
            "brand": w.brand.pk,
            "sku": "SH-1",
            "name": "Shampoo",
            "category": None,
            "price": None,
            "accrual_excluded": False,
            "redemption_excluded": False,
        },
    ),
    (
        "products",
        lambda w: {
            "brand": w.brand.pk,
            "sku": "SH-2",
            "name": "Shampoo",
            "category": w.category.pk,
            "price": 199.9,
            "accrual_excluded": True,
            "redemption_excluded": True,
        },
        lambda w: {
            "brand": w.brand.pk,
            "sku": "SH-2",
            "name": "Shampoo",
            "category": w.category.pk,
            "price": "199.90",
            "accrual_excluded": True,
            "redemption_excluded": True,
        },
    ),
    (
        "tiers",
        lambda w: {"program": w.program.pk, "name": "Silver", "min_spend": 10000, "accrual_percent": "5.5"},
        lambda w: {
            "program": w.program.pk,
            "name": "Silver",
            "min_spend": "10000.00",
            "accrual_percent": "5.50",
            "valid_days": 365,
            "window_days": 365,
        },
    ),
    (
        "tiers",
        lambda w: {
            "program": w.program.pk,
            "name": "Gold",
            "min_spend": "50000.00",
            "accrual_percent": 10,
            "valid_days": 180,
            "window_days": 90,
        },
        lambda w: {
            "program": w.program.pk,
            "name": "Gold",
            "min_spend": "50000.00",
            "accrual_percent": "10.00",
            "valid_days": 180,
            "window_days": 90,
        },
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "VIP"},
        lambda w: {"program": w.program.pk, "name": "VIP", "number_prefix": "", "number_length": 13},
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "VIP", "number_prefix": "7001", "number_length": 16},
        lambda w: {"program": w.program.pk, "name": "VIP", "number_prefix": "7001", "number_length": 16},
    ),
    (
        "cards",
        lambda w: {"number": " 2000000000008 ", "card_type": w.card_type.pk},
        lambda w: {
            "number": "2000000000008",
            "card_type": w.card_type.pk,
            "program": w.program.pk,
            "contact": None,
            "status": "active",
            "bound_at": None,
        },
    ),
    (
        "cards",
        lambda w: {"number": "2000000000015", "card_type": w.card_type.pk, "status": "blocked"},
        lambda w: {
            "number": "2000000000015",
            "card_type": w.card_type.pk,
            "program": w.program.pk,
            "contact": None,
            "status": "blocked",
            "bound_at": None,
        },
    ),
    (
        "master-accounts",
        lambda w: {"name": "The Petrovs", "program": w.program.pk, "members": [w.contact.pk]},
        lambda w: {"name": "The Petrovs", "program": w.program.pk, "members": [w.contact.pk]},
    ),
]


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize(("resource", "body", "expected"), CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_create_answers_201_with_the_stored_object(superuser_client, resource, body, expected, slash):
    # given
    w = make_world()
    model = API_RESOURCES[resource]._meta.model
    before = model.objects.count()

    # when
    response = superuser_client.post(url(resource, slash=slash), body(w), format="json")

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    new_id = created["id"]
    assert assert_timestamps(created) == {"id": new_id, **expected(w)}
    assert model.objects.count() == before + 1
    assert superuser_client.get(url(resource, new_id)).json() == created


def test_create_category_sets_its_path(superuser_client):
    # given
    root = CategoryFactory(name="Hair")

    # when
    response = superuser_client.post(url("categories"), {"name": "Shampoo", "parent": root.pk}, format="json")

    # then
    assert response.status_code == 201
    child = Category.objects.get(name="Shampoo")
    assert assert_timestamps(response.json()) == {
        "id": child.pk,
        "name": "Shampoo",
        "parent": root.pk,
        "path": f"/{root.pk}/{child.pk}/",
    }
    assert child.path == f"/{root.pk}/{child.pk}/"


def test_create_root_category(superuser_client):
    # when
    response = superuser_client.post(url("categories"), {"name": "Hair"}, format="json")

    # then
    assert response.status_code == 201
    category = Category.objects.get()
    assert assert_timestamps(response.json()) == {
        "id": category.pk,
        "name": "Hair",
        "parent": None,
        "path": f"/{category.pk}/",
    }


def test_create_card_bound_to_a_contact_enrolls_the_contact(superuser_client):
    # given
    w = make_world()

    # when
    response = superuser_client.post(
        url("cards"), {"number": "2000000000008", "card_type": w.card_type.pk, "contact": w.contact.pk}, format="json"
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["contact"] == w.contact.pk
    assert datetime.fromisoformat(body["bound_at"]).utcoffset() is not None
    assert list(Enrollment.objects.values_list("contact_id", "program_id")) == [(w.contact.pk, w.program.pk)]


def test_create_card_with_a_taken_number_is_409(superuser_client):
    # given
    w = make_world()
    CardFactory(number="2000000000008", card_type=w.card_type)
    before = db_counts()

    # when
    response = superuser_client.post(
        url("cards"), {"number": "2000000000008", "card_type": w.card_type.pk}, format="json"
    )

    # then
    assert_error(response, 409, "duplicate_card", fields={"number": ["Already exists."]})
    assert db_counts() == before


def test_create_master_account_enrolls_its_members(superuser_client):
    # given
    w = make_world()

    # when
    response = superuser_client.post(
        url("master-accounts"),
        {"name": "Family", "program": w.program.pk, "members": [w.contact.pk, w.other_contact.pk]},
        format="json",
    )

    # then
    assert response.status_code == 201
    assert sorted(response.json()["members"]) == sorted([w.contact.pk, w.other_contact.pk])
    assert set(Enrollment.objects.values_list("contact_id", flat=True)) == {w.contact.pk, w.other_contact.pk}


def test_master_account_member_of_another_account_in_the_program_is_409(superuser_client):
    # given
    w = make_world()
    MasterAccountFactory(program=w.program, members=[w.contact])
    before = db_counts()

    # when
    response = superuser_client.post(
        url("master-accounts"),
        {"name": "Family", "program": w.program.pk, "members": [w.other_contact.pk, w.contact.pk]},
        format="json",
    )

    # then
    assert_error(response, 409, "already_member", fields={"members": [w.contact.pk]})
    assert db_counts() == before


def test_master_account_member_of_an_account_in_another_program_is_accepted(superuser_client):
    # given
    w = make_world()
    MasterAccountFactory(members=[w.contact])

    # when
    response = superuser_client.post(
        url("master-accounts"), {"name": "Family", "program": w.program.pk, "members": [w.contact.pk]}, format="json"
    )

    # then
    assert response.status_code == 201
    assert MasterAccountMember.objects.filter(contact=w.contact).count() == 2


# resource, request body, expected `fields` of the 400
INVALID_CASES: list[tuple[str, Body, dict[str, Any]]] = [
    ("programs", lambda w: {}, {"name": ["This field is required."]}),
    ("programs", lambda w: {"name": ""}, {"name": ["This field may not be blank."]}),
    ("programs", lambda w: {"name": ["Club"]}, {"name": ["Not a valid string."]}),
    ("programs", lambda w: {"name": "x" * 201}, {"name": ["Ensure this field has no more than 200 characters."]}),
    ("programs", lambda w: {"name": "P", "point_value": "abc"}, {"point_value": ["A valid number is required."]}),
    (
        "programs",
        lambda w: {"name": "P", "point_value": 0},
        {"point_value": ["Ensure this value is greater than or equal to 0.01."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "point_value": "1.001"},
        {"point_value": ["Ensure that there are no more than 2 decimal places."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "max_redeem_percent": 1000},
        {"max_redeem_percent": ["Ensure that there are no more than 3 digits before the decimal point."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "max_redeem_percent": 101},
        {"max_redeem_percent": ["Ensure this value is less than or equal to 100."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "activation_days": -1},
        {"activation_days": ["Ensure this value is greater than or equal to 0."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "activation_days": [1]},
        {"activation_days": ["A valid integer is required."]},
    ),
    (
        "programs",
        lambda w: {"name": "P", "expires_in_days": {"days": 1}},
        {"expires_in_days": ["A valid integer is required."]},
    ),
    ("partners", lambda w: {"legal_name": "x"}, {"name": ["This field is required."]}),
    ("partners", lambda w: {"name": None}, {"name": ["This field may not be null."]}),
    ("brands", lambda w: {"name": "B"}, {"program": ["This field is required."]}),
    (
        "brands",
        lambda w: {"name": "B", "program": 999999},
        {"program": ['Invalid pk "999999" - object does not exist.']},
    ),
    (
        "brands",
        lambda w: {"name": "B", "program": "abc"},
        {"program": ["Incorrect type. Expected pk value, received str."]},
    ),
    (
        "brands",
        lambda w: {"name": "B", "program": [w.program.pk]},
        {"program": ["Incorrect type. Expected pk value, received list."]},
    ),
    (
        "brands",
        lambda w: {"name": "B", "program": w.program.pk, "currency": "rub"},
        {"currency": ["An ISO 4217 code of three capital letters."]},
    ),
    (
        "stores",
        lambda w: {},
        {
            "brand": ["This field is required."],
            "partner": ["This field is required."],
            "name": ["This field is required."],
        },
    ),
    (
        "stores",
        lambda w: {"brand": w.brand.pk, "partner": w.partner.pk, "name": "S", "timezone": "Mars/Olympus"},
        {"timezone": ["Unknown time zone: Mars/Olympus"]},
    ),
    (
        "stores",
        lambda w: {"brand": w.brand.pk, "partner": w.partner.pk, "name": "S", "code": w.store.code},
        {"non_field_errors": ["A store with this code already exists in the brand."]},
    ),
    (
        "categories",
        lambda w: {"name": "C", "parent": 999999},
        {"parent": ['Invalid pk "999999" - object does not exist.']},
    ),
    ("categories", lambda w: {"parent": w.category.pk}, {"name": ["This field is required."]}),
    (
        "products",
        lambda w: {"brand": w.brand.pk, "sku": "   ", "name": "P"},
        {"sku": ["This field may not be blank."]},
    ),
    (
        "products",
        lambda w: {"brand": w.brand.pk, "sku": "A", "name": "P", "price": -1},
        {"price": ["Ensure this value is greater than or equal to 0."]},
    ),
    (
        "products",
        lambda w: {"brand": w.brand.pk, "sku": "A", "name": "P", "accrual_excluded": "maybe"},
        {"accrual_excluded": ["Must be a valid boolean."]},
    ),
    (
        "tiers",
        lambda w: {"program": w.program.pk, "name": "T"},
        {"min_spend": ["This field is required."], "accrual_percent": ["This field is required."]},
    ),
    (
        "tiers",
        lambda w: {"program": w.program.pk, "name": "T", "min_spend": -1, "accrual_percent": 5},
        {"min_spend": ["Ensure this value is greater than or equal to 0."]},
    ),
    (
        "tiers",
        lambda w: {"program": w.program.pk, "name": "T", "min_spend": 0, "accrual_percent": 100.01},
        {"accrual_percent": ["Ensure this value is less than or equal to 100."]},
    ),
    (
        "tiers",
        lambda w: {"program": w.program.pk, "name": "T", "min_spend": [1], "accrual_percent": 5},
        {"min_spend": ["A valid number is required."]},
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "V", "number_prefix": "70a"},
        {"number_prefix": ["Digits only."]},
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "V", "number_prefix": "12345678", "number_length": 9},
        {"number_prefix": ["The prefix leaves no room for a serial and a check digit."]},
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "V", "number_length": 30},
        {"number_length": ["Ensure this value is less than or equal to 19."]},
    ),
    (
        "card-types",
        lambda w: {"program": w.program.pk, "name": "Standard"},
        {"non_field_errors": ["A card type with this name already exists in the program."]},
    ),
    (
        "cards",
        lambda w: {"number": "12 34", "card_type": w.card_type.pk},
        {"number": ["Enter a valid value."]},
    ),
    ("cards", lambda w: {"number": "2000000000008"}, {"card_type": ["This field is required."]}),
    (
        "cards",
        lambda w: {"number": "2000000000008", "card_type": w.card_type.pk, "status": "lost"},
        {"status": ['"lost" is not a valid choice.']},
    ),
    (
        "cards",
        lambda w: {"number": "2000000000008", "card_type": w.card_type.pk, "contact": 999999},
        {"contact": ['Invalid pk "999999" - object does not exist.']},
    ),
    ("master-accounts", lambda w: {"name": "F", "program": w.program.pk}, {"members": ["This field is required."]}),
    (
        "master-accounts",
        lambda w: {"name": "F", "program": w.program.pk, "members": []},
        {"members": ["A master account needs at least one member."]},
    ),
    (
        "master-accounts",
        lambda w: {"name": "F", "program": w.program.pk, "members": [w.contact.pk, w.contact.pk]},
        {"members": ["A contact is listed twice."]},
    ),
    (
        "master-accounts",
        lambda w: {"name": "F", "program": w.program.pk, "members": w.contact.pk},
        {"members": ['Expected a list of items but got type "int".']},
    ),
    (
        "master-accounts",
        lambda w: {"name": "F", "program": w.program.pk, "members": [[w.contact.pk]]},
        {"members": ["Incorrect type. Expected pk value, received list."]},
    ),
]


@pytest.mark.parametrize(("resource", "body", "fields"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_invalid_create_is_400_with_field_errors_and_writes_nothing(superuser_client, resource, body, fields):
    # given
    w = make_world()
    before = db_counts()

    # when
    response = superuser_client.post(url(resource), body(w), format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert db_counts() == before


@pytest.mark.parametrize(
    ("resource", "body", "fields"),
    [
        (
            "programs",
            {"point_value": "abc", "max_redeem_percent": 1000},
            {
                "point_value": ["A valid number is required."],
                "max_redeem_percent": ["Ensure that there are no more than 3 digits before the decimal point."],
            },
        ),
        ("tiers", {"accrual_percent": -5}, {"accrual_percent": ["Ensure this value is greater than or equal to 0."]}),
        ("stores", {"timezone": "Nowhere"}, {"timezone": ["Unknown time zone: Nowhere"]}),
        ("cards", {"status": ["active"]}, {"status": ["\"['active']\" is not a valid choice."]}),
    ],
    ids=["programs", "tiers", "stores", "cards"],
)
def test_invalid_patch_is_400_and_changes_nothing(superuser_client, resource, body, fields):
    # given
    obj = API_RESOURCES[resource]()
    before = superuser_client.get(url(resource, obj.pk)).json()

    # when
    response = superuser_client.patch(url(resource, obj.pk), body, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert superuser_client.get(url(resource, obj.pk)).json() == before


# resource, changes, expected fields in the answer
PATCH_CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "programs",
        {"name": "Renamed", "point_value": 2, "max_redeem_percent": "30.5", "expires_in_days": None},
        {"name": "Renamed", "point_value": "2.00", "max_redeem_percent": "30.50", "expires_in_days": None},
    ),
    ("partners", {"legal_name": "New LLC"}, {"legal_name": "New LLC"}),
    ("brands", {"currency": "USD", "name": "Renamed"}, {"currency": "USD", "name": "Renamed"}),
    (
        "stores",
        {"timezone": "Asia/Vladivostok", "city": "Vladivostok"},
        {"timezone": "Asia/Vladivostok", "city": "Vladivostok"},
    ),
    ("registers", {"software_version": "2.1", "is_active": False}, {"software_version": "2.1", "is_active": False}),
    ("categories", {"name": "Renamed"}, {"name": "Renamed"}),
    ("products", {"price": "0", "redemption_excluded": True}, {"price": "0.00", "redemption_excluded": True}),
    ("tiers", {"min_spend": 5000.5, "accrual_percent": 7}, {"min_spend": "5000.50", "accrual_percent": "7.00"}),
    ("card-types", {"name": "Gold", "number_prefix": "71"}, {"name": "Gold", "number_prefix": "71"}),
    ("cards", {"status": "blocked"}, {"status": "blocked"}),
    ("master-accounts", {"name": "Renamed"}, {"name": "Renamed"}),
]


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize(("resource", "changes", "expected"), PATCH_CASES, ids=[c[0] for c in PATCH_CASES])
def test_patch_changes_only_the_given_fields(superuser_client, resource, changes, expected, slash):
    # given
    obj = API_RESOURCES[resource]()
    before = superuser_client.get(url(resource, obj.pk)).json()

    # when
    response = superuser_client.patch(url(resource, obj.pk, slash=slash), changes, format="json")

    # then
    assert response.status_code == 200, response.content
    after = response.json()
    assert {key: after[key] for key in expected} == expected
    unchanged = set(before) - set(expected) - {"updated_at"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}
    assert superuser_client.get(url(resource, obj.pk)).json() == after


def test_put_replaces_a_partner(superuser_client):
    # given
    partner = PartnerFactory(name="Old", legal_name="Old LLC")

    # when
    response = superuser_client.put(url("partners", partner.pk), {"name": "New"}, format="json")

    # then
    assert response.status_code == 200
    partner.refresh_from_db()
    assert (partner.name, partner.legal_name) == ("New", "Old LLC")


def test_patch_category_parent_moves_the_subtree(superuser_client):
    # given
    left, right = CategoryFactory(name="Left"), CategoryFactory(name="Right")
    child = CategoryFactory(name="Child", parent=left)
    grandchild = CategoryFactory(name="Grandchild", parent=child)

    # when
    response = superuser_client.patch(url("categories", child.pk), {"parent": right.pk}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["path"] == f"/{right.pk}/{child.pk}/"
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{right.pk}/{child.pk}/{grandchild.pk}/"


@pytest.mark.parametrize("target", ["self", "descendant"])
def test_patch_category_into_its_own_subtree_is_400(superuser_client, target):
    # given
    root = CategoryFactory(name="Root")
    child = CategoryFactory(name="Child", parent=root)
    parent = root if target == "self" else child

    # when
    response = superuser_client.patch(url("categories", root.pk), {"parent": parent.pk}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"parent": ["Creates a cycle."]})
    root.refresh_from_db()
    assert (root.parent_id, root.path) == (None, f"/{root.pk}/")


def test_patch_card_contact_binds_and_unbinds(superuser_client):
    # given
    card = CardFactory()
    contact = ContactFactory()

    # when
    bound = superuser_client.patch(url("cards", card.pk), {"contact": contact.pk}, format="json")
    unbound = superuser_client.patch(url("cards", card.pk), {"contact": None}, format="json")

    # then
    assert bound.status_code == 200
    assert bound.json()["contact"] == contact.pk
    assert bound.json()["bound_at"] is not None
    assert unbound.status_code == 200
    assert (unbound.json()["contact"], unbound.json()["bound_at"]) == (None, None)
    assert list(Enrollment.objects.values_list("contact_id", "program_id")) == [(contact.pk, card.card_type.program_id)]


def test_patch_master_account_members_replaces_them(superuser_client):
    # given
    first, second = ContactFactory(), ContactFactory()
    account = MasterAccountFactory(members=[first])

    # when
    response = superuser_client.patch(url("master-accounts", account.pk), {"members": [second.pk]}, format="json")

    # then
    assert response.status_code == 200
    assert response.json()["members"] == [second.pk]
    assert list(account.memberships.values_list("contact_id", flat=True)) == [second.pk]


def test_patch_master_account_program_with_members_is_400(superuser_client):
    # given
    account = MasterAccountFactory(members=[ContactFactory()])
    other = ProgramFactory()

    # when
    response = superuser_client.patch(url("master-accounts", account.pk), {"program": other.pk}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"program": ["Remove the members first."]})
    account.refresh_from_db()
    assert account.program_id != other.pk


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
@pytest.mark.parametrize("resource", list(API_RESOURCES))
def test_delete_of_an_unreferenced_object_is_204(superuser_client, resource, slash):
    # given
    obj = API_RESOURCES[resource]()
    model = type(obj)

    # when
    response = superuser_client.delete(url(resource, obj.pk, slash=slash))

    # then
    assert response.status_code == 204
    assert response.content == b""
    assert not model.objects.filter(pk=obj.pk).exists()
    assert_error(superuser_client.get(url(resource, obj.pk)), 404, "not_found")


# resource, a referenced object of it
PROTECTED_CASES: list[tuple[str, Callable[[], Any]]] = [
    ("programs", lambda: BrandFactory().program),
    ("programs", lambda: EnrollmentFactory().program),
    ("programs", lambda: MasterAccountFactory().program),
    ("programs", lambda: CardFactory().card_type.program),
    ("partners", lambda: StoreFactory().partner),
    ("brands", lambda: StoreFactory().brand),
    ("brands", lambda: ProductFactory().brand),
    ("stores", lambda: RegisterFactory().store),
    ("categories", lambda: CategoryFactory(parent=CategoryFactory()).parent),
    ("card-types", lambda: CardFactory().card_type),
    ("contacts", lambda: CardFactory(contact=ContactFactory()).contact),
]


@pytest.mark.parametrize(("resource", "make"), PROTECTED_CASES, ids=[c[0] for c in PROTECTED_CASES])
def test_delete_of_a_referenced_object_is_409_protected(superuser_client, resource, make):
    # given
    obj = make()
    before = db_counts()

    # when
    response = superuser_client.delete(url(resource, obj.pk))

    # then
    assert_error(response, 409, "protected", fields={})
    assert db_counts() == before


def test_delete_category_keeps_its_products_uncategorised(superuser_client):
    # given
    category = CategoryFactory()
    product = ProductFactory(category=category)

    # when
    response = superuser_client.delete(url("categories", category.pk))

    # then
    assert response.status_code == 204
    product.refresh_from_db()
    assert product.category_id is None


def test_delete_tier_leaves_enrollments_without_a_tier(superuser_client):
    # given
    tier = TierFactory()
    enrollment = EnrollmentFactory(program=tier.program, tier=tier)

    # when
    response = superuser_client.delete(url("tiers", tier.pk))

    # then
    assert response.status_code == 204
    enrollment.refresh_from_db()
    assert enrollment.tier_id is None


def test_delete_master_account_removes_its_memberships(superuser_client):
    # given
    contact = ContactFactory()
    account = MasterAccountFactory(members=[contact])

    # when
    response = superuser_client.delete(url("master-accounts", account.pk))

    # then
    assert response.status_code == 204
    assert MasterAccount.objects.count() == 0
    assert MasterAccountMember.objects.count() == 0
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- filters -----------------------------------------------------------------------------------------------


def test_stores_filter_by_brand_partner_city_and_program(superuser_client):
    # given
    brand, other_brand = BrandFactory(), BrandFactory()
    mine = StoreFactory(brand=brand, city="Kazan")
    StoreFactory(brand=other_brand, city="Kazan")
    in_other_city = StoreFactory(brand=brand, city="Omsk")

    # when / then
    assert ids(superuser_client.get(url("stores"), {"brand": brand.pk})) == [mine.pk, in_other_city.pk]
    assert ids(superuser_client.get(url("stores"), {"brand": brand.pk, "city": "Kazan"})) == [mine.pk]
    assert ids(superuser_client.get(url("stores"), {"partner": mine.partner_id})) == [mine.pk]
    assert ids(superuser_client.get(url("stores"), {"program": brand.program_id})) == [mine.pk, in_other_city.pk]
    assert ids(superuser_client.get(url("stores"), {"name": mine.name.upper()})) == [mine.pk]


@pytest.mark.parametrize(
    ("resource", "params"),
    [
        ("stores", {"brand": "abc"}),
        ("stores", {"brand": "999999"}),
        ("products", {"brand": "1.5"}),
        ("cards", {"status": "lost"}),
        ("cards", {"card_type": "x"}),
        ("registers", {"seen_since": "yesterday"}),
        ("contacts", {"registered_after": "not-a-date"}),
        ("contacts", {"program": "abc"}),
    ],
)
def test_invalid_filter_value_is_400(superuser_client, resource, params):
    # when
    response = superuser_client.get(url(resource), params)

    # then
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == set(params)


def test_products_filter_by_sku_brand_and_category(superuser_client):
    # given
    brand, other_brand = BrandFactory(), BrandFactory()
    category = CategoryFactory()
    shampoo = ProductFactory(brand=brand, sku="SH-1", category=category)
    other_brands_shampoo = ProductFactory(brand=other_brand, sku="SH-1")
    soap = ProductFactory(brand=brand, sku="SO-1")

    # when / then
    assert ids(superuser_client.get(url("products"), {"sku": "SH-1"})) == [shampoo.pk, other_brands_shampoo.pk]
    assert ids(superuser_client.get(url("products"), {"sku": "SH-1", "brand": brand.pk})) == [shampoo.pk]
    assert ids(superuser_client.get(url("products"), {"sku_in": "SH-1,SO-1", "brand": brand.pk})) == [
        shampoo.pk,
        soap.pk,
    ]
    assert ids(superuser_client.get(url("products"), {"category": category.pk})) == [shampoo.pk]
    assert ids(superuser_client.get(url("products"), {"sku": "sh-1"})) == []


def test_cards_filter_by_status_program_contact_and_bound(superuser_client):
    # given
    contact = ContactFactory()
    card_type = CardTypeFactory()
    active = CardFactory(card_type=card_type, contact=contact)
    blocked = CardFactory(card_type=card_type, status="blocked")
    elsewhere = CardFactory()

    # when / then
    assert ids(superuser_client.get(url("cards"), {"status": "blocked"})) == [blocked.pk]
    assert ids(superuser_client.get(url("cards"), {"status": "active"})) == [active.pk, elsewhere.pk]
    assert ids(superuser_client.get(url("cards"), {"program": card_type.program_id})) == [active.pk, blocked.pk]
    assert ids(superuser_client.get(url("cards"), {"contact": contact.pk})) == [active.pk]
    assert ids(superuser_client.get(url("cards"), {"bound": "true"})) == [active.pk]
    assert ids(superuser_client.get(url("cards"), {"bound": "false"})) == [blocked.pk, elsewhere.pk]
    assert ids(superuser_client.get(url("cards"), {"number": active.number})) == [active.pk]


def test_registers_filter_by_store_brand_and_code(superuser_client):
    # given
    store = StoreFactory()
    first = RegisterFactory(store=store, code="K1")
    second = RegisterFactory(store=store, code="K2")
    RegisterFactory(code="K1")

    # when / then
    assert ids(superuser_client.get(url("registers"), {"store": store.pk})) == [first.pk, second.pk]
    assert ids(superuser_client.get(url("registers"), {"brand": store.brand_id})) == [first.pk, second.pk]
    assert ids(superuser_client.get(url("registers"), {"store": store.pk, "code": "K2"})) == [second.pk]


def test_program_children_filter_by_program(superuser_client):
    # given
    program = ProgramFactory()
    brand = BrandFactory(program=program)
    BrandFactory()
    tier = TierFactory(program=program)
    TierFactory()
    card_type = CardTypeFactory(program=program)
    CardTypeFactory()
    account = MasterAccountFactory(program=program)
    MasterAccountFactory()

    # when / then
    assert ids(superuser_client.get(url("brands"), {"program": program.pk})) == [brand.pk]
    assert ids(superuser_client.get(url("tiers"), {"program": program.pk})) == [tier.pk]
    assert ids(superuser_client.get(url("card-types"), {"program": program.pk})) == [card_type.pk]
    assert ids(superuser_client.get(url("master-accounts"), {"program": program.pk})) == [account.pk]


def test_name_filters_are_case_insensitive_substrings(superuser_client):
    # given
    program = ProgramFactory(name="Gold Club")
    ProgramFactory(name="Silver")
    partner = PartnerFactory(name="Acme Trading")
    PartnerFactory(name="Beta")
    brand = BrandFactory(name="Beauty Lab")

    # when / then
    assert ids(superuser_client.get(url("programs"), {"name": "gold"})) == [program.pk]
    assert ids(superuser_client.get(url("partners"), {"name": "ACME"})) == [partner.pk]
    assert ids(superuser_client.get(url("brands"), {"name": "lab"})) == [brand.pk]


def test_categories_filter_by_parent_and_root(superuser_client):
    # given
    root = CategoryFactory()
    child = CategoryFactory(parent=root)
    other_root = CategoryFactory()

    # when / then
    assert ids(superuser_client.get(url("categories"), {"parent": root.pk})) == [child.pk]
    assert sorted(ids(superuser_client.get(url("categories"), {"root": "true"}))) == sorted([root.pk, other_root.pk])


def test_master_accounts_filter_by_member(superuser_client):
    # given
    contact = ContactFactory()
    account = MasterAccountFactory(members=[contact])
    MasterAccountFactory(members=[ContactFactory()])

    # when
    response = superuser_client.get(url("master-accounts"), {"member": contact.pk})

    # then
    assert ids(response) == [account.pk]


def test_list_ordering_by_a_field(superuser_client):
    # given
    first = PartnerFactory(name="B")
    second = PartnerFactory(name="A")

    # when
    response = superuser_client.get(url("partners"), {"ordering": "-id"})

    # then
    assert ids(response) == [second.pk, first.pk]
    assert ids(superuser_client.get(url("partners"), {"ordering": "name"})) == [second.pk, first.pk]


def test_products_answer_money_as_two_place_strings(superuser_client):
    # given
    ProductFactory(price="199.9")

    # when
    response = superuser_client.get(url("products"))

    # then
    assert [item["price"] for item in response.json()["results"]] == ["199.90"]


def test_a_duplicate_sku_in_the_brand_is_400(superuser_client):
    # given
    product = ProductFactory(sku="SH-1")
    before = db_counts()

    # when
    response = superuser_client.post(
        url("products"), {"brand": product.brand_id, "sku": "SH-1", "name": "Again"}, format="json"
    )

    # then
    assert_error(
        response, 400, "invalid", fields={"non_field_errors": ["A product with this SKU already exists in the brand."]}
    )
    assert db_counts() == before


def test_the_same_sku_in_another_brand_is_accepted(superuser_client):
    # given
    ProductFactory(sku="SH-1")
    brand = BrandFactory()

    # when
    response = superuser_client.post(url("products"), {"brand": brand.pk, "sku": "SH-1", "name": "S"}, format="json")

    # then
    assert response.status_code == 201
    assert Product.objects.filter(sku="SH-1").count() == 2


def test_a_duplicate_tier_name_in_the_program_is_400(superuser_client):
    # given
    tier = TierFactory(name="Silver")

    # when
    response = superuser_client.post(
        url("tiers"),
        {"program": tier.program_id, "name": "Silver", "min_spend": 1, "accrual_percent": 1},
        format="json",
    )

    # then
    assert_error(
        response, 400, "invalid", fields={"non_field_errors": ["A tier with this name already exists in the program."]}
    )
    assert Tier.objects.count() == 1


def test_brand_managers_are_not_exposed(superuser_client, manager_brand, manager):
    # when
    response = superuser_client.get(url("brands", manager_brand.pk))

    # then
    assert set(response.json()) == {"id", "name", "program", "currency", "created_at", "updated_at"}
