"""The campaigns admin: pages open, the form explains what is wrong, the inline product segment is saved through the
services (and reaches the POS snapshot), actions, the live preview with its brand scoping, the test panel."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, CampaignUsage, ProductSegment, Segment, SegmentMember, SnapshotVersion
from campaigns.services.campaigns import product_segment_save
from campaigns.snapshot import brand_snapshot
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    ProgramFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:campaigns_campaign_changelist")
ADD = reverse("admin:campaigns_campaign_add")
PREVIEW = reverse("admin:campaigns_productsegment_preview")


def change_url(campaign: Campaign) -> str:
    return reverse("admin:campaigns_campaign_change", args=[campaign.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def world():
    """A brand with a store and a category tree: Hair > Shampoo > Kids shampoo; products in each, one outside."""
    brand = BrandFactory(name="Beauty")
    store = StoreFactory(brand=brand, name="Main street")
    hair = CategoryFactory(name="Hair")
    shampoo = CategoryFactory(name="Shampoo", parent=hair)
    kids = CategoryFactory(name="Kids shampoo", parent=shampoo)
    products = {
        "SH-1": ProductFactory(brand=brand, sku="SH-1", name="Shampoo", category=shampoo),
        "SH-2": ProductFactory(brand=brand, sku="SH-2", name="Kids shampoo", category=kids),
        "CO-1": ProductFactory(brand=brand, sku="CO-1", name="Conditioner", category=hair),
        "OT-1": ProductFactory(brand=brand, sku="OT-1", name="Towel", category=None),
    }
    other = BrandFactory(name="Other brand")
    ProductFactory(brand=other, sku="SH-1", name="Other shampoo", category=shampoo)
    return {
        "brand": brand,
        "store": store,
        "hair": hair,
        "shampoo": shampoo,
        "kids": kids,
        "products": products,
        "other": other,
    }


def make_campaign(brand, **fields) -> Campaign:
    values = {
        "name": "Ten off",
        "status": "draft",
        "starts_at": timezone.now() - timedelta(days=1),
        "mechanic": {"type": "percent_discount", "percent": "10"},
        "audience": {"type": "all"},
    }
    values.update(fields)
    return Campaign.objects.create(brand=brand, **values)


def form_data(brand, **overrides) -> dict:
    """The campaign form as a browser posts it (the mechanic editor has written the mechanic's JSON)."""
    start = timezone.localtime() - timedelta(hours=1)
    data = {
        "name": "Shampoo week",
        "brand": str(brand.pk),
        "status": "draft",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": "",
        "ends_at_1": "",
        "priority": "0",
        "combine": "sum",
        "product_segment": "",
        "segment_name": "",
        "segment_skus": "",
        "segment_exclude_skus": "",
        "audience_type": "all",
        "min_total": "",
        "min_quantity": "",
        "hours_from": "",
        "hours_to": "",
        "mechanic": json.dumps({"type": "percent_discount", "percent": "10"}),
        "per_customer": "",
        "per_customer_days": "",
        "total_uses": "",
        "budget": "",
        "daily_budget": "",
        "hint": "",
        "control_percent": "0",
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> list[str]:
    return [str(error) for error in response.context["adminform"].form.errors.get(name, [])]


# Pages


def test_changelist_add_and_change_pages_open(admin_client, world):
    campaign = make_campaign(world["brand"])

    assert admin_client.get(CHANGELIST).status_code == 200
    add = admin_client.get(ADD)
    assert add.status_code == 200
    assert 'id="segment-preview"' in add.content.decode()
    page = admin_client.get(change_url(campaign))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="campaign-test"' in html
    assert f"/api/v1/campaigns/{campaign.pk}/simulate" in html
    assert "campaigns/campaign_admin.js" in html


@pytest.mark.parametrize(
    "name",
    ["productsegment", "segment", "campaignusage"],
)
def test_the_other_campaign_pages_open(admin_client, world, name):
    brand = world["brand"]
    segment = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Shampoos", "skus": ["SH-1"]})
    customers = Segment.objects.create(name="Regulars", program=brand.program)
    SegmentMember.objects.create(segment=customers, contact=ContactFactory())
    campaign = make_campaign(brand, product_segment=segment)
    usage = CampaignUsage.objects.create(campaign=campaign, purchase_id=1, at=timezone.now(), discount=Decimal(10))
    objects = {"productsegment": segment, "segment": customers, "campaignusage": usage}

    assert admin_client.get(reverse(f"admin:campaigns_{name}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:campaigns_{name}_change", args=[objects[name].pk])).status_code == 200


def test_the_changelist_shows_receipts_touched_in_a_bounded_number_of_queries(admin_client, world):
    brand = world["brand"]
    first = make_campaign(brand, name="First", status="active")
    for purchase_id in (1, 1, 2):  # purchase 1 used it twice: still one receipt
        CampaignUsage.objects.create(campaign=first, purchase_id=purchase_id, at=timezone.now())
    make_campaign(brand, name="Second")
    with CaptureQueriesContext(connection) as two:
        response = admin_client.get(CHANGELIST)

    receipts = {campaign.name: campaign.receipts_touched for campaign in response.context["cl"].result_list}
    assert receipts == {"First": 2, "Second": 0}
    for number in range(5):
        make_campaign(brand, name=f"More {number}")
    with CaptureQueriesContext(connection) as seven:
        admin_client.get(CHANGELIST)
    assert len(seven) == len(two)


def test_the_campaign_page_shows_what_is_spent(admin_client, world):
    campaign = make_campaign(world["brand"], limits={"budget": "1000.00", "total_uses": 10})
    CampaignUsage.objects.create(
        campaign=campaign, purchase_id=7, at=timezone.now(), discount=Decimal("150.00"), value=Decimal("150.00")
    )
    from campaigns.models import CampaignCounter

    CampaignCounter.objects.create(campaign=campaign, uses=1, spent=Decimal("150.00"))

    html = admin_client.get(change_url(campaign)).content.decode()

    assert "budget left" in html
    assert "850.00" in html  # 1000 − 150
    assert "uses left" in html


# Validation that explains itself


def test_buy_n_get_m_with_get_zero_is_explained_on_the_mechanic(admin_client, world):
    data = form_data(world["brand"], mechanic=json.dumps({"type": "buy_n_get_m", "buy": 2, "get": 0}))

    response = admin_client.post(ADD, data)

    assert response.status_code == 200
    assert field_errors(response, "mechanic") == ["“Get free (units)” must be between 1 and 1000000."]
    assert not Campaign.objects.exists()


def test_an_end_before_the_start_is_explained_on_the_end(admin_client, world):
    start = timezone.localtime()
    end = start - timedelta(days=1)
    data = form_data(
        world["brand"],
        starts_at_0=start.strftime("%Y-%m-%d"),
        starts_at_1="10:00:00",
        ends_at_0=end.strftime("%Y-%m-%d"),
        ends_at_1="10:00:00",
    )

    response = admin_client.post(ADD, data)

    assert field_errors(response, "ends_at") == ["The end must be after the start."]
    assert not Campaign.objects.exists()


def test_an_exclusive_campaign_whose_segment_matches_nothing_is_explained(admin_client, world):
    data = form_data(world["brand"], combine="exclusive", segment_skus="NO-SUCH-SKU")

    response = admin_client.post(ADD, data)

    assert field_errors(response, "segment_skus") == [
        "The segment matches no product: an exclusive campaign would exclude nothing."
    ]
    assert not ProductSegment.objects.exists()


def test_an_exclusive_campaign_with_an_existing_empty_segment_is_explained(admin_client, world):
    empty = product_segment_save(segment=ProductSegment(brand=world["brand"]), data={"name": "Nothing", "skus": ["X"]})

    response = admin_client.post(ADD, form_data(world["brand"], combine="exclusive", product_segment=str(empty.pk)))

    assert field_errors(response, "product_segment") == [
        "The segment matches no product: an exclusive campaign would exclude nothing."
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"hours_from": "10:00"}, "hours_to", "Give both ends of the hours, or neither."),
        ({"hours_from": "25:00", "hours_to": "26:00"}, "hours_from", "A time of day HH:MM, such as 09:00 or 21:30."),
        ({"per_customer_days": "7"}, "per_customer", "Say how many uses per customer the window of days allows."),
        ({"audience_type": "tiers"}, "audience_tiers", "Pick the tiers the campaign is for."),
        ({"segment_exclude_skus": "SH-1"}, "segment_exclude_skus", None),
        ({"hint": "Add {missing_things}"}, "hint", None),
        ({"mechanic": "{not json"}, "mechanic", "Enter a valid JSON."),
    ],
)
def test_other_mistakes_are_explained_on_their_field(admin_client, world, overrides, field, message):
    response = admin_client.post(ADD, form_data(world["brand"], **overrides))

    errors = field_errors(response, field)
    assert errors, response.context["adminform"].form.errors
    if message is not None:
        assert errors == [message]
    assert not Campaign.objects.exists()


