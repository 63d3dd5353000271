"""The admin: every page opens, brand scoping, saves through the services, register keys, actions, imports."""

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from rest_framework.authtoken.models import Token, TokenProxy

from contacts.models import BlacklistEntry, Contact, ContactAuditLog
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
    hash_api_key,
)
from loyalty.resources import CardResource, ProductResource
from tests.factories import (
    BlacklistEntryFactory,
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    ProductFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    """The messages a followed redirect showed."""
    return [str(message) for message in response.context["messages"]]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(admin_user):
    """One object of every model the admin shows."""
    brand = BrandFactory(name="Own brand")
    store = StoreFactory(brand=brand, name="Own store")
    register = RegisterFactory(store=store)
    card_type = CardTypeFactory(program=brand.program, name="Standard")
    contact = ContactFactory(phone="+79161234567", first_name="Anna")
    CardFactory(card_type=card_type, contact=contact)
    EnrollmentFactory(contact=contact, program=brand.program, tier=TierFactory(program=brand.program))
    ProductFactory(brand=brand, category=CategoryFactory(name="Food"))
    MasterAccountFactory(program=brand.program, members=[contact])
    BlacklistEntryFactory()
    ContactAuditLog.objects.create(contact=contact, action="created")
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="nightly", task="tasks.nightly", interval=interval)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=55, longitude=37)
    ClockedSchedule.objects.create(clocked_time="2030-01-01T00:00:00+03:00")
    Token.objects.create(user=admin_user)
    Group.objects.create(name="Marketers")
    return {"brand": brand, "store": store, "register": register, "contact": contact, "card_type": card_type}


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# `world` makes one object of each (models registered later by other modules are checked without one).
WORLD_MODELS = {
    Contact,
    ContactAuditLog,
    BlacklistEntry,
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
    Group,
    TokenProxy,
    PeriodicTask,
    IntervalSchedule,
    CrontabSchedule,
    SolarSchedule,
    ClockedSchedule,
}


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages_open_for_a_superuser(admin_client, world, model):
    model_admin = admin.site._registry[model]

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    add = admin_client.get(admin_url(model, "add"))
    assert add.status_code == (200 if model_admin.has_add_permission(add.wsgi_request) else 403)
    obj = model._default_manager.first()
    assert obj is not None or model not in WORLD_MODELS
    if obj is not None:
        pk = obj.user_id if model is TokenProxy else obj.pk
        assert admin_client.get(admin_url(model, "change", pk)).status_code == 200


def test_admin_pages_load_no_asset_from_another_host(admin_client, world):
    page = admin_client.get(admin_url(Contact, "change", world["contact"].pk)).content.decode()

    assert 'src="http' not in page
    assert 'href="http' not in page
    assert "/static/unfold/" in page


