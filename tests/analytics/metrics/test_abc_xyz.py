"""ABC classes at their boundaries, XYZ from weekly units with empty weeks, worked out by hand."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.metrics.abc_xyz import abc_classes, abc_xyz_table, window_weeks
from analytics.metrics.base import Period
from tests.analytics.metrics.support import buy, contact, refund, shop
from tests.conftest import token_client
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(datetime(2026, 6, 1))  # four whole ISO weeks: 1, 8, 15 and 22 June
FOUR_WEEKS = Period(start=MONDAY, end=MONDAY + timedelta(weeks=4))


@pytest.mark.parametrize(
    ("revenues", "classes"),
    [
        # 500 + 300 reach exactly 80 %: both A; the next starts at 80 % (B); 60 crosses 95 % (B); the rest C
        ([500, 300, 100, 60, 40], ["A", "A", "B", "B", "C"]),
        # 200 crosses 80 % (700 → 900): A all the same; 100 starts at 90 %: B
        ([700, 200, 100], ["A", "A", "B"]),
        # one product has everything
        ([1000], ["A"]),
        # 950 crosses 80 %; 50 starts at exactly 95 %: C
        ([790, 160, 50], ["A", "A", "C"]),
    ],
)
def test_abc_classes_at_the_boundaries(revenues, classes):
    assert abc_classes([Decimal(value) for value in revenues]) == classes


def test_the_weeks_of_a_window_are_the_iso_weeks_it_touches():
    assert len(window_weeks(FOUR_WEEKS)) == 4
    tuesday_to_tuesday = Period(start=MONDAY + timedelta(days=1), end=MONDAY + timedelta(days=8, hours=1))
    assert window_weeks(tuesday_to_tuesday) == [MONDAY.date(), MONDAY.date() + timedelta(weeks=1)]


WEEKLY = {
    # sku: units in each of the four weeks (0: no sale that week) → cv, xyz
    "STEADY": (["10", "10", "10", "10"], 0.0, "X"),
    "EDGE-X": (["11", "9", "11", "9"], 0.1, "X"),  # σ = 1, mean 10: exactly 0.10
    "WOBBLY": (["10", "12", "8", "10"], 0.1414, "Y"),  # σ² = 8 / 4 = 2
    "EDGE-Y": (["12.5", "7.5", "12.5", "7.5"], 0.25, "Y"),  # σ = 2.5: exactly 0.25
    "ONCE": (["20", "0", "0", "0"], 1.7321, "Z"),  # mean 5, σ² = (225 + 3 × 25) / 4 = 75
}


def test_xyz_from_units_per_week_with_empty_weeks_counting_zero():
    mine, someone = shop(), contact()
    for sku, (weekly, _cv, _xyz) in WEEKLY.items():
        for week, units in enumerate(weekly):
            if units != "0":
                buy(mine, someone, MONDAY + timedelta(weeks=week, days=2), [(sku, units, "10.00")])
    # a refunded unit takes the week's units down: STEADY's second week 10 + 2 − 2 = 10
    bought = buy(mine, someone, MONDAY + timedelta(weeks=1, days=3), [("STEADY", "2", "2.00")])
    refund(bought, MONDAY + timedelta(weeks=1, days=4))
    buy(mine, someone, MONDAY - timedelta(days=1), [("ONCE", "50", "50.00")])  # the Sunday before: outside

    rows = {row.sku: row for row in abc_xyz_table([mine.brand.pk], FOUR_WEEKS)}

    assert {sku: (row.cv, row.xyz) for sku, row in rows.items()} == {
        sku: (cv, xyz) for sku, (_weekly, cv, xyz) in WEEKLY.items()
    }
    assert rows["STEADY"].units == Decimal("40")


def test_the_api_answers_revenue_share_and_classes(admin_user):
    mine, someone = shop(), contact()
    shampoo = CategoryFactory(name="Shampoo")
    for sku, money in (("P1", 500), ("P2", 300), ("P3", 100), ("P4", 60), ("P5", 40)):
        mine.product(sku, category=shampoo)
        buy(mine, someone, MONDAY + timedelta(days=2), [(sku, 1, money)])
    extra = buy(mine, None, MONDAY + timedelta(days=3), [("P5", 1, "25.00")])  # anonymous receipts count too
    refund(extra, MONDAY + timedelta(days=4))  # ... unless refunded
    client = token_client(admin_user)
    query = {"brand": mine.brand.pk, "from": "2026-06-01", "to": "2026-06-28"}

    response = client.get("/api/v1/analytics/abc-xyz", query)
    categories = client.get("/api/v1/analytics/abc-xyz", {**query, "by": "category"})
    xlsx = client.get("/api/v1/analytics/abc-xyz", {**query, "format": "xlsx"})

    assert response.status_code == 200, response.content
    rows = [(row["sku"], row["revenue"], row["share"], row["abc"], row["xyz"]) for row in response.json()["results"]]
    assert rows == [
        ("P1", "500.00", 0.5, "A", "Z"),
        ("P2", "300.00", 0.3, "A", "Z"),
        ("P3", "100.00", 0.1, "B", "Z"),
        ("P4", "60.00", 0.06, "B", "Z"),
        ("P5", "40.00", 0.04, "C", "Z"),
    ]
    assert response.json()["results"][0]["cv"] == pytest.approx(1.7321)  # one week of four
    assert response.json()["matrix"]["A"]["Z"] == {"count": 2, "revenue": "800.00"}
    [category] = categories.json()["results"]
    assert (category["category"], category["name"], category["revenue"], category["abc"]) == (
        shampoo.pk,
        "Shampoo",
        "1000.00",
        "A",
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_the_postgresql_statement_sums_what_the_orm_sums_line_by_line():
    """The statement sums the lines as sold and corrects the refunded ones; the ORM nets each line: the same rows."""
    from analytics.metrics import lines as sums
    from analytics.metrics.base import on_postgresql

    if not on_postgresql():
        pytest.skip("the statement is PostgreSQL's; SQLite runs the ORM path itself")
    mine, theirs, someone = shop(), shop("Theirs"), contact()
    first = buy(mine, someone, MONDAY + timedelta(days=1), [("A", 3, "30.00"), ("B", 2, "20.00"), ("C", 1, "9.99")])
    refund(first, MONDAY + timedelta(days=2), [(0, 1, "10.00")])  # A: one unit of three back
    refund(first, MONDAY + timedelta(days=3), [(0, 1, "10.00"), (1, 2, "15.00")])  # A again; B in full (money left)
    second = buy(mine, None, MONDAY + timedelta(weeks=1, days=2), [("A", 1, "10.00"), ("D", "0.5", "7.50")])
    refund(second, FOUR_WEEKS.end + timedelta(hours=1))  # after the end: not known yet
    third = buy(mine, someone, MONDAY + timedelta(weeks=2), [("D", "1.25", "12.00")])
    refund(third, MONDAY + timedelta(weeks=2, hours=1))  # D's only line that week refunded in full: no D that week
    buy(theirs, None, MONDAY + timedelta(weeks=3), [("A", 4, "44.00")])
    buy(mine, None, MONDAY - timedelta(days=1), [("A", 9, "99.00")])  # before the window

    def table(rows):
        return {(row.key, row.bucket): (row.product, row.units, row.revenue) for row in rows}

    for by in ("product", "category"):
        for split in (None, MONDAY + timedelta(weeks=2)):
            for brands in (None, [mine.brand.pk]):
                fast = sums._postgresql(brands, FOUR_WEEKS, by, split)
                assert table(fast) == table(sums._orm(brands, FOUR_WEEKS, by, split)), (by, split, brands)
                assert len(fast) == len(table(fast))
    weekly = table(sums._postgresql([mine.brand.pk], FOUR_WEEKS, "product", None))
    brand, week = mine.brand.pk, MONDAY.date()
    assert weekly[((brand, "A"), week)][1:] == (Decimal("1"), Decimal("10.00"))  # 3 − 1 − 1 units, 30 − 10 − 10
    assert ((brand, "B"), week) not in weekly  # no units left: out, money left or not
    assert weekly[((brand, "D"), week + timedelta(weeks=1))][1:] == (Decimal("0.5"), Decimal("7.50"))
    assert ((brand, "D"), week + timedelta(weeks=2)) not in weekly