def test_stores_and_tiers_of_another_brand_are_named(admin_client, world):
    foreign_store = StoreFactory(brand=world["other"], name="Far away")
    foreign_tier = TierFactory(program=ProgramFactory(), name="Gold elsewhere")

    response = admin_client.post(
        ADD,
        form_data(
            world["brand"], stores=[str(foreign_store.pk)], audience_type="tiers", audience_tiers=[str(foreign_tier.pk)]
        ),
    )

    assert field_errors(response, "stores") == ["Not stores of Beauty: Far away."]
    assert field_errors(response, "audience_tiers") == ["Not tiers of the program of Beauty: Gold elsewhere."]


# Saving


def test_saving_creates_the_inline_product_segment_and_the_pos_snapshot_sees_it(admin_client, admin_user, world):
    brand = world["brand"]
    tier = TierFactory(program=brand.program, name="Silver")
    data = form_data(
        brand,
        status="active",
        segment_skus="SH-1, CO-1\nSH-1",
        segment_categories=[str(world["kids"].pk)],
        segment_exclude_skus="CO-1",
        audience_type="tiers",
        audience_tiers=[str(tier.pk)],
        min_total="500",
        weekdays=["6", "7"],
        hours_from="9:00",
        hours_to="21:00",
        stores=[str(world["store"].pk)],
        per_customer="1",
        per_customer_days="30",
        budget="5000",
        mechanic=json.dumps({"type": "buy_n_get_m", "buy": 2, "get": 1}),
    )
    version_before = SnapshotVersion.objects.filter(brand=brand).values_list("version", flat=True).first() or 0

    response = admin_client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get()
    segment = campaign.product_segment
    assert segment is not None
    assert (segment.name, segment.brand, segment.skus, segment.exclude_skus) == (
        "Shampoo week",
        brand,
        ["CO-1", "SH-1"],
        ["CO-1"],
    )
    assert list(segment.categories.all()) == [world["kids"]]
    assert campaign.owner == admin_user
    assert campaign.audience == {"type": "tiers", "tiers": [tier.pk]}
    assert campaign.conditions == {
        "min_total": "500.00",
        "stores": [world["store"].pk],
        "weekdays": [6, 7],
        "hours": ["09:00", "21:00"],
    }
    assert campaign.limits == {"per_customer": 1, "per_customer_days": 30, "budget": "5000.00"}
    assert SnapshotVersion.objects.get(brand=brand).version > version_before
    (entry,) = brand_snapshot(brand.pk).entries
    assert entry.rule.id == campaign.pk
    assert entry.rule.products is not None
    assert entry.rule.products.skus == frozenset({"CO-1", "SH-1"})
    assert entry.rule.products.category_ids == frozenset({world["kids"].pk})
    assert entry.rule.products.exclude_skus == frozenset({"CO-1"})


