"""Campaigns in the checkout, through the real POS API (register key): a saved change applies to the very next
request; status and window; store-local hours and weekdays; `applied` and hints in the answer; campaign points as
their own ledger lots; limits per customer, in total, by budget and by day; exclusive ties e-mailed to the later
campaign's owner once a day; simulation of a draft."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from campaigns.models import Campaign, CampaignCounter, CampaignUsage, ConflictNotice
from campaigns.services.campaigns import campaign_save, campaign_set_status
from loyalty.models import Brand, LedgerEntry
from tests.factories import ProductFactory, TierFactory, UserFactory
from tests.helpers import url
from tests.loyalty.pos_support import (
    Till,
    calculate,
    confirm,
    line,
    make_shopper,
    make_till,
    ok,
)

pytestmark = pytest.mark.django_db


def save_campaign(brand: Brand, **fields: Any) -> Campaign:
    """An active campaign of the brand, started a month ago, 10 % off everything unless told otherwise; saved
    through `campaign_save` as the admin and the API save it."""
    values: dict[str, Any] = {
        "name": "Ten off",
        "status": "active",
        "starts_at": timezone.now() - timedelta(days=30),
        "priority": 0,
        "combine": "sum",
        "audience": {"type": "all"},
        "conditions": {},
        "mechanic": {"type": "percent_discount", "percent": 10},
        "limits": {},
        **fields,
    }
    return campaign_save(campaign=Campaign(brand=brand, **values))


def receipt(*lines: dict[str, Any], customer: Any = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"lines": list(lines), **fields}
    if customer is not None:
        body["customer"] = {"card": customer.card.number}
    return body


def discount(till: Till, body: dict[str, Any]) -> str:
    return ok(calculate(till.client, body))["totals"]["discount"]


def iso(at: datetime) -> str:
    return at.isoformat()


def utc_day(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = (timezone.now() - timedelta(days=days_ago)).astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# --- a change applies on the next request -------------------------------------------------------------------------


def test_a_saved_campaign_applies_on_the_next_calculate_and_a_change_on_the_one_after():
    # given: a receipt calculated before any campaign (the brand's snapshot is cached)
    till = make_till()
    body = receipt(line("A", 1, "1000.00"))
    assert discount(till, body) == "0.00"

    # when: a campaign is saved, then changed from 10 % to 20 %
    campaign = save_campaign(till.brand)
    after_create = discount(till, body)
    campaign.mechanic = {"type": "percent_discount", "percent": 20}
    campaign_save(campaign=campaign)
    after_change = discount(till, body)

    # then
    assert (after_create, after_change) == ("100.00", "200.00")


def test_pausing_and_resuming_apply_on_the_next_request():
    till = make_till()
    campaign = save_campaign(till.brand)
    body = receipt(line("A", 1, "1000.00"))
    assert discount(till, body) == "100.00"

    campaign_set_status(campaign=campaign, status="paused")
    paused = discount(till, body)
    campaign_set_status(campaign=campaign, status="active")

    assert (paused, discount(till, body)) == ("0.00", "100.00")


@pytest.mark.parametrize("status", ["draft", "paused", "finished"])
def test_only_active_campaigns_apply(status):
    till = make_till()
    save_campaign(till.brand, status=status)
    assert discount(till, receipt(line("A", 1, "1000.00"))) == "0.00"


@pytest.mark.parametrize(
    ("starts_in", "ends_in", "applies"),
    [
        (timedelta(hours=-1), None, True),
        (timedelta(hours=1), None, False),  # not started
        (timedelta(days=-10), timedelta(hours=-1), False),  # ended
        (timedelta(days=-10), timedelta(hours=1), True),
        (timedelta(days=-10), timedelta(0), False),  # [starts_at, ends_at): the end itself is out
        (timedelta(0), timedelta(days=1), True),  # the start itself is in
    ],
)
def test_only_inside_the_window(starts_in, ends_in, applies):
    till = make_till()
    at = timezone.now().replace(microsecond=0) - timedelta(days=1)
    save_campaign(till.brand, starts_at=at + starts_in, ends_at=None if ends_in is None else at + ends_in)
    assert discount(till, receipt(line("A", 1, "1000.00"), at=iso(at))) == ("100.00" if applies else "0.00")


def test_another_brands_campaign_never_applies():
    till = make_till()
    other = make_till()
    save_campaign(other.brand)
    assert discount(till, receipt(line("A", 1, "1000.00"))) == "0.00"


# --- store-local time --------------------------------------------------------------------------------------------


def two_stores() -> tuple[Till, Till]:
    """Two registers of one brand: a store in Vladivostok (UTC+10) and one in Moscow (UTC+3)."""
    vladivostok = make_till()
    moscow = make_till(brand=vladivostok.brand)
    vladivostok.store.timezone = "Asia/Vladivostok"
    vladivostok.store.save()
    moscow.store.timezone = "Europe/Moscow"
    moscow.store.save()
    return vladivostok, moscow


@pytest.mark.parametrize(
    ("utc_hour", "in_vladivostok", "in_moscow"),
    [
        (1, "100.00", "0.00"),  # 11:00 in Vladivostok, 04:00 in Moscow
        (7, "0.00", "100.00"),  # 17:00 in Vladivostok, 10:00 in Moscow
        (14, "0.00", "0.00"),  # 00:00 and 17:00
    ],
)
def test_hours_are_store_local(utc_hour, in_vladivostok, in_moscow):
    # given: one campaign, 09:00 to 12:00 store-local, and one moment
    vladivostok, moscow = two_stores()
    save_campaign(vladivostok.brand, conditions={"hours": ["09:00", "12:00"]})
    body = receipt(line("A", 1, "1000.00"), at=iso(utc_day(3, utc_hour)))

    # then
    assert (discount(vladivostok, body), discount(moscow, body)) == (in_vladivostok, in_moscow)


def test_weekdays_are_store_local():
    # given: 20:30 UTC is 23:30 in Moscow and 06:30 of the next day in Vladivostok
    vladivostok, moscow = two_stores()
    at = utc_day(3, 20, 30)
    next_day = (at + timedelta(days=1)).isoweekday()
    save_campaign(vladivostok.brand, conditions={"weekdays": [next_day]})
    body = receipt(line("A", 1, "1000.00"), at=iso(at))

    # then
    assert (discount(vladivostok, body), discount(moscow, body)) == ("100.00", "0.00")


def test_stores_condition():
    vladivostok, moscow = two_stores()
    save_campaign(vladivostok.brand, conditions={"stores": [moscow.store.pk]})
    body = receipt(line("A", 1, "1000.00"))
    assert (discount(vladivostok, body), discount(moscow, body)) == ("0.00", "100.00")


# --- the answer ----------------------------------------------------------------------------------------------------


def test_applied_per_line_with_two_place_strings():
    # given: 10 % off and 5 % in points on A; a 5 % tier
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    ProductFactory(brand=till.brand, sku="A")
    shopper = make_shopper(till)
    off = save_campaign(till.brand, name="Ten off", priority=2)
    bonus = save_campaign(till.brand, name="Bonus", priority=1, mechanic={"type": "points_percent", "percent": 5})

    # when
    answer = ok(calculate(till.client, receipt(line("A", 2, "150.00"), customer=shopper)))

    # then: 300.00 − 30.00 = 270.00 paid; 13.50 base + 13.50 campaign points
    assert answer["lines"] == [
        {
            "index": 0,
            "sku": "A",
            "quantity": "2",
            "price": "150.00",
            "base": "300.00",
            "discount": "30.00",
            "total": "270.00",
            "redeemed_points": "0.00",
            "paid": "270.00",
            "points": "27.00",
            "applied": [
                {"campaign_id": off.pk, "name": "Ten off", "discount": "30.00", "points": "0.00"},
                {"campaign_id": bonus.pk, "name": "Bonus", "discount": "0.00", "points": "13.50"},
            ],
        }
    ]
    assert answer["totals"]["points"] == "27.00"
    assert answer["messages"] == []


def test_worked_example_1_through_the_pos():
    till = make_till()
    save_campaign(till.brand, name="1+1=3", mechanic={"type": "buy_n_get_m", "buy": 2, "get": 1})

    answer = ok(calculate(till.client, receipt(line("SH-1", 2, "300.00"), line("SH-2", 1, "240.00"))))

    assert [entry["discount"] for entry in answer["lines"]] == ["0.00", "240.00"]
    assert answer["totals"]["total"] == "600.00"


def test_worked_example_3_through_the_checkout_with_two_lots():
    # given: 1 point per 100.00, a 5 % tier, 1,250.00 paid
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till)
    campaign = save_campaign(till.brand, mechanic={"type": "points_per_amount", "points": 1, "per": "100.00"})
    body = receipt(line("A", 1, "1250.00"), customer=shopper, receipt_number="R-1")

    # when
    calculated = ok(calculate(till.client, body))
    confirmed = ok(confirm(till.client, body), 201)

    # then
    assert calculated["totals"]["points"] == "74.50"
    assert confirmed["totals"]["points"] == "74.50"
    lots = LedgerEntry.objects.filter(purchase_id=confirmed["purchase_id"]).order_by("pk")
    assert [(lot.kind, lot.points, lot.campaign_id) for lot in lots] == [
        ("accrual", Decimal("62.50"), None),
        ("accrual", Decimal("12.00"), campaign.pk),
    ]


def test_hints_go_to_messages():
    till = make_till()
    save_campaign(
        till.brand,
        name="1+1=3",
        mechanic={"type": "buy_n_get_m", "buy": 2, "get": 1},
        hint="Add {missing_quantity} more and one is free",
    )
    save_campaign(
        till.brand,
        name="Big basket",
        conditions={"min_total": "1000.00"},
        hint="Add {missing_amount} more for 10 % off",
    )

    answer = ok(calculate(till.client, receipt(line("SH-1", 2, "350.00"))))

    assert answer["messages"] == ["Add 1 more and one is free", "Add 300.00 more for 10 % off"]
    assert answer["totals"]["discount"] == "0.00"


def test_an_anonymous_receipt_gets_discounts_for_everyone_and_no_points():
    till = make_till()
    save_campaign(till.brand, name="Points", priority=2, mechanic={"type": "points_fixed", "points": 50})
    save_campaign(till.brand, name="Members", priority=1, audience={"type": "identified"})
    exclusive = save_campaign(till.brand, name="Exclusive", combine="exclusive")

    answer = ok(calculate(till.client, receipt(line("A", 1, "1000.00"))))

    assert answer["lines"][0]["applied"] == [
        {"campaign_id": exclusive.pk, "name": "Exclusive", "discount": "100.00", "points": "0.00"}
    ]
    assert answer["totals"]["points"] == "0.00"


# --- campaign points in the ledger ---------------------------------------------------------------------------------


def test_confirm_writes_campaign_points_as_their_own_lot_counted_from_the_receipts_time():
    # given: the program's points never expire; the campaign's expire 30 days after the receipt, active after 7
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till)
    campaign = save_campaign(
        till.brand,
        mechanic={"type": "points_fixed", "points": 50, "expires_in_days": 30, "activation_days": 7},
    )
    at = timezone.now().replace(microsecond=0) - timedelta(days=2)
    body = receipt(line("A", 1, "1000.00"), customer=shopper, at=iso(at), receipt_number="R-1")

    # when
    answer = ok(confirm(till.client, body), 201)

    # then
    lots = LedgerEntry.objects.filter(purchase_id=answer["purchase_id"], kind="accrual").order_by("pk")
    assert [(lot.points, lot.campaign_id, lot.at, lot.activation_at, lot.expires_at) for lot in lots] == [
        (Decimal("50.00"), None, at, None, None),
        (Decimal("50.00"), campaign.pk, at, at + timedelta(days=7), at + timedelta(days=30)),
    ]
    assert answer["lines"][0]["points"] == "100.00"
    usage = CampaignUsage.objects.get(campaign=campaign)
    assert (usage.purchase_id, usage.contact_id, usage.points, usage.value) == (
        answer["purchase_id"],
        shopper.contact.pk,
        Decimal("50.00"),
        Decimal("50.00"),
    )


def test_campaign_points_without_a_lifetime_never_expire_even_when_the_programs_do():
    till = make_till(expires_in_days=365, activation_days=14)
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    shopper = make_shopper(till)
    campaign = save_campaign(till.brand, mechanic={"type": "points_percent", "percent": 1})
    at = timezone.now().replace(microsecond=0) - timedelta(hours=1)

    answer = ok(
        confirm(till.client, receipt(line("A", 1, "1000.00"), customer=shopper, at=iso(at), receipt_number="1")), 201
    )

    lots = LedgerEntry.objects.filter(purchase_id=answer["purchase_id"], kind="accrual").order_by("pk")
    assert [(lot.points, lot.campaign_id, lot.activation_at, lot.expires_at) for lot in lots] == [
        (Decimal("50.00"), None, at + timedelta(days=14), at + timedelta(days=365)),
        (Decimal("10.00"), campaign.pk, None, None),
    ]


# --- limits --------------------------------------------------------------------------------------------------------


def test_per_customer_limit_in_a_rolling_window():
    # given: once per customer in 30 days
    till = make_till()
    shopper, other = make_shopper(till), make_shopper(till)
    campaign = save_campaign(
        till.brand, starts_at=timezone.now() - timedelta(days=60), limits={"per_customer": 1, "per_customer_days": 30}
    )
    long_ago = timezone.now() - timedelta(days=40)

    # when: a purchase 40 days ago, then two today
    old = ok(
        confirm(
            till.client, receipt(line("A", 1, "1000.00"), customer=shopper, at=iso(long_ago), receipt_number="1"), "k1"
        ),
        201,
    )
    first = ok(confirm(till.client, receipt(line("A", 1, "1000.00"), customer=shopper, receipt_number="2"), "k2"), 201)
    calculated = ok(calculate(till.client, receipt(line("A", 1, "1000.00"), customer=shopper)))
    second = ok(confirm(till.client, receipt(line("A", 1, "1000.00"), customer=shopper, receipt_number="3"), "k3"), 201)
    theirs = ok(calculate(till.client, receipt(line("A", 1, "1000.00"), customer=other)))

    # then: the one 40 days ago is outside the window; the second today is not
    assert [answer["totals"]["discount"] for answer in (old, first, calculated, second, theirs)] == [
        "100.00",
        "100.00",
        "0.00",
        "0.00",
        "100.00",
    ]
    assert calculated["lines"][0]["applied"] == []
    assert CampaignUsage.objects.filter(campaign=campaign).count() == 2
    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (2, Decimal("200.00"))


def test_total_uses():
    till = make_till()
    campaign = save_campaign(till.brand, limits={"total_uses": 2})
    given = [
        ok(confirm(till.client, receipt(line("A", 1, "500.00"), receipt_number=str(n)), f"k{n}"), 201)["totals"][
            "discount"
        ]
        for n in range(3)
    ]
    assert given == ["50.00", "50.00", "0.00"]
    assert discount(till, receipt(line("A", 1, "500.00"))) == "0.00"
    assert CampaignCounter.objects.get(campaign=campaign).uses == 2


def test_budget():
    # given: 100.00 off each receipt, 250.00 in all: two receipts fit, the third would overrun
    till = make_till()
    campaign = save_campaign(
        till.brand, mechanic={"type": "amount_discount", "amount": "100.00"}, limits={"budget": "250.00"}
    )

    given = [
        ok(confirm(till.client, receipt(line("A", 1, "500.00"), receipt_number=str(n)), f"k{n}"), 201)["totals"][
            "discount"
        ]
        for n in range(3)
    ]

    assert given == ["100.00", "100.00", "0.00"]
    counter = CampaignCounter.objects.get(campaign=campaign)
    assert (counter.uses, counter.spent) == (2, Decimal("200.00"))
    # a smaller receipt still fits the 50.00 left
    assert (
        ok(confirm(till.client, receipt(line("A", 1, "40.00"), receipt_number="small"), "small"), 201)["totals"][
            "discount"
        ]
        == "40.00"
    )
    counter.refresh_from_db()
    assert counter.spent == Decimal("240.00")


def test_budget_counts_points_at_their_value():
    # given: points worth 0.50 each; 100 points per receipt = 50.00; budget 120.00
    till = make_till(point_value=Decimal("0.50"))
    shopper = make_shopper(till)
    campaign = save_campaign(till.brand, mechanic={"type": "points_fixed", "points": 100}, limits={"budget": "120.00"})

    given = [
        ok(
            confirm(till.client, receipt(line("A", 1, "500.00"), customer=shopper, receipt_number=str(n)), f"k{n}"), 201
        )["totals"]["points"]
        for n in range(3)
    ]

    assert given == ["100.00", "100.00", "0.00"]
    assert CampaignCounter.objects.get(campaign=campaign).spent == Decimal("100.00")


def test_daily_budget():
    # given: 100.00 off, 150.00 a day
    till = make_till()
    save_campaign(
        till.brand, mechanic={"type": "amount_discount", "amount": "100.00"}, limits={"daily_budget": "150.00"}
    )
    yesterday = timezone.now() - timedelta(days=1)

    # when: two receipts today, one yesterday
    today_1 = ok(confirm(till.client, receipt(line("A", 1, "500.00"), receipt_number="1"), "k1"), 201)
    today_2 = ok(confirm(till.client, receipt(line("A", 1, "500.00"), receipt_number="2"), "k2"), 201)
    earlier = ok(
        confirm(till.client, receipt(line("A", 1, "500.00"), at=iso(yesterday), receipt_number="3"), "k3"), 201
    )

    # then
    assert [answer["totals"]["discount"] for answer in (today_1, today_2, earlier)] == ["100.00", "0.00", "100.00"]


def test_a_limited_campaign_left_out_lets_the_next_one_apply():
    till = make_till()
    save_campaign(till.brand, name="First", priority=2, combine="exclusive", limits={"total_uses": 1})
    second = save_campaign(
        till.brand, name="Second", priority=1, combine="exclusive", mechanic={"type": "percent_discount", "percent": 5}
    )
    ok(confirm(till.client, receipt(line("A", 1, "1000.00"), receipt_number="1"), "k1"), 201)

    answer = ok(confirm(till.client, receipt(line("A", 1, "1000.00"), receipt_number="2"), "k2"), 201)

    assert answer["lines"][0]["applied"] == [
        {"campaign_id": second.pk, "name": "Second", "discount": "50.00", "points": "0.00"}
    ]


# --- exclusive conflicts -----------------------------------------------------------------------------------------


def test_an_exclusive_tie_is_emailed_to_the_later_campaigns_owner_once_a_day(django_capture_on_commit_callbacks):
    # given: two exclusive campaigns of equal priority with owners
    till = make_till()
    first_owner = UserFactory(email="first@example.com")
    later_owner = UserFactory(email="later@example.com")
    earlier = save_campaign(till.brand, name="Autumn", combine="exclusive", priority=5, owner=first_owner)
    later = save_campaign(till.brand, name="Weekend", combine="exclusive", priority=5, owner=later_owner,
                          mechanic={"type": "percent_discount", "percent": 50})  # fmt: skip

    # when: a calculate (nothing sent), then two confirms the same day
    with django_capture_on_commit_callbacks(execute=True):
        calculated = ok(calculate(till.client, receipt(line("A", 1, "1000.00"))))
    sent_after_calculate = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        first = ok(confirm(till.client, receipt(line("A", 1, "1000.00"), receipt_number="1"), "k1"), 201)
    with django_capture_on_commit_callbacks(execute=True):
        ok(confirm(till.client, receipt(line("A", 1, "1000.00"), receipt_number="2"), "k2"), 201)

    # then: the earlier-created wins; one e-mail, to the later campaign's owner
    assert calculated["totals"]["discount"] == first["totals"]["discount"] == "100.00"
    assert [item["campaign_id"] for item in first["lines"][0]["applied"]] == [earlier.pk]
    assert sent_after_calculate == 0
    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == ["later@example.com"]
    assert "Weekend" in message.subject
    assert "Autumn" in message.body
    assert list(ConflictNotice.objects.values_list("winner_id", "loser_id")) == [(earlier.pk, later.pk)]


def test_exclusives_of_different_priorities_send_no_email(django_capture_on_commit_callbacks):
    till = make_till()
    save_campaign(till.brand, name="High", combine="exclusive", priority=5, owner=UserFactory())
    save_campaign(till.brand, name="Low", combine="exclusive", priority=1, owner=UserFactory())

    with django_capture_on_commit_callbacks(execute=True):
        ok(confirm(till.client, receipt(line("A", 1, "1000.00"), receipt_number="1")), 201)

    assert mail.outbox == []
    assert not ConflictNotice.objects.exists()


# --- simulation --------------------------------------------------------------------------------------------------


def test_simulate_applies_a_draft_that_a_plain_calculate_does_not(superuser_client):
    # given: an active 10 % and a draft 50 points campaign
    till = make_till()
    TierFactory(program=till.program, min_spend=Decimal("0"), accrual_percent=Decimal("0"))
    shopper = make_shopper(till)
    save_campaign(till.brand, name="Ten off")
    draft = save_campaign(till.brand, name="Draft", status="draft", mechanic={"type": "points_fixed", "points": 50})
    lines = [line("A", 1, "1000.00")]

    # when
    simulated = ok(
        superuser_client.post(
            url("campaigns", draft.pk, action="simulate"),
            {"customer": {"contact_id": shopper.contact.pk}, "lines": lines},
            format="json",
        )
    )
    plain = ok(calculate(till.client, {"customer": {"contact_id": shopper.contact.pk}, "lines": lines}))

    # then
    assert [item["name"] for item in simulated["lines"][0]["applied"]] == ["Ten off", "Draft"]
    assert (simulated["totals"]["discount"], simulated["totals"]["points"]) == ("100.00", "50.00")
    assert [item["name"] for item in plain["lines"][0]["applied"]] == ["Ten off"]
    assert (plain["totals"]["discount"], plain["totals"]["points"]) == ("100.00", "0.00")
    assert not CampaignUsage.objects.exists()
