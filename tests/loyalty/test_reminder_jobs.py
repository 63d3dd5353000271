"""The daily jobs that record events ahead of their day, at fixed times: `points_expiring` (per account, expiry day,
member and brand; the points the expiry will take) and `birthdays` (the coming birthday, 29 February on the 28th in
a common year); each event at most once however often a job runs, and a trigger's message on its day."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Message
from contacts.models import ContactEvent
from loyalty.services import ledger
from loyalty.services.reminders import birthdays_record, coming_birthday, points_expiring_record
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, MasterAccountFactory, ProgramFactory
from tests.messaging.support import subscribed_contact, trigger

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
AT = datetime(2027, 2, 10, 10, 0, tzinfo=MOSCOW)


def run(job: str, at: datetime) -> None:
    call_command("run_job", job, "--at", at.isoformat())


def expiring(contact=None):
    found = ContactEvent.objects.filter(type="points_expiring").order_by("contact_id", "brand_id", "pk")
    return list(found.filter(contact=contact) if contact else found)


def account_with_lots(program, contact, *lots: tuple[str, int]):
    """An account with lots of (points, days from AT to their expiry), accrued a day before AT."""
    account = ledger.account_for(program=program, contact=contact)
    for points, days in lots:
        start = AT - timedelta(days=1)
        ledger.accrue(account=account, points=Decimal(points), at=start, expires_in_days=days + 1)
    return account


@pytest.fixture
def brand():
    return BrandFactory(program=ProgramFactory())


# --- points_expiring ---------------------------------------------------------------------------------------------


def test_points_expiring_sums_a_days_lots_within_the_horizon_and_runs_once(brand):
    # given: 100 + 20 expire in 10 days, 5 in 12, 50 in 40 (beyond 30), nothing yet expired
    contact = subscribed_contact(brand)
    account_with_lots(brand.program, contact, ("100", 10), ("20", 10), ("5", 12), ("50", 40))

    # when: twice for one time, then the next day
    run("points_expiring", AT)
    run("points_expiring", AT)
    run("points_expiring", AT + timedelta(days=1))

    # then: one event per expiry day, with its points and first moment, at the job's time and the brand
    recorded = expiring(contact)
    assert [(event.data["expires_at"], event.data["points"]) for event in recorded] == [
        ((AT + timedelta(days=10)).isoformat(), "120.00"),
        ((AT + timedelta(days=12)).isoformat(), "5.00"),
    ]
    assert {(event.at, event.brand_id, event.origin) for event in recorded} == {(AT, brand.pk, "job:points_expiring")}
    assert recorded[0].data["program"] == brand.program.pk


def test_points_expiring_counts_what_is_left_of_a_lot_and_what_a_debt_leaves_to_expire(brand):
    # given: of 100 expiring, 30 redeemed; another account owes 40 (revoked beyond its points) and has 100 expiring
    spender, debtor = subscribed_contact(brand), subscribed_contact(brand)
    spent = account_with_lots(brand.program, spender, ("100", 10))
    ledger.redeem(account=spent, points=Decimal("30"), at=AT - timedelta(hours=1))
    owing = account_with_lots(brand.program, debtor)
    ledger.accrue(account=owing, points=Decimal("10"), at=AT - timedelta(days=2))
    ledger.redeem(account=owing, points=Decimal("10"), at=AT - timedelta(days=2))
    ledger.revoke(account=owing, points=Decimal("40"), at=AT - timedelta(days=2))
    ledger.accrue(account=owing, points=Decimal("100"), at=AT - timedelta(days=1), expires_in_days=11)

    points_expiring_record(at=AT, horizon_days=30)

    assert [event.data["points"] for event in expiring(spender)] == ["70.00"]
    assert [event.data["points"] for event in expiring(debtor)] == ["60.00"]


def test_a_master_accounts_expiring_points_are_told_to_each_member_at_each_brand_of_the_program():
    # given: a program of two brands; a family of two whose pool holds 80 points expiring in 5 days
    program = ProgramFactory()
    first, second = BrandFactory(program=program), BrandFactory(program=program)
    BrandFactory()  # another program's brand
    mother, son = ContactFactory(), ContactFactory()
    family = MasterAccountFactory(program=program, members=[mother, son])
    pool = ledger.master_account_points_account(master_account=family)
    ledger.accrue(account=pool, points=Decimal("80"), at=AT - timedelta(days=1), expires_in_days=6)

    recorded = points_expiring_record(at=AT, horizon_days=30)

    assert recorded == 4
    assert [(event.contact_id, event.brand_id, event.data["points"]) for event in expiring()] == [
        (mother.pk, first.pk, "80.00"),
        (mother.pk, second.pk, "80.00"),
        (son.pk, first.pk, "80.00"),
        (son.pk, second.pk, "80.00"),
    ]
    assert points_expiring_record(at=AT, horizon_days=30) == 0


def test_points_already_expired_or_never_expiring_are_not_announced(brand):
    contact = subscribed_contact(brand)
    account = account_with_lots(brand.program, contact)
    ledger.accrue(account=account, points=Decimal("10"), at=AT - timedelta(days=3), expires_in_days=2)
    ledger.accrue(account=account, points=Decimal("10"), at=AT - timedelta(days=3))

    assert points_expiring_record(at=AT, horizon_days=30) == 0


@override_settings(EVENTS_LOOKAHEAD_DAYS=30)
def test_a_trigger_that_sends_further_ahead_widens_the_horizon(brand):
    contact = subscribed_contact(brand)
    account_with_lots(brand.program, contact, ("50", 40))
    assert points_expiring_record(at=AT) == 0

    trigger(brand, event="points_expiring", conditions={"days_before": 45})

    assert points_expiring_record(at=AT) == 1


def test_the_triggers_message_goes_days_before_the_expiry_at_the_jobs_time_of_day(brand):
    # given: a trigger 7 days before (the default); 60 points expire in 20 days, 15 in 3
    contact = subscribed_contact(brand)
    trigger(brand, event="points_expiring", template="{{ points }} points expire soon")
    account_with_lots(brand.program, contact, ("60", 20), ("15", 3))

    # when
    run("points_expiring", AT)
    dispatch_pending(now=AT)

    # then: 13 days from now for the first; at once for the second (its 7 days before have begun)
    messages = list(Message.objects.order_by("scheduled_at").values_list("scheduled_at", "body"))
    assert messages == [(AT, "15.00 points expire soon"), (AT + timedelta(days=13), "60.00 points expire soon")]


# --- birthdays ---------------------------------------------------------------------------------------------------


def born(brand, birth_date: date, **fields):
    contact = ContactFactory(birth_date=birth_date, **fields)
    EnrollmentFactory(contact=contact, program=brand.program)
    return contact


def birthdays(contact=None):
    found = ContactEvent.objects.filter(type="birthday").order_by("contact_id", "pk")
    return [
        (event.contact_id, event.data["birthday"]) for event in (found.filter(contact=contact) if contact else found)
    ]


def test_birthdays_within_the_horizon_get_one_event_per_year(brand):
    # given: AT is 10 February 2027 (a common year)
    today = born(brand, date(1985, 2, 10))
    leap = born(brand, date(1992, 2, 29))
    soon = born(brand, date(1990, 3, 12))  # in 30 days
    later = born(brand, date(1990, 3, 13))  # in 31
    ContactFactory(birth_date=date(1990, 2, 11))  # in no program
    ContactFactory(birth_date=None)

    # when: twice, then on the following days
    run("birthdays", AT)
    run("birthdays", AT)
    run("birthdays", AT + timedelta(days=1))

    # then: the coming birthday (29 February on the 28th), once; 13 March entered the horizon on the 11th
    assert birthdays() == [
        (today.pk, "2027-02-10"),
        (leap.pk, "2027-02-28"),
        (soon.pk, "2027-03-12"),
        (later.pk, "2027-03-13"),
    ]
    first = ContactEvent.objects.filter(type="birthday", contact=today).get()
    assert (first.at, first.brand_id, first.origin, first.client_id) == (AT, None, "job:birthdays", f"{today.pk}:2027")


def test_a_birthday_is_recorded_again_the_next_year_and_across_new_year(brand):
    contact = born(brand, date(1990, 1, 5))

    birthdays_record(at=datetime(2026, 12, 20, 10, tzinfo=MOSCOW), horizon_days=30)
    birthdays_record(at=datetime(2027, 12, 20, 10, tzinfo=MOSCOW), horizon_days=30)

    assert birthdays(contact) == [(contact.pk, "2027-01-05"), (contact.pk, "2028-01-05")]


def test_the_29th_of_february_in_a_leap_year(brand):
    contact = born(brand, date(1992, 2, 29))

    birthdays_record(at=datetime(2028, 2, 20, 10, tzinfo=MOSCOW), horizon_days=30)

    assert birthdays(contact) == [(contact.pk, "2028-02-29")]
    assert coming_birthday(date(1992, 2, 29), date(2027, 3, 1)) == date(2028, 2, 29)
    assert coming_birthday(date(1992, 2, 29), date(2029, 3, 1)) == date(2030, 2, 28)


def test_birthday_triggers_send_on_the_day_or_days_before(brand):
    # given: one trigger on the day, one two days before; the birthday is in five days
    contact = born(brand, date(1990, 2, 15), subscribed_sms=True)
    on_the_day = trigger(brand, event="birthday", template="Happy birthday!")
    early = trigger(brand, event="birthday", conditions={"days_before": 2}, template="Soon!")

    run("birthdays", AT)
    dispatch_pending(now=AT)

    scheduled = dict(Message.objects.filter(contact=contact).values_list("trigger_id", "scheduled_at"))
    assert scheduled == {on_the_day.pk: AT + timedelta(days=5), early.pk: AT + timedelta(days=3)}