def test_editing_the_segment_on_the_campaign_page_updates_it_and_the_snapshot(admin_client, world):
    brand = world["brand"]
    segment = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Shampoos", "skus": ["SH-1"]})
    campaign = make_campaign(brand, status="active", product_segment=segment)
    assert brand_snapshot(brand.pk).entries[0].rule.products.skus == frozenset({"SH-1"})
    page = admin_client.get(change_url(campaign))
    assert page.context["adminform"].form.initial["segment_skus"] == ["SH-1"]

    data = form_data(
        brand,
        name="Ten off",
        status="active",
        product_segment=str(segment.pk),
        segment_name="Shampoos",
        segment_skus="SH-1\nSH-2",
    )
    response = admin_client.post(change_url(campaign), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    segment.refresh_from_db()
    assert segment.skus == ["SH-1", "SH-2"]
    assert ProductSegment.objects.count() == 1
    assert brand_snapshot(brand.pk).entries[0].rule.products.skus == frozenset({"SH-1", "SH-2"})


def test_emptying_the_segment_fields_means_every_product(admin_client, world):
    brand = world["brand"]
    segment = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Shampoos", "skus": ["SH-1"]})
    campaign = make_campaign(brand, product_segment=segment)

    response = admin_client.post(change_url(campaign), form_data(brand, product_segment=str(segment.pk)))

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.product_segment is None
    assert ProductSegment.objects.filter(pk=segment.pk).exists()  # other campaigns may use it


def test_picking_another_segment_links_it_as_it_is(admin_client, world):
    brand = world["brand"]
    first = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "First", "skus": ["SH-1"]})
    second = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Second", "skus": ["CO-1"]})
    campaign = make_campaign(brand, product_segment=first)

    # the editor still shows the first segment's SKUs (no script): they are not written into the second
    data = form_data(brand, product_segment=str(second.pk), segment_name="First", segment_skus="SH-1")
    response = admin_client.post(change_url(campaign), data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    second.refresh_from_db()
    assert campaign.product_segment == second
    assert second.skus == ["CO-1"]


def test_a_shared_segment_can_be_copied_for_one_campaign(admin_client, world):
    brand = world["brand"]
    shared = product_segment_save(segment=ProductSegment(brand=brand), data={"name": "Shared", "skus": ["SH-1"]})
    campaign = make_campaign(brand, product_segment=shared)
    make_campaign(brand, name="Other", product_segment=shared)

    data = form_data(
        brand, product_segment=str(shared.pk), segment_name="Mine", segment_skus="SH-1\nSH-2", segment_copy="on"
    )
    response = admin_client.post(change_url(campaign), data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    shared.refresh_from_db()
    assert campaign.product_segment != shared
    assert campaign.product_segment.skus == ["SH-1", "SH-2"]
    assert shared.skus == ["SH-1"]


def test_the_product_segment_page_saves_through_the_service(admin_client, world):
    brand = world["brand"]
    version_before = SnapshotVersion.objects.filter(brand=brand).values_list("version", flat=True).first() or 0

    response = admin_client.post(
        reverse("admin:campaigns_productsegment_add"),
        {
            "brand": str(brand.pk),
            "name": "Hair care",
            "skus": "SH-1;OT-1",
            "categories": [str(world["hair"].pk)],
            "exclude_skus": "CO-1",
        },
    )

    assert response.status_code == 302
    segment = ProductSegment.objects.get()
    assert (segment.skus, segment.exclude_skus) == (["OT-1", "SH-1"], ["CO-1"])
    assert list(segment.categories.all()) == [world["hair"]]
    assert SnapshotVersion.objects.get(brand=brand).version > version_before
    page = admin_client.get(reverse("admin:campaigns_productsegment_change", args=[segment.pk])).content.decode()
    assert 'data-preview-count="3"' in page  # SH-1, SH-2 (under Hair), OT-1; CO-1 excluded


# Actions


def test_pause_resume_and_duplicate_actions(admin_client, admin_user, world):
    brand = world["brand"]
    active = make_campaign(brand, name="Running", status="active")
    draft = make_campaign(brand, name="Not yet", status="draft")

    paused = admin_client.post(
        CHANGELIST, {"action": "pause_campaigns", "_selected_action": [active.pk, draft.pk]}, follow=True
    )

    active.refresh_from_db()
    draft.refresh_from_db()
    assert (active.status, draft.status) == ("paused", "draft")
    texts = messages_of(paused)
    assert "1 campaign paused." in texts
    assert any(text.startswith("“Not yet”: Only a campaign that is") for text in texts)

    resumed = admin_client.post(
        CHANGELIST, {"action": "resume_campaigns", "_selected_action": [active.pk]}, follow=True
    )
    active.refresh_from_db()
    assert active.status == "active"
    assert "1 campaign resumed." in messages_of(resumed)

    duplicated = admin_client.post(
        CHANGELIST, {"action": "duplicate_campaigns", "_selected_action": [active.pk]}, follow=True
    )
    copy = Campaign.objects.exclude(pk__in=[active.pk, draft.pk]).get()
    assert (copy.name, copy.status, copy.owner, copy.mechanic) == (
        "Running (copy)",
        "draft",
        admin_user,
        active.mechanic,
    )
    assert any("duplicated as a draft" in text for text in messages_of(duplicated))


def test_the_page_buttons_pause_resume_and_duplicate(admin_client, world):
    campaign = make_campaign(world["brand"], status="active")
    url = lambda name: reverse(f"admin:campaigns_campaign_{name}_detail", args=[campaign.pk])  # noqa: E731

    assert admin_client.get(url("pause")).status_code == 200  # the confirmation dialog; nothing changes on GET
    campaign.refresh_from_db()
    assert campaign.status == "active"

    response = admin_client.post(url("pause"), {"_form_submitted": "on"}, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == "paused"
    assert "The campaign is paused." in messages_of(response)

    again = admin_client.post(url("pause"), {"_form_submitted": "on"}, follow=True)
    assert again.status_code == 200
    assert any("Only a campaign that is" in text for text in messages_of(again))

    admin_client.post(url("resume"), {"_form_submitted": "on"})
    campaign.refresh_from_db()
    assert campaign.status == "active"

    response = admin_client.post(url("duplicate"), {"_form_submitted": "on"}, HTTP_HX_REQUEST="true")
    copy = Campaign.objects.exclude(pk=campaign.pk).get()
    assert response.status_code == 204
    assert response["HX-Redirect"] == change_url(copy)


# The live preview of a product segment


def test_the_preview_counts_skus_and_category_descendants_minus_exclusions(admin_client, world):
    response = admin_client.get(
        PREVIEW,
        {
            "brand": world["brand"].pk,
            "skus": "OT-1\nNO-SUCH",
            "categories": str(world["shampoo"].pk),
            "exclude_skus": "SH-2",
        },
    )

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "sample": [{"sku": "OT-1", "name": "Towel"}, {"sku": "SH-1", "name": "Shampoo"}],
    }


def test_the_preview_of_a_whole_tree_and_of_a_saved_segment(admin_client, world):
    by_tree = admin_client.get(PREVIEW, {"brand": world["brand"].pk, "categories": [str(world["hair"].pk)]}).json()
    assert by_tree["count"] == 3  # Hair, Shampoo and Kids shampoo: the other brand's SH-1 is not counted

    segment = product_segment_save(
        segment=ProductSegment(brand=world["brand"]), data={"name": "Kids", "skus": []}, categories=[world["kids"]]
    )
    assert admin_client.get(PREVIEW, {"segment": segment.pk}).json() == {
        "count": 1,
        "sample": [{"sku": "SH-2", "name": "Kids shampoo"}],
    }


def test_the_preview_needs_a_brand(admin_client, world):
    response = admin_client.get(PREVIEW, {"skus": "SH-1"})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Choose the brand to see its products."


@pytest.fixture
def marketer(manager):
    """The brand-limited manager, also allowed to work with campaigns."""
    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="campaigns"))
    return manager


