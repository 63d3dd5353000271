"""The number of statements each till call costs, pinned: a later change cannot quietly add one to the hot path.

Counted through the whole request (the register's key, the idempotency record, the receipt); with no trigger on its
events a confirm kicks nothing after its commit (tests/loyalty/test_pos_events.py). Five campaigns apply to every
basket, so a statement per campaign would show.
"""

import os
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import ProductSegment, SegmentMember
from campaigns.services.campaigns import product_segment_save
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import MasterAccountFactory, ProductFactory, SegmentFactory, TierFactory
from tests.loyalty.pos_support import calculate, confirm, line, make_shopper, make_till, ok
from tests.promocodes.promo_support import coded_campaign, single_pool

pytestmark = pytest.mark.django_db

CAMPAIGNS = 5


def shop():
    till = make_till()
    TierFactory(program=till.program, name="Bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    TierFactory(program=till.program, name="Gold", min_spend=Decimal("100000"), accrual_percent=Decimal("10"))
    for n in range(CAMPAIGNS):
        save_campaign(till.brand, name=f"Two off {n}", mechanic={"type": "percent_discount", "percent": 2})
    return till, make_shopper(till, points="500.00")


def basket(shopper=None, **fields):
    body = {"lines": [line("A", 2, "100.00"), line("B", 1, "50.00"), line("C", 3, "10.00")], **fields}
    if shopper is not None:
        body["customer"] = {"card": shopper.card.number}
    return body


def statements(call):
    call()  # the first call of a kind warms the campaign snapshot and the process caches
    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def counted(call):
    sql = statements(call)
    if os.environ.get("SHOW_SQL"):
        print("\n".join(" ".join(q.split())[:150] for q in sql))
    return len(sql), sql


def test_calculate_with_a_card():
    till, shopper = shop()
    count, sql = counted(lambda: ok(calculate(till.client, basket(shopper, redeem_points="10.00"))))
    # the register; the card with its contact, enrollment, account and the tiers; the spend that qualifies a tier
    # (the enrollment has none yet); the balance; the products; the campaigns' version (no campaign is for a
    # customer segment, so the customer's segments are not read)
    assert count == 6, sql


def test_calculate_anonymous():
    till, _shopper = shop()
    count, sql = counted(lambda: ok(calculate(till.client, basket())))
    assert count == 3, sql  # the register, the products, the campaigns' version


def test_confirm_with_redemption():
    till, shopper = shop()
    receipts = iter(range(100))

    def call():
        number = f"R-{next(receipts)}"
        answer = ok(confirm(till.client, basket(shopper, redeem_points="10.00", receipt_number=number), number), 201)
        assert answer["totals"]["redeemed_points"] == "10.00"

    count, sql = counted(call)
    assert sum("campaigncounter" in q for q in sql) == 0  # campaigns without limits keep no counter
    assert sum(q.startswith('INSERT INTO "loyalty_ledgerentry"') for q in sql) == 1  # redemption and lots together
    assert count == EXPECTED["confirm"], sql


def test_confirm_with_a_code_and_a_limited_campaign():
    till, shopper = shop()
    limited = save_campaign(till.brand, name="Limited", limits={"total_uses": 1000})
    pool = single_pool(coded_campaign(till.brand), codes=[f"CODE{n:04d}" for n in range(10)])
    codes = iter(list(pool.codes.order_by("code").values_list("code", flat=True)))
    receipts = iter(range(100))
    shoppers = iter([shopper, make_shopper(till, points="500.00")])  # a code of the pool once per customer

    def call():
        number = f"R-{next(receipts)}"
        body = basket(next(shoppers), receipt_number=number, promo_codes=[next(codes)])
        answer = ok(confirm(till.client, body, number), 201)
        assert answer["promo_codes"][0]["status"] == "applied"

    count, sql = counted(call)
    [upsert] = [q for q in sql if "INSERT INTO campaigns_campaigncounter" in q]  # the limited campaign's alone
    assert f"VALUES ({limited.pk}, 1, " in upsert
    assert "), (" not in upsert
    assert count == EXPECTED["confirm_code_limited"], sql


def test_confirm_by_a_master_account_member():
    till, shopper = shop()
    MasterAccountFactory(program=till.program, members=[shopper.contact])
    receipts = iter(range(100))

    def call():
        number = f"R-{next(receipts)}"
        ok(confirm(till.client, basket(shopper, receipt_number=number), number), 201)

    count, sql = counted(call)
    assert count == EXPECTED["confirm_master"], sql


# Before the hand-written identification, the one-statement counters and the one ledger write (2026-12-05) the
# bench's confirm (33 campaigns applied, one counter UPDATE each) ran 82 statements; it then ran 36, and 35 once
# campaigns without limits kept no counter (the five here have none: no counter statement; the limited one has).
# With codes, PostgreSQL counts the register's unknown codes and its guessing minute in one statement (SQLite: two).
# The confirm, the purchase's insert and the ledger's write then lost their savepoints (two statements each): a
# refusal fails the whole transaction, which writes nothing anyway. The tier's re-evaluation lost its savepoint
# too, and the duplicate check reads the event types the brand's triggers hear in the same statement (2026-12-06).
# The customer's spend of the day is then kept by one upsert (`SpendDay`), so that the tier's window reads a few
# hundred days at most instead of every purchase in it: one statement more (2026-12-06). The enrollment's row is
# then locked with the account's, by one statement (`checkout.lock_rows`): one fewer.
EXPECTED = {
    "confirm": 23,
    "confirm_code_limited": 33 if connection.vendor == "postgresql" else 34,
    "confirm_master": 23,
}


def test_the_segments_are_read_only_when_a_campaign_is_for_a_segment():
    till, member = shop()
    other = make_shopper(till)
    segment = SegmentFactory(program=till.program, name="Sleepers", rules={"all": []})
    SegmentMember.objects.create(segment=segment, contact=member.contact)
    save_campaign(
        till.brand,
        name="Sleepers half off",
        audience={"type": "segment", "segment": segment.pk},
        mechanic={"type": "percent_discount", "percent": 50},
    )

    def discount(shopper):
        answer = ok(
            calculate(till.client, {"customer": {"card": shopper.card.number}, "lines": [line("A", 1, "100.00")]})
        )
        return answer["totals"]["discount"]

    sql = statements(lambda: discount(member))
    assert sum("campaigns_segmentmember" in q for q in sql) == 1
    # five times 2 % of 100.00 for everyone, and 50 % more for the segment's member only
    assert (discount(member), discount(other)) == ("60.00", "10.00")


def test_a_segment_campaign_on_other_products_costs_a_basket_without_them_nothing():
    # given: a campaign for a customer segment on a product segment (towels), the member in the segment
    till, member = shop()
    ProductFactory(brand=till.brand, sku="TOWEL", price=Decimal("40.00"))
    segment = SegmentFactory(program=till.program, name="Sleepers", rules={"all": []})
    SegmentMember.objects.create(segment=segment, contact=member.contact)
    towels = product_segment_save(segment=ProductSegment(brand=till.brand), data={"name": "Towels", "skus": ["TOWEL"]})
    save_campaign(
        till.brand,
        name="Sleepers' towels half off",
        audience={"type": "segment", "segment": segment.pk},
        product_segment=towels,
        mechanic={"type": "percent_discount", "percent": 50},
    )

    def discount(*lines):
        answer = ok(calculate(till.client, {"customer": {"card": member.card.number}, "lines": list(lines)}))
        return answer["totals"]["discount"]

    # when the basket has no towel, the campaign index leaves the campaign out: the segments are not read
    without = statements(lambda: discount(line("A", 1, "100.00")))
    with_towel = statements(lambda: discount(line("A", 1, "100.00"), line("TOWEL", 1, "40.00")))

    # then
    assert sum("campaigns_segmentmember" in q for q in without) == 0
    assert len(without) == len(with_towel) - 1  # that read is the only difference
    assert sum("campaigns_segmentmember" in q for q in with_towel) == 1
    # five times 2 % of each line for everyone, and 50 % of the towel for the member
    assert discount(line("A", 1, "100.00")) == "10.00"
    assert discount(line("A", 1, "100.00"), line("TOWEL", 1, "40.00")) == "34.00"
