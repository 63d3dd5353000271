"""`POST /segments/preview`, `POST /segments/{id}/recompute` and `GET /segments/{id}/members` over rules: counts,
samples, field errors in the contract's shape, scoping."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper
from django.db.models.expressions import RawSQL

from campaigns.models import SegmentMember
from campaigns.segments import selectors
from tests.campaigns.segment_support import make_shop, member, purchase
from tests.conftest import grant_app_permissions, token_client
from tests.factories import ProgramFactory, SegmentFactory, UserFactory
from tests.helpers import assert_error, page, url
from tests.loyalty.pos_support import ok

pytestmark = pytest.mark.django_db

MOSCOW = {"all": [{"field": "city", "op": "eq", "value": "Moscow"}]}
PREVIEW = url("segments", action=None) + "/preview"


@pytest.fixture
def shop():
    return make_shop()


def test_preview_counts_and_samples_without_saving(superuser_client, shop):
    # given
    first, second = member(shop, city="Moscow"), member(shop, city="Moscow")
    member(shop, city="Kazan")

    # when
    response = superuser_client.post(PREVIEW, {"program": shop.program.pk, "rules": MOSCOW}, format="json")
    slashed = superuser_client.post(PREVIEW + "/", {"program": shop.program.pk, "rules": MOSCOW}, format="json")

    # then
    body = ok(response)
    assert body["count"] == 2
    assert [item["id"] for item in body["sample"]] == [first.pk, second.pk]
    assert body["sample"][0] == {
        "id": first.pk,
        "phone": first.phone,
        "email": first.email,
        "first_name": first.first_name,
        "last_name": first.last_name,
        "entered_at": None,
    }
    assert ok(slashed) == body
    assert not SegmentMember.objects.exists()


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"all": [{"field": "shoe_size", "op": "eq", "value": 1}]}, "all[0]: 'field' is one of "),
        ({"not": [MOSCOW]}, 'not: "not" takes one condition or group.'),
        ({"all": [{"field": "city", "op": "gt", "value": "A"}]}, "all[0]: 'op' is one of eq, ne, in."),
        ({"all": [{"field": "age", "op": "gt", "value": 3, "window_days": 3}]}, "all[0]: Unknown keys: window_days."),
        ({"all": [{"field": "event", "op": "eq", "value": "Bad Type"}]}, "all[0]: An event type is 1 to 64"),
        ({"any": [{"field": "in_segment", "op": "eq", "value": 999999}]}, "any[0]: No segment 999999 in this"),
        ({"all": [{"field": "bought_category", "op": "eq", "value": 999999}]}, "all[0]: No category 999999."),
        ({"all": [{"field": "store", "op": "in", "value": [999999]}]}, "all[0]: No store 999999 in this program."),
        ({"all": [{"field": "tier", "op": "eq", "value": "Platinum"}]}, "all[0]: No tier Platinum in this program."),
        ({"all": [{"field": "gender", "op": "eq", "value": "other"}]}, "all[0]: 'gender' is one of "),
        ({"all": [{"field": "city", "op": "eq", "value": "A\x00"}]}, "all[0]: 'city' is compared with a text"),
    ],
)
def test_preview_refuses_bad_rules_on_the_rules_field(superuser_client, shop, rules, message):
    response = superuser_client.post(PREVIEW, {"program": shop.program.pk, "rules": rules}, format="json")

    error = assert_error(response, 400, "invalid")
    assert list(error["fields"]) == ["rules"]
    assert error["fields"]["rules"][0].startswith(message), error


def test_a_segment_of_another_program_cannot_be_read(superuser_client, shop):
    # given
    foreign = SegmentFactory(program=ProgramFactory())

    # when
    rules = {"all": [{"field": "in_segment", "op": "eq", "value": foreign.pk}]}
    response = superuser_client.post(PREVIEW, {"program": shop.program.pk, "rules": rules}, format="json")

    # then
    assert_error(response, 400, "invalid", fields={"rules": [f"all[0]: No segment {foreign.pk} in this program."]})


def test_recompute_and_members_with_entered_at(superuser_client, shop):
    # given
    buyer, idle = member(shop), member(shop)
    purchase(shop, buyer, days_ago=0)
    segment = SegmentFactory(
        program=shop.program, rules={"all": [{"field": "purchases_count", "op": "gte", "value": 1}]}
    )

    # when
    recomputed = superuser_client.post(url("segments", segment.pk, action="recompute"))
    members = page(superuser_client.get(url("segments", segment.pk, action="members")))

    # then
    assert ok(recomputed) == {"size": 1}
    assert [item["id"] for item in members["results"]] == [buyer.pk]
    assert members["results"][0]["entered_at"] is not None
    assert idle.pk not in [item["id"] for item in members["results"]]


def test_the_schedule_is_saved(superuser_client, shop):
    # when
    response = superuser_client.post(
        url("segments"),
        {"name": "S", "program": shop.program.pk, "rules": MOSCOW, "recompute_minutes": 15},
        format="json",
    )
    refused = superuser_client.post(
        url("segments"),
        {"name": "S", "program": shop.program.pk, "rules": MOSCOW, "recompute_minutes": -1},
        format="json",
    )

    # then
    assert response.status_code == 201, response.content
    assert response.json()["recompute_minutes"] == 15
    assert_error(refused, 400, "invalid")


def test_a_manager_previews_only_their_programs(manager, manager_brand, shop):
    # given
    grant_app_permissions(manager, ("campaigns",))
    client = token_client(manager)
    member(shop, city="Moscow")

    # when
    theirs = client.post(PREVIEW, {"program": shop.program.pk, "rules": MOSCOW}, format="json")
    mine = client.post(PREVIEW, {"program": manager_brand.program.pk, "rules": MOSCOW}, format="json")

    # then
    assert_error(
        theirs, 400, "invalid", fields={"program": [f'Invalid pk "{shop.program.pk}" - object does not exist.']}
    )
    assert ok(mine) == {"count": 0, "sample": []}


def test_preview_needs_the_segments_and_the_contacts_view_permissions(manager_brand):
    # given
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_segment"))
    manager_brand.managers.add(user)
    client = token_client(user)
    body = {"program": manager_brand.program.pk, "rules": MOSCOW}

    # then
    assert_error(client.post(PREVIEW, body, format="json"), 403, "permission_denied")
    user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client = token_client(user)
    assert client.post(PREVIEW, body, format="json").status_code == 200


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's")
def test_rules_too_slow_to_count_are_refused_on_the_rules_field(superuser_client, shop, monkeypatch):
    # given: a preview allowed 50 ms, and a count that needs more
    monkeypatch.setattr("campaigns.segments.selectors.PREVIEW_TIMEOUT_MS", 50)
    slow = ExpressionWrapper(
        RawSQL("(SELECT count(*) FROM generate_series(1, 50000000)) > 0", []), output_field=BooleanField()
    )
    compiled = selectors.segment_contacts
    monkeypatch.setattr(selectors, "segment_contacts", lambda *args, **kwargs: compiled(*args, **kwargs).filter(slow))
    member(shop, city="Moscow")

    # when
    response = superuser_client.post(PREVIEW, {"program": shop.program.pk, "rules": MOSCOW}, format="json")

    # then: refused, and the time limit is gone with the preview
    assert_error(
        response,
        400,
        "invalid",
        fields={"rules": ["These rules take too long to count; use fewer or narrower conditions."]},
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)
