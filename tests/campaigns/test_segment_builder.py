"""The segment page's visual rule builder, server side: the fields it is drawn from (declared once in
`campaigns/segments/fields.py`), the program's lists it offers (only what the user sees), the page's configuration,
and the shortcuts that put a saved segment to use. The builder in a browser: tests/e2e/test_segment_builder_browser.py.
"""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from campaigns.admin.segment_builder import segment_uses
from campaigns.segments.builder import builder_fields, builder_options
from campaigns.segments.fields import EVENT_TYPES, FIELDS
from contacts.services.events import SYSTEM_EVENTS
from tests.access.world import brand_manager
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ProgramFactory,
    SegmentFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OPTIONS_URL = "/admin/campaigns/segment/builder-options/"


def page_config(html: str) -> dict:
    start = html.index('<script id="segment-builder-config" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_the_builder_offers_every_rule_field_once_with_its_operators_keys_and_choices():
    # when
    with translation.override("en"):
        sections = builder_fields()

    # then
    offered = {spec["name"]: spec for section in sections for spec in section["fields"]}
    assert sorted(offered) == sorted(FIELDS)
    assert sum(len(section["fields"]) for section in sections) == len(FIELDS)
    assert offered["purchases_count"]["ops"] == ["eq", "ne", "gt", "gte", "lt", "lte", "in"]
    assert offered["purchases_count"]["keys"] == {"window_days": 365}
    assert offered["points_expiring"]["keys"] == {"days": 30}
    assert offered["event"]["keys"] == {"window_days": 365, "sku": None}
    assert offered["has_email"]["ops"] == ["eq", "ne"]
    assert offered["gender"]["choices"] == [["", "unknown"], ["male", "male"], ["female", "female"]]
    assert offered["rfm"]["suggestions"][0] == ["champions", "Champions"]
    assert {name: spec["refersTo"] for name, spec in offered.items() if spec["refersTo"]} == {
        "bought_category": "categories",
        "store": "stores",
        "tier": "tiers",
        "in_segment": "segments",
    }


def test_every_event_the_product_records_is_offered_with_a_label():
    offered = {value for value, _label in EVENT_TYPES}
    assert set(SYSTEM_EVENTS) <= offered
    assert {"product_viewed", "cart_abandoned", "page_viewed"} <= offered


def test_the_labels_are_russian_on_a_russian_page():
    with translation.override("ru"):
        sections = builder_fields()
    assert sections[0]["label"] == "Покупки"


def test_the_lists_are_the_programs_and_as_far_as_the_user_sees():
    # given: a program of two brands; the manager works for one of them
    program = ProgramFactory()
    mine, theirs = BrandFactory(program=program, name="Mine"), BrandFactory(program=program, name="Theirs")
    StoreFactory(brand=mine, name="Main street")
    StoreFactory(brand=theirs, name="Mall")
    StoreFactory(name="Elsewhere")  # another program's
    gold = TierFactory(program=program, name="Gold", min_spend=Decimal("1000"))
    bronze = TierFactory(program=program, name="Bronze", min_spend=Decimal("0"))
    TierFactory(name="Other program's")
    this = SegmentFactory(program=program, name="This one", rules={"all": []})
    other = SegmentFactory(program=program, name="Another", rules={"all": []})
    hair = CategoryFactory(name="Hair")
    CategoryFactory(name="Shampoo", parent=hair)
    CategoryFactory(name="Conditioner", parent=hair)
    body = CategoryFactory(name="Body")
    manager = brand_manager(mine)

    # when
    options = builder_options(user=manager, program=program, segment_id=this.pk)

    # then: tiers by spend, only the manager's stores, not the segment itself, the tree in reading order
    assert options["tiers"] == [{"id": bronze.pk, "name": "Bronze"}, {"id": gold.pk, "name": "Gold"}]
    assert [store["name"] for store in options["stores"]] == ["Main street"]
    assert options["segments"] == [{"id": other.pk, "name": "Another"}]
    assert [(item["name"], item["depth"]) for item in options["categories"]] == [
        ("Body", 0),
        ("Hair", 0),
        ("Conditioner", 1),
        ("Shampoo", 1),
    ]
    assert options["categories"][0]["id"] == body.pk


def test_stores_name_their_brand_when_the_program_has_several():
    program = ProgramFactory()
    StoreFactory(brand=BrandFactory(program=program, name="Beauty"), name="Main street")
    StoreFactory(brand=BrandFactory(program=program, name="Home"), name="Mall")
    admin = UserFactory(is_staff=True, is_superuser=True)

    options = builder_options(user=admin, program=program)

    assert [store["name"] for store in options["stores"]] == ["Beauty · Main street", "Home · Mall"]


def test_the_options_url_answers_for_the_users_programs_only(client):
    # given
    mine = BrandFactory()
    theirs = BrandFactory()
    TierFactory(program=mine.program, name="Gold")
    client.force_login(brand_manager(mine))

    # when
    found = client.get(OPTIONS_URL, {"program": mine.program.pk})
    refused = client.get(OPTIONS_URL, {"program": theirs.program.pk})
    nonsense = client.get(OPTIONS_URL, {"program": "x"})

    # then
    assert found.status_code == 200
    assert [tier["name"] for tier in found.json()["tiers"]] == ["Gold"]
    assert (refused.status_code, nonsense.status_code) == (404, 404)


def test_the_options_url_needs_a_permission_on_segments(client):
    brand = BrandFactory()
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_campaign"))
    brand.managers.add(user)
    client.force_login(user)

    assert client.get(OPTIONS_URL, {"program": brand.program.pk}).status_code == 403


def test_the_add_page_carries_the_builder_with_the_only_program_chosen(admin_client):
    # given
    program = ProgramFactory()
    TierFactory(program=program, name="Gold")

    # when
    html = admin_client.get("/admin/campaigns/segment/add/").content.decode()

    # then: the program is chosen, its lists and the fields travel with the page, the rules start empty
    config = page_config(html)
    assert config["program"] == program.pk
    assert [tier["name"] for tier in config["options"]["tiers"]] == ["Gold"]
    assert config["previewUrl"] == "/api/v1/segments/preview"
    assert config["fields"] == {"program": "id_program", "rules": "id_rules"}
    assert {spec["name"] for section in config["sections"] for spec in section["fields"]} == set(FIELDS)
    assert "campaigns/segment_builder.js" in html
    assert "{&quot;all&quot;: []}" in html


def test_a_form_sent_back_offers_the_posted_programs_lists(admin_client):
    # given: two programs; the rules refer to a tier the program does not have
    ProgramFactory()
    chosen = ProgramFactory()
    TierFactory(program=chosen, name="Silver")
    rules = {"all": [{"field": "tier", "op": "eq", "value": 999999}]}

    # when
    response = admin_client.post(
        "/admin/campaigns/segment/add/",
        {"name": "Silver", "program": chosen.pk, "rules": json.dumps(rules), "recompute_minutes": 60},
    )

    # then: refused, with the error saying where (the builder puts it at the row), and the chosen program's lists
    html = response.content.decode()
    assert response.status_code == 200
    assert "all[0]: No tier 999999 in this program." in html
    assert [tier["name"] for tier in page_config(html)["options"]["tiers"]] == ["Silver"]


def test_a_saved_segment_links_a_campaign_for_its_members_and_a_message_when_a_contact_enters():
    # given
    brand = BrandFactory()
    segment = SegmentFactory(program=brand.program, name="Sleepers", rules={"all": []})

    # when
    with translation.override("en"):
        campaign, trigger = segment_uses(segment)

    # then
    assert campaign["url"].startswith("/admin/campaigns/campaign/add/?")
    assert parse_qs(urlsplit(campaign["url"]).query) == {
        "audience_type": ["segment"],
        "audience_segment": [str(segment.pk)],
        "brand": [str(brand.pk)],
    }
    assert parse_qs(urlsplit(trigger["url"]).query) == {
        "name": ["Entered “Sleepers”"],
        "event": ["segment_entered"],
        "conditions": [json.dumps({"segment": segment.pk})],
        "brand": [str(brand.pk)],
    }


def test_the_brand_is_left_to_choose_when_the_program_has_several():
    program = ProgramFactory()
    BrandFactory(program=program)
    BrandFactory(program=program)
    segment = SegmentFactory(program=program, rules={"all": []})

    campaign, _trigger = segment_uses(segment)

    assert "brand" not in parse_qs(urlsplit(campaign["url"]).query)


def test_the_trigger_page_opens_filled_in_from_the_segments_link(admin_client):
    # given
    brand = BrandFactory()
    segment = SegmentFactory(program=brand.program, name="Sleepers", rules={"all": []})
    _campaign, trigger = segment_uses(segment)

    # when
    html = admin_client.get(trigger["url"]).content.decode()

    # then: the conditions are the JSON object, not a string of it
    assert f"{{&quot;segment&quot;: {segment.pk}}}" in html
    assert 'value="segment_entered"' in html


def test_conditions_that_do_not_parse_are_left_out_of_the_trigger_page(admin_client):
    response = admin_client.get("/admin/messaging/trigger/add/", {"conditions": "{nope"})
    assert response.status_code == 200
    assert "{nope" not in response.content.decode()
