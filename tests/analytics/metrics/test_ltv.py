"""LTV and retention by monthly cohort, worked out by hand."""

from datetime import datetime

import pytest
from django.utils import timezone

from analytics.metrics.ltv import ltv_table
from tests.analytics.metrics.support import NOW, buy, contact, refund, shop
from tests.conftest import token_client

pytestmark = pytest.mark.django_db


def day(month: int, number: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, number, 12))


def test_cohorts_of_first_purchase_with_cumulative_revenue_and_retention(admin_user):
    mine, theirs = shop(), shop("Theirs")
    a, b, c, d, e = (contact() for _ in range(5))
    refund(buy(mine, a, day(3, 30), paid=999), day(3, 31))  # refunded in full: a's first purchase is in April
    buy(mine, a, day(4, 5), paid=100)
    buy(mine, a, day(5, 10), paid=50)
    buy(mine, a, day(6, 1), paid=50)
    buy(mine, b, day(4, 20), paid=200)
    buy(theirs, b, day(5, 20), paid=777)  # another brand
    buy(mine, c, day(5, 3), paid=300)
    buy(mine, c, day(6, 15), paid=100)
    buy(mine, d, day(3, 10), paid=100)  # a March cohort: before the three months
    buy(mine, d, day(4, 10), paid=100)
    buy(mine, e, day(6, 2), paid=80)

    cohorts = ltv_table([mine.brand.pk], months=3, end=NOW)
    answer = token_client(admin_user).get(
        "/api/v1/analytics/ltv", {"brand": mine.brand.pk, "months": 3, "to": "2026-06-30"}
    )

    # April: a and b; 300 in April, 50 in May, 50 in June; a bought in May and June
    expected = [
        {"cohort": "2026-04", "contacts": 2, "ltv": ["150.00", "175.00", "200.00"], "retention": [1.0, 0.5, 0.5]},
        {"cohort": "2026-05", "contacts": 1, "ltv": ["300.00", "400.00"], "retention": [1.0, 1.0]},
        {"cohort": "2026-06", "contacts": 1, "ltv": ["80.00"], "retention": [1.0]},
    ]
    assert [
        {"cohort": row.cohort, "contacts": row.contacts, "ltv": [str(v) for v in row.ltv], "retention": row.retention}
        for row in cohorts
    ] == expected
    assert answer.status_code == 200, answer.content
    assert answer.json()["results"] == expected