def test_a_limited_manager_previews_only_their_brands(marketer, manager_brand, world):
    ProductFactory(brand=manager_brand, sku="SH-1", name="Managed shampoo")
    other_segment = product_segment_save(
        segment=ProductSegment(brand=world["brand"]), data={"name": "X", "skus": ["SH-1"]}
    )
    client = Client()
    client.force_login(marketer)

    own = client.get(PREVIEW, {"brand": manager_brand.pk, "skus": "SH-1"})
    foreign = client.get(PREVIEW, {"brand": world["brand"].pk, "skus": "SH-1"})
    foreign_segment = client.get(PREVIEW, {"segment": other_segment.pk})

    assert own.json() == {"count": 1, "sample": [{"sku": "SH-1", "name": "Managed shampoo"}]}
    assert foreign.status_code == 404
    assert foreign_segment.status_code == 404


def test_the_preview_is_for_staff_who_work_with_campaigns(world):
    staff = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(staff)

    assert client.get(PREVIEW, {"brand": world["brand"].pk, "skus": "SH-1"}).status_code == 403
    assert Client().get(PREVIEW).status_code == 302  # to the login page


def test_a_limited_manager_sees_only_their_brands_campaigns(marketer, manager_brand, world):
    own = make_campaign(manager_brand, name="Ours")
    foreign = make_campaign(world["brand"], name="Theirs")
    client = Client()
    client.force_login(marketer)

    names = [campaign.name for campaign in client.get(CHANGELIST).context["cl"].result_list]
    assert names == ["Ours"]
    assert client.get(change_url(own)).status_code == 200
    assert client.get(change_url(foreign)).status_code == 302  # "does not exist", back to the admin's index
    add = client.get(ADD)
    assert add.context["adminform"].form.initial["brand"] == manager_brand.pk


