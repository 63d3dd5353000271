"""The campaigns and product segments API: the contract's bodies, validation that says what to change, filters,
duplicate/pause/resume, scoping, simulation, and the key behaviour: a change applies to the very next POS request.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from campaigns.models import Campaign, CampaignUsage, ProductSegment, SnapshotVersion
from tests.conftest import grant_app_permissions, token_client
from tests.factories import (
    BrandFactory,
    CampaignFactory,
    CategoryFactory,
    ProductFactory,
    ProductSegmentFactory,
    RegisterFactory,
    SegmentFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)
from tests.helpers import assert_error, assert_timestamps, ids, page, url
from tests.loyalty.pos_support import calculate, line, make_shopper, make_till, ok, pos_client

pytestmark = pytest.mark.django_db

CONTRACT_BODY: dict[str, Any] = {
    "name": "Shampoo 1+1=3",
    "status": "active",
    "starts_at": "2026-11-01T00:00:00+03:00",
    "ends_at": None,
    "priority": 10,
    "combine": "sum",
    "audience": {"type": "all"},
    "conditions": {"min_total": "0.00", "min_quantity": 0, "stores": [], "weekdays": [], "hours": None},
    "requires_code": False,
    "mechanic": {"type": "buy_n_get_m", "buy": 2, "get": 1},
    "hint": "Add {missing_quantity} more and one is free",
}
UNKNOWN_MECHANIC = (
    "Unknown mechanic type; one of: amount_discount, buy_n_get_m, graded_discount, graded_points, nth_item_discount, "
    "percent_discount, points_fixed, points_multiplier, points_per_amount, points_percent."
)
ZERO_STATS = {"receipts": 0, "discount": "0.00", "points": "0.00", "value": "0.00"}


def shampoo_shop():
    """A till whose brand sells shampoos SH-1 and SH-2 (category Hair › Shampoo) and soap SO-1 (Hair › Soap)."""
    till = make_till()
    hair = CategoryFactory(name="Hair")
    shampoo = CategoryFactory(name="Shampoo", parent=hair)
    soap = CategoryFactory(name="Soap", parent=hair)
    ProductFactory(brand=till.brand, sku="SH-1", name="Shampoo 1", category=shampoo)
    ProductFactory(brand=till.brand, sku="SH-2", name="Shampoo 2", category=shampoo)
    ProductFactory(brand=till.brand, sku="SO-1", name="Soap", category=soap)
    segment = ProductSegmentFactory(brand=till.brand, name="Shampoos", categories=[shampoo])
    return till, segment


def percent_body(brand_id: int, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Ten off",
        "brand": brand_id,
        "status": "active",
        "starts_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "mechanic": {"type": "percent_discount", "percent": 10},
    }
    return {**body, **fields}


def discount_of(till, sku: str = "SO-1", price: str = "1000.00") -> str:
    """The discount the next calculate gives an anonymous receipt of one unit."""
    answer = ok(calculate(till.client, {"lines": [line(sku, 1, price)]}))
    return answer["totals"]["discount"]


# --- create ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slash", [False, True], ids=["no-slash", "slash"])
def test_create_with_the_contract_body_answers_201_with_the_campaign(superuser_client, superuser, slash):
    # given
    till, segment = shampoo_shop()
    body = {**CONTRACT_BODY, "brand": till.brand.pk, "product_segment": segment.pk}

    # when
    response = superuser_client.post(url("campaigns", slash=slash), body, format="json")

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    assert assert_timestamps(created) == {
        "id": created["id"],
        **body,
        "limits": {},
        "control_percent": 0,
        "owner": superuser.pk,
        "stats": ZERO_STATS,
    }
    assert superuser_client.get(url("campaigns", created["id"])).json() == created


def test_create_with_only_the_required_fields_takes_the_defaults(superuser_client):
    # given
    brand = BrandFactory()
    before = timezone.now()

    # when
    response = superuser_client.post(
        url("campaigns"),
        {"name": "Ten", "brand": brand.pk, "mechanic": {"type": "percent_discount", "percent": 10}},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in ("status", "priority", "combine", "audience", "conditions", "limits")} == {
        "status": "draft",
        "priority": 0,
        "combine": "sum",
        "audience": {"type": "all"},
        "conditions": {},
        "limits": {},
    }
    assert (body["ends_at"], body["product_segment"], body["requires_code"], body["hint"]) == (None, None, False, "")
    assert datetime.fromisoformat(body["starts_at"]) >= before.replace(microsecond=0)


def test_every_save_moves_the_brand_snapshot_version(superuser_client):
    # given
    brand = BrandFactory()

    # when
    created = superuser_client.post(url("campaigns"), percent_body(brand.pk), format="json").json()
    after_create = SnapshotVersion.objects.get(brand=brand).version
    superuser_client.patch(url("campaigns", created["id"]), {"priority": 5}, format="json")

    # then
    assert SnapshotVersion.objects.get(brand=brand).version == after_create + 1


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"mechanic": {"type": "buy_n_get_m", "buy": 2, "get": 0}},
            {"mechanic": ["'get' must be between 1 and 1000000."]},
        ),
        (
            {"starts_at": "2026-12-01T00:00:00+03:00", "ends_at": "2026-11-01T00:00:00+03:00"},
            {"ends_at": ["The end must be after the start."]},
        ),
        (
            {"starts_at": "2026-12-01T00:00:00+03:00", "ends_at": "2026-12-01T00:00:00+03:00"},
            {"ends_at": ["The end must be after the start."]},
        ),
        ({"mechanic": {"type": "free_lunch"}}, {"mechanic": [UNKNOWN_MECHANIC]}),
        ({"mechanic": {"percent": 10}}, {"mechanic": [UNKNOWN_MECHANIC]}),
        ({"mechanic": "ten percent"}, {"mechanic": ["The mechanic is an object with a 'type'."]}),
        (
            {"mechanic": {"type": "points_fixed", "points": "1e400"}},
            {"mechanic": ["'points' is beyond 1,000,000,000."]},
        ),
        ({"conditions": {"hours": ["09:00", "25:00"]}}, {"conditions": ["'25:00' is not a time HH:MM."]}),
        ({"conditions": {"weekdays": [1, 8]}}, {"conditions": ["Weekdays are 1 (Monday) to 7 (Sunday)."]}),
        ({"conditions": {"colour": "red"}}, {"conditions": ["Unknown conditions: colour."]}),
        ({"conditions": {"stores": [999999]}}, {"conditions": ["Stores [999999] are not stores of the brand."]}),
        ({"limits": {"per_week": 1}}, {"limits": ["Unknown limits: per_week."]}),
        ({"limits": {"total_uses": 0}}, {"limits": ["'total_uses' is a whole number from 1."]}),
        (
            {"hint": "Add {missing} more"},
            {"hint": ["Unknown placeholder {missing}: use {missing_amount} or {missing_quantity}."]},
        ),
        ({"audience": {"type": "vip"}}, {"audience": ["The type is one of all, identified, tiers, segment."]}),
        ({"audience": {"type": "segment"}}, {"audience": ["Name the segment: {'type': 'segment', 'segment': id}."]}),
        ({"limits": []}, {"limits": ["Expected a JSON object."]}),
        ({"audience": "all"}, {"audience": ["Expected a JSON object."]}),
        ({"status": "running"}, {"status": ['"running" is not a valid choice.']}),
        ({"priority": 10**9}, {"priority": ["Ensure this value is less than or equal to 1000000."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
    ],
    ids=[
        "buy-n-get-0",
        "end-before-start",
        "end-at-start",
        "unknown-mechanic",
        "mechanic-without-type",
        "mechanic-not-object",
        "huge-number",
        "hours-25",
        "weekday-8",
        "unknown-condition",
        "store-of-nobody",
        "unknown-limit",
        "zero-uses",
        "hint-placeholder",
        "audience-type",
        "audience-segment-missing",
        "limits-not-object",
        "audience-not-object",
        "status",
        "priority",
        "name",
    ],
)
def test_invalid_campaign_is_400_naming_the_field_and_writes_nothing(superuser_client, changes, fields):
    # given
    brand = BrandFactory()

    # when
    response = superuser_client.post(url("campaigns"), percent_body(brand.pk, **changes), format="json")

    # then
    error = assert_error(response, 400, "invalid", fields=fields)
    assert next(iter(fields.values()))[0] in error["message"]
    assert not Campaign.objects.exists()
    assert not SnapshotVersion.objects.filter(brand=brand).exists()


def test_exclusive_campaign_on_a_segment_that_matches_nothing_is_400(superuser_client):
    # given: a segment of SKUs the brand does not sell
    brand = BrandFactory()
    empty = ProductSegmentFactory(brand=brand, skus=["NOPE"])

    # when
    response = superuser_client.post(
        url("campaigns"), percent_body(brand.pk, combine="exclusive", product_segment=empty.pk), format="json"
    )

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={"product_segment": ["The segment matches no product: an exclusive campaign would exclude nothing."]},
    )


def test_audience_tiers_of_another_program_are_400(superuser_client):
    # given
    brand = BrandFactory()
    mine = TierFactory(program=brand.program, name="Gold")
    theirs = TierFactory(name="Gold")

    # when
    response = superuser_client.post(
        url("campaigns"),
        percent_body(brand.pk, audience={"type": "tiers", "tiers": [mine.pk, theirs.pk]}),
        format="json",
    )

    # then
    assert_error(
        response, 400, "invalid", fields={"audience": [f"Tiers [{theirs.pk}] are not tiers of the brand's program."]}
    )


def test_audience_segment_of_another_program_is_400(superuser_client):
    # given
    brand = BrandFactory()
    theirs = SegmentFactory()

    # when
    response = superuser_client.post(
        url("campaigns"), percent_body(brand.pk, audience={"type": "segment", "segment": theirs.pk}), format="json"
    )

    # then
    assert_error(
        response, 400, "invalid", fields={"audience": ["The segment is not a segment of the brand's program."]}
    )


def test_product_segment_of_another_brand_is_400(superuser_client):
    # given
    brand = BrandFactory()
    theirs = ProductSegmentFactory()

    # when
    response = superuser_client.post(url("campaigns"), percent_body(brand.pk, product_segment=theirs.pk), format="json")

    # then
    assert_error(
        response, 400, "invalid", fields={"product_segment": ["The product segment belongs to another brand."]}
    )


def test_several_mistakes_are_reported_together(superuser_client):
    # given
    brand = BrandFactory()

    # when
    response = superuser_client.post(
        url("campaigns"),
        percent_body(brand.pk, mechanic={"type": "percent_discount", "percent": 0}, limits={"x": 1}, hint="{y}"),
        format="json",
    )

    # then
    assert_error(
        response,
        400,
        "invalid",
        fields={
            "mechanic": ["'percent' must be above zero."],
            "limits": ["Unknown limits: x."],
            "hint": ["Unknown placeholder {y}: use {missing_amount} or {missing_quantity}."],
        },
    )


@pytest.mark.parametrize("field", ["audience", "conditions", "limits", "hint"])
def test_null_for_an_optional_part_means_its_default(superuser_client, field):
    # given
    brand = BrandFactory()

    # when
    response = superuser_client.post(url("campaigns"), percent_body(brand.pk, **{field: None}), format="json")

    # then
    assert response.status_code == 201, response.content
    assert response.json()[field] == {"audience": {"type": "all"}, "conditions": {}, "limits": {}, "hint": ""}[field]


def test_a_deeply_nested_part_is_400(superuser_client):
    # given
    brand = BrandFactory()
    nested: Any = 1
    for _ in range(500):
        nested = {"a": [nested]}

    # when
    response = superuser_client.post(url("campaigns"), percent_body(brand.pk, limits=nested), format="json")

    # then
    assert_error(response, 400, "invalid", fields={"limits": ["The value is nested too deeply or is too large."]})


# --- update and delete -------------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(superuser_client):
    # given
    campaign = CampaignFactory(name="Old", priority=1)
    before = superuser_client.get(url("campaigns", campaign.pk)).json()

    # when
    response = superuser_client.patch(
        url("campaigns", campaign.pk),
        {"name": "New", "mechanic": {"type": "amount_discount", "amount": "150"}},
        format="json",
    )

    # then
    assert response.status_code == 200, response.content
    after = response.json()
    assert (after["name"], after["mechanic"]) == ("New", {"type": "amount_discount", "amount": "150"})
    unchanged = set(before) - {"name", "mechanic", "updated_at"}
    assert {key: after[key] for key in unchanged} == {key: before[key] for key in unchanged}


def test_invalid_patch_is_400_and_changes_nothing(superuser_client):
    # given
    campaign = CampaignFactory(starts_at=datetime(2026, 11, 1, tzinfo=UTC))
    before = superuser_client.get(url("campaigns", campaign.pk)).json()

    # when
    response = superuser_client.patch(
        url("campaigns", campaign.pk), {"name": "New", "ends_at": "2026-10-01T00:00:00Z"}, format="json"
    )

    # then
    assert_error(response, 400, "invalid", fields={"ends_at": ["The end must be after the start."]})
    assert superuser_client.get(url("campaigns", campaign.pk)).json() == before


def test_moving_a_campaign_to_another_brand_moves_both_snapshots(superuser_client):
    # given
    campaign = CampaignFactory()
    old_brand = campaign.brand
    new_brand = BrandFactory()
    old_version = SnapshotVersion.objects.get(brand=old_brand).version

    # when
    response = superuser_client.patch(url("campaigns", campaign.pk), {"brand": new_brand.pk}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert SnapshotVersion.objects.get(brand=old_brand).version == old_version + 1
    assert SnapshotVersion.objects.get(brand=new_brand).version == 1


def test_delete_removes_the_campaign_and_moves_the_snapshot(superuser_client):
    # given
    campaign = CampaignFactory()
    version = SnapshotVersion.objects.get(brand=campaign.brand).version

    # when
    response = superuser_client.delete(url("campaigns", campaign.pk))

    # then
    assert response.status_code == 204
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
    assert SnapshotVersion.objects.get(brand=campaign.brand).version == version + 1


def test_delete_of_a_used_campaign_is_409_protected(superuser_client):
    # given
    campaign = CampaignFactory(status="active")
    CampaignUsage.objects.create(campaign=campaign, purchase_id=1, at=timezone.now(), discount=Decimal("10.00"))

    # when
    response = superuser_client.delete(url("campaigns", campaign.pk))

    # then
    assert_error(response, 409, "protected", fields={})
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_stats_sum_the_uses(superuser_client):
    # given
    campaign = CampaignFactory(status="active")
    now = timezone.now()
    CampaignUsage.objects.create(campaign=campaign, purchase_id=1, at=now, discount=Decimal("10.00"), value=10)
    CampaignUsage.objects.create(
        campaign=campaign, purchase_id=2, at=now, points=Decimal("5.50"), value=Decimal("5.50")
    )
    other = CampaignFactory()

    # when
    listed = page(superuser_client.get(url("campaigns")))["results"]
    detail = superuser_client.get(url("campaigns", campaign.pk)).json()

    # then
    expected = {"receipts": 2, "discount": "10.00", "points": "5.50", "value": "15.50"}
    assert {item["id"]: item["stats"] for item in listed} == {campaign.pk: expected, other.pk: ZERO_STATS}
    assert detail["stats"] == expected


# --- filters -----------------------------------------------------------------------------------------------


def test_filters(superuser_client):
    # given
    brand, other_brand = BrandFactory(), BrandFactory()
    now = timezone.now()
    running = CampaignFactory(brand=brand, name="Spring shampoo", status="active", combine="sequential")
    coded = CampaignFactory(brand=brand, name="Coded", status="active", requires_code=True)
    ended = CampaignFactory(brand=brand, name="Ended", status="active", starts_at=now - timedelta(days=9))
    Campaign.objects.filter(pk=ended.pk).update(ends_at=now - timedelta(days=2))
    future = CampaignFactory(brand=brand, name="Future", status="active", starts_at=now + timedelta(days=2))
    draft = CampaignFactory(brand=brand, name="Draft shampoo")
    paused = CampaignFactory(brand=other_brand, name="Paused", status="paused")

    def found(**params: Any) -> list[int]:
        return ids(superuser_client.get(url("campaigns"), params))

    # then
    assert found(brand=other_brand.pk) == [paused.pk]
    assert found(status="draft") == [draft.pk]
    assert found(combine="sequential") == [running.pk]
    assert found(requires_code="true") == [coded.pk]
    assert found(name="SHAMPOO") == [running.pk, draft.pk]
    assert found(active_at=now.isoformat()) == [running.pk, coded.pk]
    assert found(active_at=(now - timedelta(days=5)).isoformat(), brand=brand.pk) == [ended.pk]
    assert found(active_at=(now + timedelta(days=3)).isoformat()) == [running.pk, coded.pk, future.pk]
    assert_error(superuser_client.get(url("campaigns"), {"active_at": "yesterday"}), 400, "invalid")


# --- duplicate, pause, resume ------------------------------------------------------------------------------


def test_duplicate_answers_201_with_a_draft_copy_owned_by_the_caller(superuser_client, superuser):
    # given
    till, segment = shampoo_shop()
    original = CampaignFactory(
        brand=till.brand,
        name="Shampoo 1+1=3",
        status="active",
        product_segment=segment,
        mechanic={"type": "buy_n_get_m", "buy": 2, "get": 1},
        owner=UserFactory(),
    )

    # when
    response = superuser_client.post(url("campaigns", original.pk, action="duplicate"))

    # then
    assert response.status_code == 201, response.content
    copy = response.json()
    assert copy["id"] != original.pk
    assert (copy["name"], copy["status"], copy["owner"]) == ("Shampoo 1+1=3 (copy)", "draft", superuser.pk)
    assert (copy["product_segment"], copy["mechanic"]) == (segment.pk, {"type": "buy_n_get_m", "buy": 2, "get": 1})
    assert Campaign.objects.get(pk=original.pk).status == "active"


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [("pause", "active", "paused"), ("resume", "paused", "active")],
)
def test_pause_and_resume_switch_the_status(superuser_client, action, start, end):
    # given
    campaign = CampaignFactory(status=start)

    # when
    response = superuser_client.post(url("campaigns", campaign.pk, action=action, slash=True))

    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == end
    campaign.refresh_from_db()
    assert campaign.status == end


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("pause", "draft", "Only a campaign that is active can be paused; this one is draft."),
        ("pause", "finished", "Only a campaign that is active can be paused; this one is finished."),
        ("pause", "paused", "Only a campaign that is active can be paused; this one is paused."),
        ("resume", "active", "Only a campaign that is paused can be resumed; this one is active."),
        ("resume", "draft", "Only a campaign that is paused can be resumed; this one is draft."),
        ("resume", "finished", "Only a campaign that is paused can be resumed; this one is finished."),
    ],
)
def test_pause_or_resume_from_the_wrong_status_is_409(superuser_client, action, status, message):
    # given
    campaign = CampaignFactory(status=status)

    # when
    response = superuser_client.post(url("campaigns", campaign.pk, action=action))

    # then
    error = assert_error(response, 409, "invalid_status", fields={"status": [message]})
    assert error["message"] == message
    campaign.refresh_from_db()
    assert campaign.status == status


@pytest.mark.parametrize("action", ["duplicate", "pause", "resume"])
def test_actions_on_an_unknown_campaign_are_404(superuser_client, action):
    assert_error(superuser_client.post(url("campaigns", 999999, action=action)), 404, "not_found")


# --- the next POS request ----------------------------------------------------------------------------------


def test_a_campaign_created_through_the_api_applies_to_the_next_calculate(superuser_client):
    # given: a till that has already calculated (and so cached its brand's campaigns)
    till, _segment = shampoo_shop()
    assert discount_of(till) == "0.00"

    # when
    response = superuser_client.post(url("campaigns"), percent_body(till.brand.pk), format="json")

    # then
    assert response.status_code == 201, response.content
    answer = ok(calculate(till.client, {"lines": [line("SO-1", 1, "1000.00")]}))
    assert answer["totals"]["discount"] == "100.00"
    assert answer["lines"][0]["applied"] == [
        {"campaign_id": response.json()["id"], "name": "Ten off", "discount": "100.00", "points": "0.00"}
    ]


def test_a_change_through_the_api_applies_to_the_next_calculate(superuser_client):
    # given
    till, _segment = shampoo_shop()
    campaign = superuser_client.post(url("campaigns"), percent_body(till.brand.pk), format="json").json()
    assert discount_of(till) == "100.00"

    # when
    superuser_client.patch(
        url("campaigns", campaign["id"]), {"mechanic": {"type": "percent_discount", "percent": 25}}, format="json"
    )

    # then
    assert discount_of(till) == "250.00"


def test_pause_removes_the_campaign_from_the_next_calculate_and_resume_brings_it_back(superuser_client):
    # given
    till, _segment = shampoo_shop()
    campaign = superuser_client.post(url("campaigns"), percent_body(till.brand.pk), format="json").json()
    assert discount_of(till) == "100.00"

    # when / then
    assert superuser_client.post(url("campaigns", campaign["id"], action="pause")).status_code == 200
    assert discount_of(till) == "0.00"
    assert superuser_client.post(url("campaigns", campaign["id"], action="resume")).status_code == 200
    assert discount_of(till) == "100.00"


def test_a_deleted_campaign_is_gone_from_the_next_calculate(superuser_client):
    # given
    till, _segment = shampoo_shop()
    campaign = superuser_client.post(url("campaigns"), percent_body(till.brand.pk), format="json").json()
    assert discount_of(till) == "100.00"

    # when
    assert superuser_client.delete(url("campaigns", campaign["id"])).status_code == 204

    # then
    assert discount_of(till) == "0.00"


def test_a_draft_never_applies_nor_does_its_duplicate(superuser_client):
    # given
    till, _segment = shampoo_shop()
    draft = superuser_client.post(url("campaigns"), percent_body(till.brand.pk, status="draft"), format="json").json()

    # when
    superuser_client.post(url("campaigns", draft["id"], action="duplicate"))
    superuser_client.patch(url("campaigns", draft["id"]), {"priority": 50}, format="json")

    # then
    assert discount_of(till) == "0.00"


def test_activating_a_draft_by_its_status_applies_it_next(superuser_client):
    # given
    till, _segment = shampoo_shop()
    draft = superuser_client.post(url("campaigns"), percent_body(till.brand.pk, status="draft"), format="json").json()
    assert discount_of(till) == "0.00"

    # when
    superuser_client.patch(url("campaigns", draft["id"]), {"status": "active"}, format="json")

    # then
    assert discount_of(till) == "100.00"


def test_a_product_segment_change_applies_to_the_next_calculate(superuser_client):
    # given: 1+1=3 on shampoos
    till, segment = shampoo_shop()
    superuser_client.post(
        url("campaigns"), {**CONTRACT_BODY, "brand": till.brand.pk, "product_segment": segment.pk}, format="json"
    )
    basket = {"lines": [line("SH-1", 2, "300.00"), line("SO-1", 1, "240.00")]}
    assert ok(calculate(till.client, basket))["totals"]["discount"] == "0.00"

    # when: soap joins the segment
    response = superuser_client.patch(url("product-segments", segment.pk), {"skus": ["SO-1"]}, format="json")

    # then: the contract's worked example 1, the cheapest unit free
    assert response.status_code == 200, response.content
    answer = ok(calculate(till.client, basket))
    assert [item["discount"] for item in answer["lines"]] == ["0.00", "240.00"]


def test_the_contract_campaign_gives_its_hint(superuser_client):
    # given
    till, segment = shampoo_shop()
    superuser_client.post(
        url("campaigns"), {**CONTRACT_BODY, "brand": till.brand.pk, "product_segment": segment.pk}, format="json"
    )

    # when
    answer = ok(calculate(till.client, {"lines": [line("SH-1", 2, "300.00")]}))

    # then
    assert answer["messages"] == ["Add 1 more and one is free"]


# --- simulate ----------------------------------------------------------------------------------------------


def test_simulate_a_draft_as_staff(superuser_client):
    # given
    till, _segment = shampoo_shop()
    shopper = make_shopper(till)
    draft = CampaignFactory(brand=till.brand, mechanic={"type": "percent_discount", "percent": "10"})

    # when
    response = superuser_client.post(
        url("campaigns", draft.pk, action="simulate"),
        {"customer": {"contact_id": shopper.contact.pk}, "lines": [line("SO-1", 1, "1000.00")]},
        format="json",
    )

    # then
    answer = ok(response)
    assert answer["lines"][0]["discount"] == "100.00"
    assert answer["totals"]["discount"] == "100.00"
    assert discount_of(till) == "0.00"


def test_simulate_is_refused_to_registers_and_non_staff(api_client):
    # given
    till, _segment = shampoo_shop()
    draft = CampaignFactory(brand=till.brand)
    body = {"lines": [line("SO-1", 1, "1000.00")]}
    customer = token_client(UserFactory(is_staff=False))

    # when
    anonymous = api_client.post(url("campaigns", draft.pk, action="simulate"), body, format="json")
    register = till.client.post(url("campaigns", draft.pk, action="simulate"), body, format="json")
    not_staff = customer.post(url("campaigns", draft.pk, action="simulate"), body, format="json")

    # then
    assert_error(anonymous, 401, "not_authenticated")
    assert register.status_code in (401, 403)
    assert_error(not_staff, 403, "permission_denied")


# --- product segments --------------------------------------------------------------------------------------


def test_create_a_product_segment(superuser_client):
    # given
    brand = BrandFactory()
    hair = CategoryFactory(name="Hair")

    # when
    response = superuser_client.post(
        url("product-segments"),
        {"brand": brand.pk, "name": "Hair", "skus": [" A-2 ", "A-1", "A-1"], "categories": [hair.pk]},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    created = response.json()
    assert assert_timestamps(created) == {
        "id": created["id"],
        "brand": brand.pk,
        "name": "Hair",
        "skus": ["A-1", "A-2"],
        "categories": [hair.pk],
        "exclude_skus": [],
    }
    assert superuser_client.get(url("product-segments", created["id"])).json() == created


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"categories": [999999]}, {"categories": ["Unknown ids: 999999."]}),
        ({"categories": ["x"]}, {"categories": {"0": ["A valid integer is required."]}}),
        ({"skus": "A-1"}, {"skus": ['Expected a list of items but got type "str".']}),
        ({"skus": ["x" * 65]}, {"skus": {"0": ["Ensure this field has no more than 64 characters."]}}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
    ],
    ids=["unknown-category", "category-not-id", "skus-not-list", "sku-too-long", "name"],
)
def test_invalid_product_segment_is_400(superuser_client, body, fields):
    # given
    brand = BrandFactory()

    # when
    response = superuser_client.post(url("product-segments"), {"brand": brand.pk, "name": "S", **body}, format="json")

    # then
    assert_error(response, 400, "invalid", fields=fields)
    assert not ProductSegment.objects.exists()


def test_preview_counts_descendant_categories_and_leaves_out_exclusions(superuser_client):
    # given: Hair › Shampoo › Kids and Hair › Soap; the segment is Shampoo (and below) plus one soap, minus one SKU
    brand = BrandFactory()
    hair = CategoryFactory(name="Hair")
    shampoo = CategoryFactory(name="Shampoo", parent=hair)
    kids = CategoryFactory(name="Kids", parent=shampoo)
    soap = CategoryFactory(name="Soap", parent=hair)
    ProductFactory(brand=brand, sku="SH-1", category=shampoo)
    ProductFactory(brand=brand, sku="SH-2", category=shampoo)
    kid = ProductFactory(brand=brand, sku="KID-1", name="Kids shampoo", category=kids)
    ProductFactory(brand=brand, sku="SO-1", category=soap)
    ProductFactory(brand=brand, sku="SO-2", category=soap)
    ProductFactory(brand=BrandFactory(), sku="SH-9", category=shampoo)
    segment = ProductSegmentFactory(brand=brand, categories=[shampoo], skus=["SO-1"], exclude_skus=["SH-2"])

    # when
    response = superuser_client.get(url("product-segments", segment.pk, action="preview"))

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [product["sku"] for product in body["sample"]] == ["KID-1", "SH-1", "SO-1"]
    assert body["sample"][0] == superuser_client.get(url("products", kid.pk)).json()


def test_preview_sample_is_the_first_twenty(superuser_client):
    # given
    brand = BrandFactory()
    category = CategoryFactory()
    for n in range(25):
        ProductFactory(brand=brand, sku=f"P-{n:02d}", category=category)
    segment = ProductSegmentFactory(brand=brand, categories=[category])

    # when
    body = superuser_client.get(url("product-segments", segment.pk, action="preview")).json()

    # then
    assert body["count"] == 25
    assert [product["sku"] for product in body["sample"]] == [f"P-{n:02d}" for n in range(20)]


def test_a_product_segment_in_use_keeps_its_brand_and_cannot_be_deleted(superuser_client):
    # given
    segment = ProductSegmentFactory(skus=["A"])
    CampaignFactory(brand=segment.brand, product_segment=segment)

    # when
    moved = superuser_client.patch(url("product-segments", segment.pk), {"brand": BrandFactory().pk}, format="json")
    deleted = superuser_client.delete(url("product-segments", segment.pk))

    # then
    assert_error(
        moved, 400, "invalid", fields={"brand": ["Campaigns use this product segment: its brand cannot change."]}
    )
    assert_error(deleted, 409, "protected")


def test_product_segment_filters(superuser_client):
    # given
    brand = BrandFactory()
    category = CategoryFactory()
    hair = ProductSegmentFactory(brand=brand, name="Hair care", categories=[category])
    ProductSegmentFactory(brand=brand, name="Soap")
    other = ProductSegmentFactory(name="Hair elsewhere")

    # then
    assert ids(superuser_client.get(url("product-segments"), {"brand": brand.pk, "name": "hair"})) == [hair.pk]
    assert ids(superuser_client.get(url("product-segments"), {"category": category.pk})) == [hair.pk]
    assert ids(superuser_client.get(url("product-segments"), {"name": "elsewhere"})) == [other.pk]


# --- scoping -----------------------------------------------------------------------------------------------


@pytest.fixture
def campaign_manager(manager):
    grant_app_permissions(manager, ("campaigns",))
    return manager


@pytest.fixture
def campaign_manager_client(campaign_manager):
    return token_client(campaign_manager)


def test_manager_sees_and_changes_only_their_brands_campaigns(campaign_manager_client, manager_brand):
    # given
    mine = CampaignFactory(brand=manager_brand, status="active")
    theirs = CampaignFactory(status="active")

    # when
    listed = ids(campaign_manager_client.get(url("campaigns")))

    # then
    assert listed == [mine.pk]
    for response in (
        campaign_manager_client.get(url("campaigns", theirs.pk)),
        campaign_manager_client.patch(url("campaigns", theirs.pk), {"name": "x"}, format="json"),
        campaign_manager_client.delete(url("campaigns", theirs.pk)),
        campaign_manager_client.post(url("campaigns", theirs.pk, action="pause")),
        campaign_manager_client.post(url("campaigns", theirs.pk, action="duplicate")),
        campaign_manager_client.post(
            url("campaigns", theirs.pk, action="simulate"), {"lines": [line("A", 1, "1")]}, format="json"
        ),
    ):
        assert_error(response, 404, "not_found")
    assert Campaign.objects.get(pk=theirs.pk).status == "active"
    assert campaign_manager_client.post(url("campaigns", mine.pk, action="pause")).status_code == 200


def test_manager_cannot_reference_another_brands_objects(campaign_manager_client, manager_brand):
    # given
    other_brand = BrandFactory()
    their_segment = ProductSegmentFactory(brand=other_brand, skus=["A"])

    # when
    to_their_brand = campaign_manager_client.post(url("campaigns"), percent_body(other_brand.pk), format="json")
    with_their_segment = campaign_manager_client.post(
        url("campaigns"), percent_body(manager_brand.pk, product_segment=their_segment.pk), format="json"
    )
    segment_of_their_brand = campaign_manager_client.post(
        url("product-segments"), {"brand": other_brand.pk, "name": "S"}, format="json"
    )

    # then
    assert_error(
        to_their_brand, 400, "invalid", fields={"brand": [f'Invalid pk "{other_brand.pk}" - object does not exist.']}
    )
    assert_error(
        with_their_segment,
        400,
        "invalid",
        fields={"product_segment": [f'Invalid pk "{their_segment.pk}" - object does not exist.']},
    )
    assert_error(
        segment_of_their_brand,
        400,
        "invalid",
        fields={"brand": [f'Invalid pk "{other_brand.pk}" - object does not exist.']},
    )
    assert not Campaign.objects.exists()


def test_manager_sees_only_their_brands_product_segments(campaign_manager_client, manager_brand):
    # given
    mine = ProductSegmentFactory(brand=manager_brand)
    theirs = ProductSegmentFactory()

    # then
    assert ids(campaign_manager_client.get(url("product-segments"))) == [mine.pk]
    assert_error(campaign_manager_client.get(url("product-segments", theirs.pk, action="preview")), 404, "not_found")


def test_staff_without_campaign_permissions_is_403(manager_client, manager_brand):
    # given: the manager fixture holds contacts and loyalty permissions only
    campaign = CampaignFactory(brand=manager_brand, status="active")

    # then
    assert_error(manager_client.get(url("campaigns")), 403, "permission_denied")
    assert_error(manager_client.post(url("campaigns", campaign.pk, action="pause")), 403, "permission_denied")
    assert_error(manager_client.get(url("product-segments")), 403, "permission_denied")


def test_view_permission_alone_cannot_pause_or_duplicate(manager_brand):
    # given
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_campaign"))
    manager_brand.managers.add(user)
    client = token_client(user)
    campaign = CampaignFactory(brand=manager_brand, status="active")

    # then
    assert client.get(url("campaigns", campaign.pk)).status_code == 200
    assert_error(client.post(url("campaigns", campaign.pk, action="pause")), 403, "permission_denied")
    assert_error(client.post(url("campaigns", campaign.pk, action="duplicate")), 403, "permission_denied")


def test_the_register_key_is_not_a_staff_credential(api_client):
    # given
    register = RegisterFactory(store=StoreFactory())

    # when
    response = pos_client(register).get(url("campaigns"))

    # then
    assert response.status_code in (401, 403)
