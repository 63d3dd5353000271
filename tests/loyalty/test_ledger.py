"""The points ledger's services and selectors, with hand-worked numbers, plus hypothesis properties."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import Conflict, InvalidInput
from loyalty.models import Account, LedgerEntry, LedgerEntryImmutable, MasterAccountMember
from loyalty.selectors import account_find, balance, ledger, ledger_differences, lot_remaining, settlements
from loyalty.services.ledger import (
    account_for,
    accrue,
    activate_due,
    adjust,
    expire_due,
    redeem,
    return_points,
    revoke,
    transfer_into,
)
from loyalty.services.master_accounts import master_account_set_members
from loyalty.tasks import activate_points, expire_points
from tests.factories import (
    ContactFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    PartnerFactory,
    ProgramFactory,
    UserFactory,
)
from tests.loyalty.ledger_support import (
    Clock,
    active_pending,
    assert_cache_sound,
    cached,
    frozen_clock,
    kinds,
    new_account,
    points,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with frozen_clock() as frozen:
        yield frozen


@pytest.fixture
def account(clock) -> Account:
    return new_account()


# --- accounts ----------------------------------------------------------------------------------------------------


def test_account_belongs_to_a_contact_or_a_master_account_not_both():
    # given
    program = ProgramFactory()
    master = MasterAccountFactory(program=program)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(program=program, contact=ContactFactory(), master_account=master)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(program=program)


def test_account_for_makes_one_account_per_contact_and_program():
    # given
    program, contact = ProgramFactory(), ContactFactory()

    # when
    first = account_for(program=program, contact=contact)
    second = account_for(program=program, contact=contact)
    other_program = account_for(program=ProgramFactory(), contact=contact)

    # then
    assert first.pk == second.pk
    assert other_program.pk != first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(program=program, contact=contact)


def test_account_for_a_member_is_the_master_accounts_pool():
    # given
    contact = ContactFactory()
    master = MasterAccountFactory(members=[contact])

    # when
    account = account_for(program=master.program, contact=contact)

    # then
    assert account.master_account_id == master.pk
    assert account.contact_id is None
    assert account_find(program=master.program, contact=contact) == account


# --- append-only -------------------------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(account, clock):
    # given
    lot = accrue(account=account, points="10", at=clock.now)

    # when / then
    lot.reason = "edited"
    with pytest.raises(LedgerEntryImmutable):
        lot.save()
    with pytest.raises(LedgerEntryImmutable):
        lot.delete()
    assert LedgerEntry.objects.get(pk=lot.pk).reason == ""


# --- accrual and redemption --------------------------------------------------------------------------------------


def test_redemption_takes_earliest_expiring_lots_first_never_expiring_last(account, clock):
    # given: lots of 100 (expires in 30 days), 50 (10 days), 70 (never), 40 (10 days, made after the 50)
    now = clock.now
    lot_a = accrue(account=account, points="100", at=now, expires_in_days=30)
    lot_b = accrue(account=account, points="50", at=now, expires_in_days=10)
    lot_c = accrue(account=account, points="70", at=now)
    lot_d = accrue(account=account, points="40", at=now, expires_in_days=10)

    # when
    entries = redeem(account=account, points="180", at=now)

    # then: 50 from B, 40 from D (same expiry, made later), 90 from A; C untouched
    assert [(e.lot_id, e.points) for e in entries] == [
        (lot_b.pk, points(-50)),
        (lot_d.pk, points(-40)),
        (lot_a.pk, points(-90)),
    ]
    assert [lot_remaining(lot=lot) for lot in (lot_a, lot_b, lot_c, lot_d)] == [points(10), 0, points(70), 0]
    result = balance(account=account, now=now)
    assert result == {
        "active": points(80),
        "pending": points(0),
        "expiring": [{"date": timezone.localdate(now + timedelta(days=30)), "points": points(10)}],
    }
    assert account.active == points(80)  # the caller's instance gets the new cached balance
    assert_cache_sound(account)


def test_redemption_refuses_more_than_the_active_balance_and_writes_nothing(account, clock):
    # given
    accrue(account=account, points="100", at=clock.now)
    accrue(account=account, points="50", at=clock.now, activation_days=14)
    before = LedgerEntry.objects.count()

    # when
    with pytest.raises(Conflict) as error:
        redeem(account=account, points="100.01", at=clock.now)

    # then
    assert error.value.code == "insufficient_points"
    assert error.value.status_code == 409
    assert LedgerEntry.objects.count() == before
    assert cached(account) == (points(100), points(50))


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_redemption_of_no_points_is_invalid(account, clock, value):
    with pytest.raises(InvalidInput):
        redeem(account=account, points=value, at=clock.now)


def test_redemption_records_partner_and_purchase(account, clock):
    # given
    earned_at, spent_at = PartnerFactory(), PartnerFactory()
    accrue(account=account, points="30", at=clock.now, partner=earned_at, purchase_id=1)

    # when
    [entry] = redeem(account=account, points="30", at=clock.now, partner=spent_at, purchase_id=2)

    # then
    assert (entry.kind, entry.partner_id, entry.purchase_id, entry.lot.partner_id) == (
        "redemption",
        spent_at.pk,
        2,
        earned_at.pk,
    )


def test_pending_points_are_not_redeemable_until_their_activation(account, clock):
    # given: 100 points pending for 14 days, from a receipt of now
    lot = accrue(account=account, points="100", at=clock.now, activation_days=14, expires_in_days=30)

    # then: pending now
    assert lot.activation_at == clock.now + timedelta(days=14)
    assert lot.expires_at == clock.now + timedelta(days=30)
    assert active_pending(account) == (0, points(100))
    assert lot.status(clock.now) == "pending"
    with pytest.raises(Conflict):
        redeem(account=account, points="1", at=clock.now)

    # when: 14 days later (the balance shows it before the job moves the cache)
    clock.advance(days=14)

    # then
    assert active_pending(account) == (points(100), 0)
    assert cached(account) == (0, points(100))
    assert activate_due(now=clock.now) == 1
    assert cached(account) == (points(100), 0)
    assert activate_due(now=clock.now) == 0
    assert_cache_sound(account)
    redeem(account=account, points="100", at=clock.now)
    assert active_pending(account) == (0, 0)


def test_points_are_active_at_the_very_moment_of_their_activation(account, clock):
    # given
    lot = accrue(account=account, points="10", at=clock.now, activation_days=1)

    # when: exactly one day later, before any job
    clock.advance(days=1)
    redeem(account=account, points="4", at=clock.now)

    # then
    assert lot.status(clock.now) == "active"
    assert cached(account) == (points(6), 0)
    assert_cache_sound(account)


def test_a_late_receipt_counts_activation_and_expiry_from_its_own_time(account, clock):
    # given: a receipt of 20 days ago, 14 days pending, 30 days valid; one of 40 days ago, 30 days valid
    recent = accrue(
        account=account, points="10", at=clock.now - timedelta(days=20), activation_days=14, expires_in_days=30
    )
    old = accrue(account=account, points="5", at=clock.now - timedelta(days=40), expires_in_days=30)

    # then: the first is active already; the second expired at once
    assert recent.status(clock.now) == "active"
    assert lot_remaining(lot=old) == 0
    assert active_pending(account) == (points(10), 0)
    assert kinds(account)[-1] == ("expiry", points(-5))
    assert_cache_sound(account)


# --- expiry ------------------------------------------------------------------------------------------------------


def test_expiry_shows_at_read_time_before_the_job_and_the_job_is_idempotent(account, clock):
    # given
    accrue(account=account, points="100", at=clock.now, expires_in_days=30)
    accrue(account=account, points="25", at=clock.now)
    expiry_day = timezone.localdate(clock.now + timedelta(days=30))

    # then: a day before, the points are still there and announced
    day_before = clock.now + timedelta(days=29)
    assert balance(account=account, now=day_before) == {
        "active": points(125),
        "pending": 0,
        "expiring": [{"date": expiry_day, "points": points(100)}],
    }

    # when: the moment they expire, before any job
    clock.advance(days=30)

    # then
    assert active_pending(account) == (points(25), 0)
    assert balance(account=account)["expiring"] == []
    assert cached(account) == (points(125), 0)  # the cache waits for the job

    # when: the job runs, twice
    written = expire_due(now=clock.now)
    again = expire_due(now=clock.now)

    # then
    assert (written, again) == (1, 0)
    assert kinds(account)[-1] == ("expiry", points(-100))
    assert LedgerEntry.objects.get(kind="expiry").at == clock.now
    assert cached(account) == (points(25), 0)
    assert active_pending(account) == (points(25), 0)
    assert ledger_differences() == []


def test_a_write_expires_what_is_due_before_acting(account, clock):
    # given: 100 expiring in 10 days, 50 never
    accrue(account=account, points="100", at=clock.now, expires_in_days=10)
    accrue(account=account, points="50", at=clock.now)
    clock.advance(days=10)

    # when: a redemption before the job
    with pytest.raises(Conflict):
        redeem(account=account, points="51", at=clock.now)
    redeem(account=account, points="50", at=clock.now)

    # then
    assert active_pending(account) == (0, 0)
    assert expire_due(now=clock.now) == 0
    assert_cache_sound(account)


def test_a_backdated_redemption_cannot_use_points_expired_by_now(account, clock):
    # given: points that expire now, still valid at the receipt's time two hours ago
    accrue(account=account, points="40", at=clock.now - timedelta(days=10), expires_in_days=11)
    clock.advance(days=1)

    # when / then
    with pytest.raises(Conflict):
        redeem(account=account, points="10", at=clock.now - timedelta(hours=2))


def test_periodic_tasks_run_the_services(account, clock):
    # given
    accrue(account=account, points="10", at=clock.now, expires_in_days=1)
    accrue(account=account, points="7", at=clock.now, activation_days=1)
    clock.advance(days=1)

    # when
    expired = expire_points.delay().get()
    activated = activate_points.delay().get()

    # then
    assert expired == 1
    assert activated == 0  # the expiry job already brought this account up to date
    assert cached(account) == (points(7), 0)


def test_setup_periodic_tasks_is_idempotent():
    # when
    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")

    # then
    assert sorted(PeriodicTask.objects.values_list("task", flat=True)) == [
        "loyalty.tasks.activate_points",
        "loyalty.tasks.expire_points",
        "loyalty.tasks.reevaluate_lapsed_tiers",
    ]


# --- revoke ------------------------------------------------------------------------------------------------------


def test_revoke_takes_the_purchases_pending_points_first_then_active_then_owes_the_rest(account, clock):
    # given: purchase 7 earned 60 active (expires in 30 days) and 40 pending; 100 more from elsewhere (60 days)
    p1 = accrue(account=account, points="60", at=clock.now, expires_in_days=30, purchase_id=7)
    p2 = accrue(account=account, points="40", at=clock.now, activation_days=14, purchase_id=7)
    other = accrue(account=account, points="100", at=clock.now, expires_in_days=60)
    redeem(account=account, points="80", at=clock.now)  # 60 from p1, 20 from other
    assert active_pending(account) == (points(80), points(40))

    # when: purchase 7 is refunded in full
    entries = revoke(account=account, points="100", at=clock.now, purchase_id=7)

    # then: 40 from the pending lot, nothing left on p1, 60 owed
    assert [(e.lot_id, e.points) for e in entries] == [(p2.pk, points(-40)), (None, points(-60))]
    assert [lot_remaining(lot=lot) for lot in (p1, p2, other)] == [0, 0, points(80)]
    assert active_pending(account) == (points(20), 0)
    assert_cache_sound(account)


def test_revoke_may_take_the_balance_below_zero(account, clock):
    # given
    accrue(account=account, points="50", at=clock.now, purchase_id=8)
    redeem(account=account, points="50", at=clock.now)

    # when
    revoke(account=account, points="50", at=clock.now, purchase_id=8)

    # then
    assert active_pending(account) == (points(-50), 0)
    assert cached(account) == (points(-50), 0)
    with pytest.raises(Conflict):
        redeem(account=account, points="1", at=clock.now)


def test_points_owed_are_paid_by_the_next_lot_that_expires(account, clock):
    # given: 50 owed, then a lot of 100 expiring in 10 days
    accrue(account=account, points="50", at=clock.now, purchase_id=8)
    redeem(account=account, points="50", at=clock.now)
    revoke(account=account, points="50", at=clock.now, purchase_id=8)
    accrue(account=account, points="100", at=clock.now, expires_in_days=10)
    assert active_pending(account) == (points(50), 0)
    expiry_day = timezone.localdate(clock.now + timedelta(days=10))
    assert balance(account=account)["expiring"] == [{"date": expiry_day, "points": points(50)}]

    # when: the lot expires (read time first, then the job)
    clock.advance(days=10)
    before_job = active_pending(account)
    expire_due(now=clock.now)

    # then: 50 paid the debt, 50 expired; later points are not eaten by the old debt
    assert before_job == (0, 0)
    assert active_pending(account) == (0, 0)
    assert kinds(account)[-3:] == [("revoke", points(-50)), ("revoke", points(50)), ("expiry", points(-50))]
    accrue(account=account, points="30", at=clock.now)
    assert active_pending(account) == (points(30), 0)
    assert ledger_differences() == []


def test_revoke_from_given_lots(account, clock):
    # given
    first = accrue(account=account, points="10", at=clock.now)
    second = accrue(account=account, points="10", at=clock.now)

    # when
    revoke(account=account, points="4", at=clock.now, lots=[second])

    # then
    assert (lot_remaining(lot=first), lot_remaining(lot=second)) == (points(10), points(6))


# --- returns -----------------------------------------------------------------------------------------------------


def test_returns_give_points_back_to_their_lots_with_the_original_expiry(account, clock):
    # given: 100 earned at partner 1 (expires in 30 days), 60 redeemed at partner 2 for purchase 9
    earned_at, spent_at = PartnerFactory(), PartnerFactory()
    lot = accrue(account=account, points="100", at=clock.now, expires_in_days=30, partner=earned_at)
    redemption = redeem(account=account, points="60", at=clock.now, partner=spent_at, purchase_id=9)
    clock.advance(days=5)

    # when: a third of the purchase comes back, then the rest
    first = return_points(redemption_entries=redemption, points="20")
    rest = return_points(redemption_entries=redemption, fraction="1")

    # then
    assert [(e.kind, e.lot_id, e.points, e.partner_id, e.purchase_id) for e in first + rest] == [
        ("return", lot.pk, points(20), spent_at.pk, 9),
        ("return", lot.pk, points(40), spent_at.pk, 9),
    ]
    assert lot_remaining(lot=lot) == points(100)
    assert balance(account=account)["expiring"] == [{"date": timezone.localdate(lot.expires_at), "points": points(100)}]
    assert return_points(redemption_entries=redemption, fraction="1") == []
    with pytest.raises(InvalidInput):
        return_points(redemption_entries=redemption, points="0.01")
    assert_cache_sound(account)


def test_a_return_is_spread_over_the_lots_in_proportion(account, clock):
    # given: 30 taken from lot A, 70 from lot B
    lot_a = accrue(account=account, points="30", at=clock.now, expires_in_days=5)
    lot_b = accrue(account=account, points="100", at=clock.now, expires_in_days=9)
    redemption = redeem(account=account, points="100", at=clock.now)

    # when: 33.33 comes back (a third)
    returned = return_points(redemption_entries=redemption, points="33.33")

    # then: 9.999 → 10.00 and 23.331 → 23.33 (largest remainder takes the cent)
    assert [(e.lot_id, e.points) for e in returned] == [(lot_a.pk, points("10.00")), (lot_b.pk, points("23.33"))]


def test_points_returned_to_an_expired_lot_expire_at_once(account, clock):
    # given: a lot expiring in 3 days, redeemed, the purchase refunded after 4 days
    lot = accrue(account=account, points="50", at=clock.now, expires_in_days=3)
    redemption = redeem(account=account, points="50", at=clock.now)
    clock.advance(days=4)

    # when
    return_points(redemption_entries=redemption, fraction="1")

    # then
    assert kinds(account)[-2:] == [("return", points(50)), ("expiry", points(-50))]
    assert lot_remaining(lot=lot) == 0
    assert active_pending(account) == (0, 0)
    assert_cache_sound(account)


def test_only_redemptions_can_be_returned(account, clock):
    lot = accrue(account=account, points="5", at=clock.now)
    with pytest.raises(InvalidInput):
        return_points(redemption_entries=[lot], points="1")


# --- adjustments -------------------------------------------------------------------------------------------------


def test_positive_adjustment_is_an_active_lot_with_its_author_and_reason(account, clock):
    # given
    user = UserFactory(is_staff=True)

    # when
    [entry] = adjust(account=account, points="15.50", reason="  goodwill  ", user=user, expires_in_days=7)

    # then
    assert (entry.kind, entry.points, entry.reason, entry.created_by_id, entry.activation_at) == (
        "adjustment",
        points("15.50"),
        "goodwill",
        user.pk,
        None,
    )
    assert entry.expires_at == clock.now + timedelta(days=7)
    assert active_pending(account) == (points("15.50"), 0)


def test_negative_adjustment_never_goes_below_zero(account, clock):
    # given
    user = UserFactory(is_staff=True)
    accrue(account=account, points="30", at=clock.now, expires_in_days=3)
    accrue(account=account, points="30", at=clock.now)
    before = LedgerEntry.objects.count()

    # when / then
    with pytest.raises(Conflict) as error:
        adjust(account=account, points="-60.01", reason="fraud", user=user)
    assert error.value.code == "insufficient_points"
    assert LedgerEntry.objects.count() == before

    entries = adjust(account=account, points="-45", reason="fraud", user=user)
    assert [(e.kind, e.points, e.created_by_id, e.reason) for e in entries] == [
        ("adjustment", points(-30), user.pk, "fraud"),
        ("adjustment", points(-15), user.pk, "fraud"),
    ]
    assert active_pending(account) == (points(15), 0)


@pytest.mark.parametrize(("value", "reason"), [("0", "x"), ("5", ""), ("5", "   ")])
def test_adjustment_needs_points_and_a_reason(account, value, reason):
    with pytest.raises(InvalidInput):
        adjust(account=account, points=value, reason=reason, user=None)


# --- master accounts ---------------------------------------------------------------------------------------------


def test_joining_a_master_account_moves_the_points_with_their_expiry(clock):
    # given: a contact with an active lot (30 days), a pending one, a spent one
    program = ProgramFactory()
    partner = PartnerFactory()
    contact = ContactFactory()
    EnrollmentFactory(contact=contact, program=program)
    own = account_for(program=program, contact=contact)
    active_lot = accrue(
        account=own, points="100", at=clock.now, expires_in_days=30, partner=partner, purchase_id=3, campaign_id=4
    )
    pending_lot = accrue(account=own, points="40", at=clock.now, activation_days=14)
    spent = accrue(account=own, points="10", at=clock.now, expires_in_days=2)
    redemption = redeem(account=own, points="10", at=clock.now)
    master = MasterAccountFactory(program=program)

    # when
    master_account_set_members(account=master, contacts=[contact])

    # then
    pool = account_for(program=program, contact=contact)
    assert pool.master_account_id == master.pk
    assert active_pending(own) == (0, 0)
    assert active_pending(pool) == (points(100), points(40))
    moved = {entry.source_id: entry for entry in LedgerEntry.objects.filter(account=pool)}
    assert set(moved) == {active_lot.pk, pending_lot.pk}
    assert (moved[active_lot.pk].expires_at, moved[active_lot.pk].partner_id) == (active_lot.expires_at, partner.pk)
    assert (moved[active_lot.pk].purchase_id, moved[active_lot.pk].campaign_id) == (3, 4)
    assert moved[pending_lot.pk].activation_at == pending_lot.activation_at
    assert {entry.kind for entry in LedgerEntry.objects.filter(account=pool)} == {"transfer"}
    assert ledger_differences() == []

    # when: the purchase is refunded after joining (named by the account it was made on): revoked from, and
    # returned to, the pool
    revoke(account=own, points="30", at=clock.now, purchase_id=3)
    return_points(redemption_entries=redemption, fraction="1")

    # then
    assert lot_remaining(lot=spent) == 0
    assert active_pending(own) == (0, 0)
    assert active_pending(pool) == (points(80), points(40))

    # when: the contact leaves; the points stay in the pool
    master_account_set_members(account=master, contacts=[])

    # then
    assert account_for(program=program, contact=contact).pk == own.pk
    assert active_pending(pool) == (points(80), points(40))
    assert not MasterAccountMember.objects.filter(contact=contact).exists()


def test_transfer_moves_debts_too(clock):
    # given
    program = ProgramFactory()
    source, target = new_account(program), new_account(program)
    accrue(account=source, points="20", at=clock.now, purchase_id=1)
    redeem(account=source, points="20", at=clock.now)
    revoke(account=source, points="20", at=clock.now, purchase_id=1)
    accrue(account=target, points="50", at=clock.now)

    # when
    transfer_into(source=source, target=target, at=clock.now)

    # then
    assert active_pending(source) == (0, 0)
    assert active_pending(target) == (points(30), 0)
    assert ledger_differences() == []


def test_transfer_needs_two_accounts_of_one_program(clock):
    account = new_account()
    with pytest.raises(InvalidInput):
        transfer_into(source=account, target=account)
    with pytest.raises(InvalidInput):
        transfer_into(source=account, target=new_account())


# --- ledger and settlements --------------------------------------------------------------------------------------


def test_ledger_filters_by_kind_and_time(account, clock):
    # given
    accrue(account=account, points="10", at=clock.now - timedelta(days=2))
    accrue(account=account, points="20", at=clock.now)
    redeem(account=account, points="5", at=clock.now)

    # then
    assert [e.points for e in ledger(account=account)] == [points(-5), points(20), points(10)]
    assert [e.points for e in ledger(account=account, filters={"kind": "accrual"})] == [points(20), points(10)]
    since_yesterday = ledger(account=account, filters={"from": clock.now - timedelta(days=1)})
    assert [e.points for e in since_yesterday] == [points(-5), points(20)]
    assert [e.points for e in ledger(account=account, filters={"to": clock.now})] == [points(10)]
    assert list(ledger(account=None)) == []


def test_settlements_net_what_partners_owe_each_other(clock):
    # given: point value 0.50; A earns 100 at partner 1 and spends 60 at partner 2
    program = ProgramFactory(point_value=Decimal("0.50"))
    partner_1, partner_2, partner_3 = PartnerFactory(), PartnerFactory(), PartnerFactory()
    a, b = new_account(program), new_account(program)
    start = clock.now
    accrue(account=a, points="100", at=clock.now, partner=partner_1)
    redemption = redeem(account=a, points="60", at=clock.now, partner=partner_2)

    # then: partner 1 owes partner 2 60 points = 30.00
    assert settlements(program=program, start=start, end=clock.now + timedelta(seconds=1)) == [
        {"debtor": partner_1.pk, "creditor": partner_2.pk, "amount": Decimal("30.00")}
    ]

    # when: B earns 50 at partner 2 and spends 20 at partner 1; spends 5 at the partner of its lot; 10 of A's
    # redemption come back; a lot without partner (an adjustment) is spent at partner 3
    accrue(account=b, points="50", at=clock.now, partner=partner_2)
    redeem(account=b, points="20", at=clock.now, partner=partner_1)
    redeem(account=b, points="5", at=clock.now, partner=partner_2)
    return_points(redemption_entries=redemption, points="10")
    adjust(account=b, points="8", reason="gift", user=None)
    redeem(account=b, points="33", at=clock.now, partner=partner_3)

    # then: (60 − 10 − 20) × 0.50 = 15.00, and 25 of B's partner-2 points spent at partner 3 = 12.50
    result = settlements(program=program, start=start, end=clock.now + timedelta(seconds=1))
    assert result == [
        {"debtor": partner_1.pk, "creditor": partner_2.pk, "amount": Decimal("15.00")},
        {"debtor": partner_2.pk, "creditor": partner_3.pk, "amount": Decimal("12.50")},
    ]
    assert settlements(program=program, start=clock.now + timedelta(seconds=1)) == []
    assert settlements(program=ProgramFactory()) == []


def test_opposite_flows_cancel_out(clock):
    # given
    program = ProgramFactory()
    partner_1, partner_2 = PartnerFactory(), PartnerFactory()
    a, b = new_account(program), new_account(program)
    accrue(account=a, points="40", at=clock.now, partner=partner_1)
    accrue(account=b, points="40", at=clock.now, partner=partner_2)

    # when
    redeem(account=a, points="25", at=clock.now, partner=partner_2)
    redeem(account=b, points="25", at=clock.now, partner=partner_1)

    # then
    assert settlements(program=program) == []


# --- ledger_check ------------------------------------------------------------------------------------------------


def test_ledger_check_is_clean_and_finds_a_tampered_balance(account, clock, capsys):
    # given
    accrue(account=account, points="100", at=clock.now, expires_in_days=1)
    accrue(account=account, points="20", at=clock.now, activation_days=3)
    redeem(account=account, points="30", at=clock.now)

    # when / then: clean
    call_command("ledger_check")
    assert "agrees" in capsys.readouterr().out

    # when: someone changes the cached balance behind the ledger's back
    Account.objects.filter(pk=account.pk).update(active=F("active") + 1)

    # then
    with pytest.raises(CommandError) as error:
        call_command("ledger_check")
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert f"account {account.pk}: balance: cached active 71.00 / pending 20.00, entries active 70.00" in out


def test_ledger_check_finds_a_lot_taken_below_zero(account, clock):
    # given: an entry written around the services
    lot = accrue(account=account, points="10", at=clock.now)
    LedgerEntry.objects.create(account=account, kind="redemption", points="-11", lot=lot, at=clock.now)
    Account.objects.filter(pk=account.pk).update(active=F("active") - 11)

    # then
    assert [problem["problem"] for problem in ledger_differences()] == [f"entry {lot.pk} overdrawn"]


# --- properties --------------------------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("accrue"),
            AMOUNTS,
            st.sampled_from([0, 2]),
            st.sampled_from([None, 1, 3, 30]),
            st.sampled_from([None, 1, 2]),
        ),
        st.tuples(st.just("redeem"), AMOUNTS),
        st.tuples(st.just("adjust"), AMOUNTS, st.booleans()),
        st.tuples(st.just("revoke"), AMOUNTS, st.sampled_from([None, 1, 2])),
        st.tuples(st.just("return"), st.sampled_from(["0.5", "1"])),
        st.tuples(st.just("advance"), st.sampled_from([1, 2, 5])),
        st.tuples(st.just("jobs")),
    ),
    min_size=1,
    max_size=25,
)
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _total(account: Account) -> Decimal:
    active, pending = active_pending(account)
    return active + pending


@PROPERTY_SETTINGS
@given(operations=OPERATIONS)
def test_property_cached_balance_always_equals_the_entries(db, operations):
    with frozen_clock() as clock:
        account = new_account()
        redemptions: list[list[LedgerEntry]] = []
        for operation in operations:
            kind = operation[0]
            before_entries = LedgerEntry.objects.count()
            active_before, _pending_before = active_pending(account)
            total_before = _total(account)
            if kind == "accrue":
                _kind, amount, activation, expires, purchase = operation
                accrue(
                    account=account,
                    points=amount,
                    at=clock.now,
                    activation_days=activation,
                    expires_in_days=expires,
                    purchase_id=purchase,
                )
                assert _total(account) == total_before + amount
            elif kind in ("redeem", "adjust") and (kind == "redeem" or not operation[2]):
                amount = operation[1]
                try:
                    if kind == "redeem":
                        redemptions.append(redeem(account=account, points=amount, at=clock.now))
                    else:
                        adjust(account=account, points=-amount, reason="property", user=None)
                except Conflict:
                    assert amount > active_before
                    assert LedgerEntry.objects.count() == before_entries
                else:
                    assert amount <= active_before
                    assert active_pending(account)[0] == active_before - amount
                    assert active_pending(account)[0] >= 0
            elif kind == "adjust":
                adjust(account=account, points=operation[1], reason="property", user=None)
                assert _total(account) == total_before + operation[1]
            elif kind == "revoke":
                revoke(account=account, points=operation[1], at=clock.now, purchase_id=operation[2])
                assert _total(account) == total_before - operation[1]
            elif kind == "return" and redemptions:
                return_points(redemption_entries=redemptions[0], fraction=operation[1])
            elif kind == "advance":
                clock.advance(days=operation[1])
            elif kind == "jobs":
                shown = active_pending(account)
                expire_due(now=clock.now)
                activate_due(now=clock.now)
                assert active_pending(account) == shown  # the jobs change what is written, not what is shown
                assert cached(account) == shown
            assert_cache_sound(account)
        expire_due(now=clock.now)
        activate_due(now=clock.now)
        assert cached(account) == active_pending(account)
        assert ledger_differences() == []


@PROPERTY_SETTINGS
@given(
    lots=st.lists(AMOUNTS, min_size=1, max_size=5),
    share=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2),
    parts=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1"), places=2), max_size=4),
)
def test_property_returning_every_part_gives_back_exactly_what_was_taken(db, lots, share, parts):
    with frozen_clock() as clock:
        # given: lots with different expiries, a redemption of a share of them
        account = new_account()
        made = [
            accrue(account=account, points=amount, at=clock.now, expires_in_days=index + 1)
            for index, amount in enumerate(lots)
        ]
        total = sum(lots, Decimal(0))
        taken = max(Decimal("0.01"), (total * share).quantize(Decimal("0.01")))
        before = [lot_remaining(lot=lot) for lot in made]
        redemption = redeem(account=account, points=taken, at=clock.now)
        assert sum(e.points for e in redemption) == -taken

        # when: refunded in parts, each a share of what is left, then the rest
        returned = Decimal(0)
        for part in parts:
            left = taken - returned
            amount = (left * part).quantize(Decimal("0.01"))
            if amount <= 0 or amount >= left:
                continue
            returned += sum(e.points for e in return_points(redemption_entries=redemption, points=amount))
        returned += sum(e.points for e in return_points(redemption_entries=redemption, fraction="1"))

        # then
        assert returned == taken
        assert [lot_remaining(lot=lot) for lot in made] == before
        assert_cache_sound(account)


def test_clock_helper_moves_forward():
    clock = Clock()
    start = clock.now
    assert clock.advance(hours=1) == start + timedelta(hours=1)
