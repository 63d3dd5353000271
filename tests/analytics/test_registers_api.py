"""`GET /api/v1/analytics/registers`: receipts by register × weekday × hour in the store's local time, zeros
included, and the store's quiet hours, on the world of `summaries_support`."""

from datetime import timedelta

import pytest

from tests.analytics.summaries_support import build_world
from tests.analytics.test_overview_api import manager_client, period, staff_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/registers"


def nonzero(rows):
    return {(row["register"], row["weekday"], row["hour"]): row["receipts"] for row in rows if row["receipts"]}


def test_receipts_by_register_weekday_and_hour_of_a_store():
    # given
    world = build_world()
    day, before = world.day.isoweekday(), (world.day - timedelta(days=1)).isoweekday()
    # when
    answer = staff_client().get(URL, {"store": world.moscow.pk, **period(world, -1, 1)})
    # then
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert len(body["rows"]) == 2 * 7 * 24
    assert nonzero(body["rows"]) == {
        (world.m1.pk, before, 9): 1,  # Carl
        (world.m1.pk, day, 10): 1,  # Ann
        (world.m1.pk, day, 11): 1,  # Bob (his refunded receipt the next day is none)
        (world.m2.pk, day, 15): 1,  # Ann
    }
    assert [(row["weekday"], row["hour"], row["receipts"], row["share"]) for row in body["quiet_hours"]] == sorted(
        [(before, 9, 1, 1.0), (day, 10, 1, 1.0), (day, 11, 1, 1.0), (day, 15, 1, 1.0)],
        key=lambda cell: (cell[2], cell[0], cell[1]),
    )


def test_a_brand_s_registers_in_each_store_s_local_time():
    # given
    world = build_world()
    # when
    body = staff_client().get(URL, {"brand": world.brand.pk, **period(world, 0, 1)}).json()
    # then: the anonymous receipt at 23:30 Moscow time is at 01:30 the next day in Yekaterinburg
    assert len(body["rows"]) == 3 * 7 * 24
    assert nonzero(body["rows"])[(world.e1.pk, (world.day + timedelta(days=1)).isoweekday(), 1)] == 1


def test_a_brand_manager_sees_their_stores_only():
    # given
    world = build_world()
    client = manager_client(world.brand)
    other_store = world.other.stores.get()
    # when
    mine = client.get(URL, {"store": world.moscow.pk})
    theirs = client.get(URL, {"store": other_store.pk})
    # then
    assert mine.status_code == 200
    assert theirs.status_code == 404


def test_the_cells_as_csv():
    world = build_world()
    answer = staff_client().get(URL, {"store": world.moscow.pk, "format": "csv", **period(world, 0, 0)})
    lines = answer.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeffregister,store,code,weekday,hour,receipts"
    assert len(lines) == 1 + 2 * 7 * 24