# The test panel's endpoint, called as the page calls it: the session and the CSRF token


def test_the_test_panel_calculates_with_the_session_and_csrf_token(admin_user, world):
    campaign = make_campaign(world["brand"], status="draft")
    contact = ContactFactory(phone=None)  # contacts without a phone are tested by id (enrolled in the program)
    EnrollmentFactory(contact=contact, program=world["brand"].program)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    page = client.get(change_url(campaign)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = {"customer": {"contact_id": contact.pk}, "lines": [{"sku": "SH-1", "quantity": "1", "price": "1000.00"}]}
    url = f"/api/v1/campaigns/{campaign.pk}/simulate"

    refused = client.post(url, json.dumps(body), content_type="application/json")
    response = client.post(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["totals"]["discount"] == "100.00"
    assert answer["lines"][0]["applied"][0]["campaign_id"] == campaign.pk


# Deleting


def test_deleting_a_campaign_goes_through_the_service_and_leaves_the_snapshot(admin_client, world):
    brand = world["brand"]
    campaign = make_campaign(brand, status="active")
    from campaigns.snapshot import bump_version

    bump_version(brand.pk)
    assert [entry.rule.id for entry in brand_snapshot(brand.pk).entries] == [campaign.pk]
    url = reverse("admin:campaigns_campaign_delete", args=[campaign.pk])

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Campaign.objects.exists()
    assert brand_snapshot(brand.pk).entries == ()


def test_a_campaign_receipts_used_is_not_deleted_and_the_page_says_why(admin_client, world):
    campaign = make_campaign(world["brand"], status="active")
    CampaignUsage.objects.create(campaign=campaign, purchase_id=1, at=timezone.now())
    url = reverse("admin:campaigns_campaign_delete", args=[campaign.pk])

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    assert any("finish it instead" in text for text in messages_of(response))
    assert "delete_selected" not in admin_client.get(CHANGELIST).context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


def test_a_segment_campaigns_use_keeps_its_brand(admin_client, world):
    segment = product_segment_save(segment=ProductSegment(brand=world["brand"]), data={"name": "S", "skus": ["SH-1"]})
    make_campaign(world["brand"], product_segment=segment)

    response = admin_client.post(
        reverse("admin:campaigns_productsegment_change", args=[segment.pk]),
        {"brand": str(world["other"].pk), "name": "S", "skus": "SH-1", "exclude_skus": ""},
    )

    assert response.status_code == 200
    assert field_errors(response, "brand") == ["Campaigns use this product segment: its brand cannot change."]
    segment.refresh_from_db()
    assert segment.brand == world["brand"]