def test_sidebar_lists_the_marketers_sections(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    for title in ("Organisation", "Catalogue", "Cards and tiers", "Settings"):
        assert title in page
    assert reverse("admin:loyalty_register_changelist") in page
    assert reverse("admin:django_celery_beat_periodictask_changelist") in page


def test_a_sidebar_entry_shows_only_to_users_who_may_view_its_model():
    # given: staff who may view contacts and nothing else
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contact", content_type__app_label="contacts"))
    client = Client()
    client.force_login(user)
    # when
    page = client.get(reverse("admin:index")).content.decode()
    # then
    assert reverse("admin:contacts_contact_changelist") in page
    assert reverse("admin:contacts_blacklistentry_changelist") not in page
    assert reverse("admin:loyalty_store_changelist") not in page


# Brand scoping


@pytest.fixture
def manager_admin(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def two_brands(manager_brand):
    own = StoreFactory(brand=manager_brand, name="Own store")
    other = StoreFactory(brand=BrandFactory(name="Other brand"), name="Other store")
    return own, other


def test_manager_sees_only_the_stores_of_their_brand(manager_admin, two_brands):
    own, _other = two_brands

    response = manager_admin.get(admin_url(Store, "changelist"))

    assert list(response.context["cl"].result_list) == [own]
    assert "Other brand" not in response.content.decode()  # nor in the brand filter


def test_store_of_another_brand_is_out_of_reach(manager_admin, two_brands):
    own, other = two_brands

    assert manager_admin.get(admin_url(Store, "change", own.pk)).status_code == 200
    response = manager_admin.get(admin_url(Store, "change", other.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert manager_admin.post(admin_url(Store, "delete", other.pk), {"post": "yes"}).status_code == 302
    assert Store.objects.filter(pk=other.pk).exists()


def test_manager_can_pick_only_their_brand_and_stores(manager_admin, two_brands, manager_brand):
    _own, other = two_brands

    form = manager_admin.get(admin_url(Store, "add")).context["adminform"].form
    assert list(form.fields["brand"].queryset) == [manager_brand]

    response = manager_admin.post(admin_url(Register, "add"), {"store": other.pk, "code": "R1", "is_active": "on"})
    assert response.status_code == 200
    assert "store" in response.context["adminform"].form.errors
    assert not Register.objects.exists()

    autocomplete = manager_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "loyalty", "model_name": "register", "field_name": "store", "term": "store"},
    )
    assert [item["text"] for item in autocomplete.json()["results"]] == ["Own store"]


def test_manager_cannot_take_themself_out_of_their_brand(manager_admin, manager_brand, manager):
    manager_admin.post(
        admin_url(type(manager_brand), "change", manager_brand.pk),
        {"name": "Renamed", "program": manager_brand.program_id, "currency": "RUB", "managers": []},
    )

    manager_brand.refresh_from_db()
    assert manager_brand.name == "Renamed"
    assert list(manager_brand.managers.all()) == [manager]


def test_contact_made_by_a_manager_joins_their_program(manager_admin, manager_brand):
    response = manager_admin.post(admin_url(Contact, "add"), contact_form(phone="8 916 555-00-01"))

    assert response.status_code == 302
    contact = Contact.objects.get(phone="+79165550001")
    assert list(Enrollment.objects.filter(contact=contact).values_list("program_id", flat=True)) == [
        manager_brand.program_id
    ]
    assert manager_admin.get(admin_url(Contact, "change", contact.pk)).status_code == 200


# Registers: the key once, rotation


def test_register_add_shows_the_key_once(admin_client):
    store = StoreFactory()

    response = admin_client.post(
        admin_url(Register, "add"),
        {"store": store.pk, "code": "R1", "model": "Atol", "is_active": "on"},
        follow=True,
    )

    assert response.redirect_chain == [(admin_url(Register, "changelist"), 302)]
    register = Register.objects.get()
    key_messages = [text for text in messages_of(response) if "API key" in text]
    assert len(key_messages) == 1
    key = key_messages[0].split("<code>")[1].split("</code>")[0]
    assert hash_api_key(key) == register.api_key_hash
    assert key.startswith(register.api_key_prefix)
    assert key not in admin_client.get(admin_url(Register, "change", register.pk)).content.decode()


def test_rotate_key_action_asks_first_and_keeps_the_key_until_confirmed(admin_client):
    register = RegisterFactory(code="TILL-7")
    old_hash = register.api_key_hash

    response = admin_client.post(
        admin_url(Register, "changelist"), {"action": "rotate_api_key", "_selected_action": [register.pk]}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "TILL-7" in page
    assert 'name="post" value="yes"' in page
    register.refresh_from_db()
    assert register.api_key_hash == old_hash


def test_rotate_key_action_replaces_the_key(admin_client):
    register = RegisterFactory()
    old_hash = register.api_key_hash

    response = admin_client.post(
        admin_url(Register, "changelist"),
        {"action": "rotate_api_key", "_selected_action": [register.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    register.refresh_from_db()
    assert register.api_key_hash != old_hash
    (message,) = messages_of(response)
    key = message.split("<code>")[1].split("</code>")[0]
    assert hash_api_key(key) == register.api_key_hash


# Contacts through the services


def contact_form(**values) -> dict:
    data = {
        "phone": "",
        "email": "",
        "first_name": "",
        "last_name": "",
        "birth_date": "",
        "gender": "",
        "city": "",
        "cards-TOTAL_FORMS": "0",
        "cards-INITIAL_FORMS": "0",
        "enrollments-TOTAL_FORMS": "0",
        "enrollments-INITIAL_FORMS": "0",
        "audit_log-TOTAL_FORMS": "0",
        "audit_log-INITIAL_FORMS": "0",
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
    }
    data.update(values)
    return data


def test_contact_add_normalises_and_audits(admin_client, admin_user):
    response = admin_client.post(
        admin_url(Contact, "add"), contact_form(phone="8 (916) 123-45-67", email="Anna@Example.com")
    )

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.phone, contact.email, contact.source) == ("+79161234567", "anna@example.com", "admin")
    assert list(ContactAuditLog.objects.values_list("contact_id", "action", "user_id")) == [
        (contact.pk, "created", admin_user.pk)
    ]


def test_contact_change_is_audited_with_what_changed(admin_client, admin_user):
    contact = ContactFactory(phone="+79161234567", email=None, city="Moscow")

    response = admin_client.post(
        admin_url(Contact, "change", contact.pk),
        contact_form(phone=contact.phone, first_name=contact.first_name, last_name=contact.last_name, city="Kazan"),
    )

    assert response.status_code == 302
    (audit,) = ContactAuditLog.objects.all()
    assert (audit.action, audit.user_id, audit.changes) == ("updated", admin_user.pk, {"city": "Kazan"})


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("8 916 000-00-00", "Blacklisted."),
        ("+7 916 222 00 01", "This phone belongs to another contact (#{existing})."),
        ("12345", "Enter a valid phone number."),
    ],
)
def test_contact_form_shows_refused_phones(admin_client, phone, error):
    BlacklistEntryFactory(phone="+79160000000")
    existing = ContactFactory(phone="+79162220001")

    response = admin_client.post(admin_url(Contact, "add"), contact_form(phone=phone))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"] == [error.format(existing=existing.pk)]
    assert Contact.objects.count() == 1


def test_blacklist_entry_is_normalised_and_unique(admin_client, admin_user):
    added = admin_client.post(admin_url(BlacklistEntry, "add"), {"phone": "8 916 000-00-00", "reason": "spam"})
    again = admin_client.post(admin_url(BlacklistEntry, "add"), {"phone": "+7 916 000 00 00", "reason": "spam"})

    assert added.status_code == 302
    assert list(BlacklistEntry.objects.values_list("phone", "created_by_id")) == [("+79160000000", admin_user.pk)]
    assert again.context["adminform"].form.errors["phone"] == ["+79160000000 is already on the blacklist."]


@pytest.mark.parametrize("term", ["89161234567", "+7 (916) 123-45-67", "8916123", "+7 916"])
def test_contact_search_understands_phone_spellings(admin_client, term):
    anna = ContactFactory(phone="+79161234567")
    ContactFactory(phone="+79251234567")

    response = admin_client.get(admin_url(Contact, "changelist"), {"q": term})

    assert list(response.context["cl"].result_list) == [anna]


# Cards


def test_card_bound_in_the_admin_enrolls_the_contact(admin_client):
    card_type = CardTypeFactory()
    contact = ContactFactory()

    response = admin_client.post(
        admin_url(Card, "add"),
        {"number": "7000000000017", "card_type": card_type.pk, "contact": contact.pk, "status": "active"},
    )

    assert response.status_code == 302
    card = Card.objects.get()
    assert card.bound_at is not None
    assert Enrollment.objects.filter(contact=contact, program=card_type.program).exists()


def test_block_and_unblock_actions(admin_client):
    cards = CardFactory.create_batch(2)
    selected = [card.pk for card in cards]

    blocked = admin_client.post(
        admin_url(Card, "changelist"), {"action": "block_cards", "_selected_action": selected}, follow=True
    )
    assert messages_of(blocked) == ["2 cards blocked."]
    assert set(Card.objects.values_list("status", flat=True)) == {"blocked"}

    unblocked = admin_client.post(
        admin_url(Card, "changelist"), {"action": "unblock_cards", "_selected_action": selected[:1]}, follow=True
    )
    assert messages_of(unblocked) == ["1 card unblocked."]
    assert sorted(Card.objects.values_list("status", flat=True)) == ["active", "blocked"]


# Catalogue and master accounts


def test_category_cannot_move_inside_itself(admin_client):
    root = CategoryFactory(name="Food")
    child = CategoryFactory(name="Milk", parent=root)

    response = admin_client.post(admin_url(Category, "change", root.pk), {"name": "Food", "parent": child.pk})

    assert response.context["adminform"].form.errors["parent"] == ["A category cannot be inside itself."]
    moved = admin_client.post(admin_url(Category, "add"), {"name": "Cheese", "parent": root.pk})
    assert moved.status_code == 302
    cheese = Category.objects.get(name="Cheese")
    assert cheese.path == f"/{root.pk}/{cheese.pk}/"


def test_master_account_refuses_a_member_of_another_account(admin_client):
    contact = ContactFactory()
    taken = MasterAccountFactory(name="Smiths", members=[contact])

    response = admin_client.post(
        reverse("admin:loyalty_masteraccount_add"),
        {
            "name": "Joneses",
            "program": taken.program_id,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-contact": contact.pk,
        },
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"contact": ["Already in the master account “Smiths” of this program."]}
    ]
    assert MasterAccountMember.objects.count() == 1


# Imports of products and cards


def test_product_import_updates_by_brand_and_sku_and_reports_unknown_brands():
    brand = BrandFactory(name="Own brand")
    ProductFactory(brand=brand, sku="SH-1", name="Old name")
    rows = tablib.Dataset(
        ["Own brand", "SH-1", "Shampoo", "", "1", "0", "199.90"],
        [str(brand.pk), "SH-2", "Soap", "", "", "", ""],
        ["Nobody's brand", "X-1", "Ghost", "", "", "", ""],
        headers=["brand", "sku", "name", "category", "accrual_excluded", "redemption_excluded", "price"],
    )

    result = ProductResource().import_data(rows, dry_run=False)

    assert (result.totals["new"], result.totals["update"], result.totals["invalid"]) == (1, 1, 1)
    assert [row.error_dict for row in result.invalid_rows] == [{"brand": ["Unknown brand: “Nobody's brand”."]}]
    assert sorted(Product.objects.values_list("sku", "name", "accrual_excluded")) == [
        ("SH-1", "Shampoo", True),
        ("SH-2", "Soap", False),
    ]


def test_product_import_by_a_manager_refuses_other_brands(manager, manager_brand):
    BrandFactory(name="Other brand")
    rows = tablib.Dataset(
        ["Other brand", "X-1", "Not mine"], ["Managed brand", "M-1", "Mine"], headers=["brand", "sku", "name"]
    )

    result = ProductResource(user=manager).import_data(rows, dry_run=False, user=manager)

    assert [row.error_dict for row in result.invalid_rows] == [{"brand": ["Unknown brand: “Other brand”."]}]
    assert list(Product.objects.values_list("brand_id", "sku")) == [(manager_brand.pk, "M-1")]


def test_card_import_binds_contacts_by_phone():
    card_type = CardTypeFactory(name="Gold")
    contact = ContactFactory(phone="+79161234567")
    rows = tablib.Dataset(
        ["7000000000017", "Gold", "8 916 123 45 67"],
        ["7000000000024", str(card_type.pk), ""],
        ["7000000000031", "Gold", "+79990000000"],
        headers=["number", "card_type", "contact"],
    )

    result = CardResource().import_data(rows, dry_run=False)

    assert (result.totals["new"], result.totals["invalid"]) == (2, 1)
    assert [row.error_dict for row in result.invalid_rows] == [{"contact": ["No contact has the phone +79990000000."]}]
    bound = Card.objects.get(number="7000000000017")
    assert (bound.contact_id, bound.bound_at is not None) == (contact.pk, True)
    assert Enrollment.objects.filter(contact=contact, program=card_type.program).exists()
    assert Card.objects.get(number="7000000000024").contact_id is None


def test_card_export_imports_back_unchanged_across_programs_with_equal_card_type_names():
    CardFactory(card_type=CardTypeFactory(name="Standard"), contact=ContactFactory(phone="+79161234567"))
    CardFactory(card_type=CardTypeFactory(name="Standard"), status="blocked")
    exported = CardResource().export()

    result = CardResource().import_data(exported, dry_run=False)

    assert (result.totals["skip"], result.totals["update"], result.totals["invalid"]) == (2, 0, 0)


def test_contacts_imported_by_a_manager_join_their_program(manager, manager_brand):
    rows = tablib.Dataset(["89161234567"], headers=["phone"])

    result = (
        admin.site._registry[Contact].resource_classes[0](user=manager).import_data(rows, dry_run=False, user=manager)
    )

    assert result.totals["new"] == 1
    contact = Contact.objects.get()
    assert list(contact.enrollments.values_list("program_id", flat=True)) == [manager_brand.program_id]
