"""BCG quadrants of categories on hand-made revenue of the last 90 days and the 90 before."""

from datetime import timedelta

import pytest

from analytics.metrics.bcg import bcg_table
from tests.analytics.metrics.support import NOW, buy, contact, shop
from tests.conftest import token_client
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db

# category: (revenue in the 90 days before those, in the last 90) → growth, relative share (÷ 1000), quadrant
CATEGORIES = {
    "Star": ((800, 1000), 0.25, 1.0, "star"),
    "Cow": ((600, 600), 0.0, 0.6, "cash_cow"),
    "Question": ((200, 220), 0.1, 0.22, "question"),  # growth exactly 0.10: high
    "Edge cow": ((1000, 500), -0.5, 0.5, "cash_cow"),  # share exactly 0.5: high
    "Dog": ((200, 100), -0.5, 0.1, "dog"),
    "New": ((0, 50), None, 0.05, "question"),  # nothing before: growing
}


def test_quadrants_with_the_thresholds_on_their_edges(admin_user):
    mine, someone = shop(), contact()
    for name, ((before, now), _growth, _share, _quadrant) in CATEGORIES.items():
        mine.product(name, category=CategoryFactory(name=name))
        if before:
            buy(mine, someone, NOW - timedelta(days=120), [(name, 1, before)])
        buy(mine, someone, NOW - timedelta(days=30), [(name, 1, now)])
    buy(mine, someone, NOW - timedelta(days=200), [("Dog", 1, 5000)])  # older than 180 days: not counted

    rows = {row.name: row for row in bcg_table([mine.brand.pk], end=NOW)}
    answer = token_client(admin_user).get("/api/v1/analytics/bcg", {"brand": mine.brand.pk, "to": NOW.isoformat()})

    assert {name: (row.growth, row.relative_share, row.quadrant) for name, row in rows.items()} == {
        name: (growth, share, quadrant) for name, (_money, growth, share, quadrant) in CATEGORIES.items()
    }
    assert answer.status_code == 200
    first = answer.json()["results"][0]
    assert (first["name"], first["revenue"], first["previous_revenue"], first["quadrant"]) == (
        "Star",
        "1000.00",
        "800.00",
        "star",
    )
