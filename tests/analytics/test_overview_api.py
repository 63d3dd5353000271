"""`GET /api/v1/analytics/overview`: every figure hand-computed on the world of `summaries_support` (a partial and a
full refund, a redemption, an anonymous receipt on the next local day of a store two hours ahead, a campaign's
discount, the previous period, another brand's receipt left out), for unlimited and brand-limited staff."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from analytics.summaries.contacts import contact_counts
from analytics.summaries.refresh import summaries_refresh
from analytics.summaries.scope import Period, Scope
from tests.analytics.distinct_reference import counted_per_group
from tests.analytics.summaries_support import build_world
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/overview"


def staff_client(**fields):
    user = UserFactory(is_staff=True, is_superuser=True, **fields)
    client = APIClient()
    client.force_authenticate(user)
    return client


def manager_client(*brands):
    from django.contrib.auth.models import Group

    from access.roles import sync_roles

    sync_roles()
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="analyst"))
    for brand in brands:
        brand.managers.add(user)
    client = APIClient()
    client.force_authenticate(user)
    return client


def period(world, first=0, last=1):
    return {
        "from": (world.day + timedelta(days=first)).isoformat(),
        "to": (world.day + timedelta(days=last)).isoformat(),
    }


def test_the_overview_of_a_brand_and_its_previous_period():
    # given
    world = build_world()
    # when
    answer = staff_client().get(URL, {"brand": world.brand.pk, **period(world)})
    # then
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert {key: body[key] for key in body if key not in ("previous", "from", "to")} == {
        "revenue": "2330.00",  # 1000 + (500 - 100 points) + (500 - 200 refunded) + (700 - 70 off)
        "receipts": 4,  # Bob's 100.00 refunded in full is no receipt
        "average_receipt": "582.50",
        "identified_share": 0.75,
        "active_contacts": 2,  # Ann and Bob
        "new_contacts": 2,  # Carl bought the day before
        "points_accrued": "170.00",  # Ann 100 + 40, Bob 50 - 20 revoked
        "points_redeemed": "100.00",
        "discount": "70.00",
    }
    assert body["previous"] == {
        "revenue": "250.00",
        "receipts": 1,
        "average_receipt": "250.00",
        "identified_share": 1.0,
        "active_contacts": 1,
        "new_contacts": 1,
        "points_accrued": "25.00",
        "points_redeemed": "0.00",
        "discount": "0.00",
    }
    assert (body["from"], body["to"]) == (world.day.isoformat(), (world.day + timedelta(days=1)).isoformat())


def test_rows_per_store_register_and_day():
    # given
    world = build_world()
    client = staff_client()
    # when
    by_store = client.get(URL, {"brand": world.brand.pk, "group_by": "store", **period(world)}).json()["rows"]
    by_register = client.get(URL, {"brand": world.brand.pk, "group_by": "register", **period(world)}).json()["rows"]
    by_day = client.get(URL, {"brand": world.brand.pk, "group_by": "day", **period(world)}).json()["rows"]
    # then
    assert [
        (row["store"], row["revenue"], row["receipts"], row["active_contacts"], row["new_contacts"]) for row in by_store
    ] == [
        (world.moscow.pk, "1700.00", 3, 2, 2),
        (world.yekaterinburg.pk, "630.00", 1, 0, 0),
    ]
    assert [(row["register"], row["revenue"], row["active_contacts"], row["new_contacts"]) for row in by_register] == [
        (world.m1.pk, "1300.00", 2, 2),
        (world.m2.pk, "400.00", 1, 0),  # Ann's first receipt was at M1, that morning
        (world.e1.pk, "630.00", 0, 0),
    ]
    assert [(row["day"], row["revenue"], row["receipts"], row["discount"]) for row in by_day] == [
        (world.day.isoformat(), "1700.00", 3, "0.00"),
        ((world.day + timedelta(days=1)).isoformat(), "630.00", 1, "70.00"),
    ]


def test_every_brand_for_unlimited_staff_who_name_none():
    # given
    world = build_world()
    # when
    body = staff_client().get(URL, period(world)).json()
    # then: Dan's 999.00 at the other brand joins
    assert (body["revenue"], body["receipts"], body["active_contacts"], body["new_contacts"]) == ("3329.00", 5, 3, 3)


def test_a_brand_manager_names_their_brand_and_sees_no_other():
    # given
    world = build_world()
    client = manager_client(world.brand)
    # when
    mine = client.get(URL, {"brand": world.brand.pk, **period(world)})
    theirs = client.get(URL, {"brand": world.other.pk, **period(world)})
    unnamed = client.get(URL, period(world))
    # then
    assert mine.status_code == 200
    assert mine.json()["revenue"] == "2330.00"
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "not_found"
    assert unnamed.status_code == 400
    assert unnamed.json()["error"]["code"] == "brand_required"


def test_the_default_period_is_the_last_365_days_up_to_today():
    # given
    world = build_world()
    # when
    body = staff_client().get(URL, {"brand": world.brand.pk}).json()
    # then
    assert (body["revenue"], body["receipts"]) == ("2580.00", 5)
    assert body["previous"]["receipts"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"group_by": "week"}, "group_by"),
        ({"brand": "x"}, "brand"),
        ({"window_days": "0"}, "window_days"),
    ],
)
def test_bad_queries_are_400_with_the_field(query, field):
    answer = staff_client().get(URL, query)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_the_same_table_as_csv_and_xlsx():
    # given
    world = build_world()
    client = staff_client()
    query = {"brand": world.brand.pk, "group_by": "store", **period(world)}
    # when
    csv = client.get(URL, {**query, "format": "csv"})
    xlsx = client.get(URL, {**query, "format": "xlsx"})
    # then
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeffstore,name,revenue,receipts,average_receipt")
    assert f"{world.moscow.pk},{world.moscow.name},1700.00,3,566.67" in text
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("one_brand", [True, False])
def test_the_packs_count_what_a_query_per_group_counts(one_brand):
    # given: the world, one brand's scope or every brand's, every group, a period and its previous one with receipts
    world = build_world()
    summaries_refresh()
    scope = Scope(brands=[world.brand.pk] if one_brand else None)
    periods = [Period(first=world.day, last=world.day + timedelta(days=1)), Period(first=world.day, last=world.day)]
    groups = ("store", "register", "day")
    for chosen in periods:
        # when
        packed = contact_counts(scope, chosen, groups)
        per_group = counted_per_group(scope, chosen, groups)
        # then: the same figures, zeros aside
        assert {key: n for key, n in packed.active.items() if n} == {k: n for k, n in per_group.active.items() if n}
        assert {key: n for key, n in packed.new.items() if n} == {k: n for k, n in per_group.new.items() if n}
        assert (packed.previous_active, packed.previous_new) == (per_group.previous_active, per_group.previous_new)
    one_day = contact_counts(scope, periods[1], groups)
    assert one_day.active[(None, None)] == (2 if one_brand else 3)  # Ann and Bob on D (and Dan at the other brand)
    assert one_day.previous_new == 1  # Carl on D-1
    assert one_day.active[("store", world.moscow.pk)] == 2
    assert one_day.active[("register", world.m2.pk)] == 1
