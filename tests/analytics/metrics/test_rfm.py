"""RFM on ten contacts whose raw values, scores (ties included) and segments are worked out by hand below."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from analytics.metrics.base import Period
from analytics.metrics.rfm import rfm_table, score, segment_of
from analytics.metrics.scores import rfm_scores_refresh
from contacts.models import ContactScore
from tests.analytics.metrics.support import NOW, buy, contact, refund, shop
from tests.conftest import token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# contact: recency days, frequency, money → r, f, m, segment (n = 10: score = 1 + ⌊5 × worse ÷ 10⌋)
# r: recencies 1 2 3 5 10 30 60 100 200 300 are all different: 9 8 7 ... 0 contacts worse → 5 5 4 4 3 3 2 2 1 1
# f: 1 1 1 2 2 3 3 4 4 5 → worse 0 (f=1), 3 (f=2), 5 (f=3), 7 (f=4), 9 (f=5) → scores 1, 2, 3, 4, 5
# m: 50 60 100 150 200 300 300 400 500 800 → worse 0 1 2 3 4 5 5 7 8 9 → 1 1 2 2 3 3 3 4 5 5 (the 300s tie)
EXPECTED = {
    "c1": (1, 5, "500.00", 5, 5, 5, "champions"),
    "c2": (2, 4, "400.00", 5, 4, 4, "champions"),
    "c3": (3, 3, "300.00", 4, 3, 3, "others"),
    "c4": (5, 1, "150.00", 4, 1, 2, "new"),
    "c5": (10, 1, "100.00", 3, 1, 2, "others"),
    "c6": (30, 4, "800.00", 3, 4, 5, "loyal"),
    "c7": (60, 2, "200.00", 2, 2, 3, "others"),
    "c8": (100, 3, "300.00", 2, 3, 3, "at_risk"),
    "c9": (200, 1, "50.00", 1, 1, 1, "lost"),
    "c10": (300, 2, "60.00", 1, 2, 1, "lost"),
}
# purchases: days before the end and the money paid (each an hour earlier than the whole days)
PURCHASES = {
    "c1": [(1, 100), (10, 100), (20, 100), (30, 100), (40, 100)],
    "c2": [(2, 100), (50, 100), (60, 100), (70, 100)],
    "c3": [(100, 100), (200, 100)],  # + 150 three days ago of which 50 refunded, and a receipt refunded in full
    "c4": [(5, 150)],
    "c5": [(10, 100)],  # + 1000 four hundred days ago: outside the window
    "c6": [(30, 200), (90, 200), (120, 200), (150, 200)],
    "c7": [(60, 100), (80, 100)],
    "c8": [(100, 100), (110, 100), (120, 100)],
    "c9": [(200, 50)],  # + a purchase at another brand five days ago
    "c10": [(300, 30), (310, 30)],
}


def ago(days: int):
    return NOW - timedelta(days=days, hours=1)


@pytest.fixture
def world():
    mine, theirs = shop("Mine"), shop("Theirs")
    people = {name: contact() for name in EXPECTED}
    for name, purchases in PURCHASES.items():
        for days, money in purchases:
            buy(mine, people[name], ago(days), paid=money)
    partly = buy(mine, people["c3"], ago(3), paid=150)
    refund(partly, ago(2), [(0, 1, 50)])
    refund(buy(mine, people["c3"], ago(50), paid=90), ago(49))
    buy(mine, people["c5"], ago(400), paid=1000)
    buy(mine, None, ago(1), paid=5000)  # anonymous
    buy(theirs, people["c9"], ago(5), paid=700)
    return mine, theirs, people


def test_scores_are_quintiles_of_those_worse_and_ties_share_one():
    assert [score(worse, 10) for worse in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert [score(worse, 5) for worse in range(5)] == [1, 2, 3, 4, 5]
    assert [score(worse, 7) for worse in range(7)] == [1, 1, 2, 3, 3, 4, 5]


@pytest.mark.parametrize(
    ("r", "f", "segment"),
    [
        (5, 5, "champions"),
        (4, 4, "champions"),
        (3, 5, "loyal"),
        (1, 4, "loyal"),  # r ≤ 2 and f ≥ 3 too, but loyal comes first
        (2, 3, "at_risk"),
        (1, 3, "at_risk"),
        (1, 2, "lost"),
        (1, 1, "lost"),
        (5, 1, "new"),
        (4, 1, "new"),
        (3, 1, "others"),
        (4, 2, "others"),
        (2, 2, "others"),
    ],
)
def test_segments_follow_the_contracts_order(r, f, segment):
    assert segment_of(r, f) == segment


def test_the_table_of_one_brand_as_worked_out_by_hand(world):
    mine, _theirs, people = world
    rows = {row.contact: row for row in rfm_table([mine.brand.pk], Period.last_days(365, end=NOW))}
    by_name = {name: rows[people[name].pk] for name in EXPECTED}
    got = {
        name: (row.recency_days, row.frequency, str(row.monetary), row.r, row.f, row.m, row.segment)
        for name, row in by_name.items()
    }
    assert got == EXPECTED
    assert len(rows) == 10


def test_a_refund_after_the_end_is_not_known_yet():
    mine, someone = shop(), contact()
    bought = buy(mine, someone, ago(3), paid=70)
    refund(bought, NOW + timedelta(days=1))  # the day after the last day

    [row] = rfm_table([mine.brand.pk], Period.last_days(365, end=NOW))
    [later] = rfm_table([mine.brand.pk], Period.last_days(365, end=NOW + timedelta(days=1))) or [None]

    assert (row.frequency, row.monetary) == (1, Decimal("70.00"))
    assert later is None  # refunded in full by then: no purchase, no row


def test_the_api_answers_the_table_and_its_segments(world, admin_user):
    mine, _theirs, people = world
    client = token_client(admin_user)

    response = client.get("/api/v1/analytics/rfm", {"brand": mine.brand.pk, "to": NOW.isoformat()})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 10
    row = next(item for item in body["results"] if item["contact"] == people["c8"].pk)
    assert row == {
        "contact": people["c8"].pk,
        "recency_days": 100,
        "frequency": 3,
        "monetary": "300.00",
        "r": 2,
        "f": 3,
        "m": 3,
        "segment": "at_risk",
    }
    segments = {item["segment"]: (item["contacts"], item["revenue"]) for item in body["segments"]}
    assert segments == {
        "champions": (2, "900.00"),
        "loyal": (1, "800.00"),
        "at_risk": (1, "300.00"),
        "lost": (2, "110.00"),
        "new": (1, "150.00"),
        "others": (3, "600.00"),
    }


def test_csv_and_xlsx_give_the_same_table(world, admin_user):
    mine, _theirs, people = world
    client = token_client(admin_user)
    query = {"brand": mine.brand.pk, "to": NOW.isoformat()}

    csv = client.get("/api/v1/analytics/rfm", {**query, "format": "csv"})
    xlsx = client.get("/api/v1/analytics/rfm", {**query, "format": "xlsx"})

    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "contact,recency_days,frequency,monetary,r,f,m,segment"
    assert f"{people['c1'].pk},1,5,500.00,5,5,5,champions" in lines
    assert len(lines) == 11
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_a_brand_manager_must_name_one_of_their_brands(world):
    mine, theirs, _people = world
    manager = UserFactory(is_staff=True)
    manager.user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename="view_purchase"
        )
    )
    mine.brand.managers.add(manager)
    client = token_client(manager)

    missing = client.get("/api/v1/analytics/rfm")
    other = client.get("/api/v1/analytics/rfm", {"brand": theirs.brand.pk})
    own = client.get("/api/v1/analytics/rfm", {"brand": mine.brand.pk, "to": NOW.isoformat()})
    bad = client.get("/api/v1/analytics/rfm", {"brand": mine.brand.pk, "window_days": "x"})

    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"brand": ["Choose the brand."]}
    assert other.status_code == 404
    assert own.status_code == 200
    assert own.json()["count"] == 10
    assert bad.status_code == 400


def test_the_job_writes_each_contacts_segment_of_the_brand_they_bought_from_last(world):
    _mine, _theirs, people = world
    ContactScore.objects.create(contact=contact(), rfm="champions", computed_at=NOW)  # bought nothing since

    rfm_scores_refresh(at=NOW)
    rfm_scores_refresh(at=NOW)  # again: the same

    stored = dict(ContactScore.objects.exclude(rfm="").values_list("contact_id", "rfm"))
    expected = {people[name].pk: values[-1] for name, values in EXPECTED.items()}
    # c9 bought at Theirs last: its only buyer there, nobody is worse: 1/1/1, lost (the same as at Mine, by chance)
    expected[people["c9"].pk] = "lost"
    assert stored == expected
    assert ContactScore.objects.filter(rfm="").count() == 1


def test_making_a_customer_segment_of_an_rfm_segment(admin_user):
    mine, now = shop(), timezone.now()
    # contact i: the last purchase i + 1 days ago, 5 − i purchases → r = f = 5 − i: two champions (5/5, 4/4)
    for index in range(5):
        person = contact()
        buy(mine, person, now - timedelta(days=index + 1, hours=1), paid=100)
        for extra in range(4 - index):
            buy(mine, person, now - timedelta(days=30 + 10 * extra), paid=100)
    client = token_client(admin_user)

    response = client.post(
        "/api/v1/analytics/rfm/segment", {"brand": mine.brand.pk, "segment": "champions"}, format="json"
    )
    wrong = client.post("/api/v1/analytics/rfm/segment", {"brand": mine.brand.pk, "segment": "heroes"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["program"] == mine.brand.program_id
    assert body["rules"] == {"all": [{"field": "rfm", "op": "eq", "value": "champions"}]}
    # r and f: the five have recencies 1, 11, 21... days (all r = 5 - index) and 1..5 purchases
    assert body["size"] == 2
    assert wrong.status_code == 400
