"""`takeable_lots` (the lots a redemption reaches, read in one statement) and the writer's first read of the first lots
alone (`first_lots`) against the full read they replace (`account_roots` then the takes `_active_takes` builds): on
random ledgers, the same lots taken in the same order, the same refusal, the same due expiry, whatever the points
asked, the moment and the receipt's time."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import Conflict, InvalidInput
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import account_roots, expiry_plan, fifo
from loyalty.selectors.fifo import takeable_lots
from loyalty.services.ledger import accrue, activate_due, adjust, expire_due, redeem, return_points, revoke
from loyalty.services.ledger.core import _active_takes, _before, _insufficient, _synced_takes, _take
from tests.loyalty.ledger_support import frozen_clock, new_account

pytestmark = pytest.mark.django_db

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("120"), places=2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("accrue"),
            AMOUNTS,
            st.sampled_from([0, 0, 1, 2]),  # activation days
            st.sampled_from([None, 1, 2, 3, 30]),  # expiry days
            st.sampled_from([0, 0, 1]),  # days the receipt is backdated
        ),
        st.tuples(st.just("redeem"), AMOUNTS),
        st.tuples(st.just("return"), st.sampled_from([Decimal("0.25"), Decimal("1")])),  # of the last redemption
        st.tuples(st.just("adjust"), AMOUNTS, st.booleans()),
        st.tuples(st.just("revoke"), AMOUNTS),
        st.tuples(st.just("advance"), st.sampled_from([1, 6, 25, 49])),  # hours
        st.tuples(st.just("expire_job")),
        st.tuples(st.just("activate_job")),
    ),
    min_size=1,
    max_size=30,
)
ASKED = st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400"), places=2), min_size=1, max_size=4)


def _make(lot: LedgerEntry, taken: Decimal) -> tuple[int, Decimal]:
    return lot.pk, taken


def _full(account: Account, points: Decimal, at, now):  # type: ignore[no-untyped-def]
    """What the full read decides: the takes, or the refusal's available points; and whether an expiry is due."""
    roots = account_roots(account=account)
    due = bool(expiry_plan(roots, until=now))
    try:
        return due, _active_takes(roots=roots, points=points, at=at, now=now, make=_make)
    except Conflict as refusal:
        return due, refusal.message


def _one_statement(account: Account, points: Decimal, at, now):  # type: ignore[no-untyped-def]
    found = takeable_lots(account_id=account.pk, points=points, now=now, horizon=max(at, now))
    if points > found.available:
        return found.expiry_due, _insufficient(found.available).message
    return found.expiry_due, _take(found.lots, points, _make)


def _build(account: Account, clock, operations) -> None:  # type: ignore[no-untyped-def]
    redemptions: list[list[LedgerEntry]] = []
    for operation in operations:
        kind = operation[0]
        if kind == "accrue":
            _kind, amount, activation, expires, back = operation
            at = clock.now - timedelta(days=back)
            accrue(account=account, points=amount, at=at, activation_days=activation, expires_in_days=expires)
        elif kind == "redeem":
            with suppress(Conflict):
                redemptions.append(redeem(account=account, points=operation[1], at=clock.now))
        elif kind == "return":
            if redemptions:
                with suppress(Conflict, InvalidInput):
                    return_points(redemption_entries=redemptions[-1], fraction=operation[1], at=clock.now)
        elif kind == "adjust":
            with suppress(Conflict):
                adjust(account=account, points=operation[1] if operation[2] else -operation[1], reason="p", user=None)
        elif kind == "revoke":
            revoke(account=account, points=operation[1], at=clock.now)
        elif kind == "advance":
            clock.advance(hours=operation[1])
        elif kind == "expire_job":
            expire_due(now=clock.now)
        else:
            activate_due(now=clock.now)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS, asked=ASKED, later=st.sampled_from([0, 1, 30, 50]), back=st.sampled_from([0, 0, 26]))
def test_property_the_one_statement_takes_what_the_full_read_takes(db, operations, asked, later, back):
    with frozen_clock() as clock:
        account = new_account()
        _build(account, clock, operations)
        _assert_no_points_before_the_position(account)
        now = clock.now + timedelta(hours=later)
        at = now - timedelta(hours=back)
        for points in asked:
            due, full = _full(account, points, at, now)
            one_due, one = _one_statement(account, points, at, now)
            assert one_due == due
            if not due:  # with an expiry due the writer syncs the full way first: the takes are not compared
                assert one == full, (points, full, one)
                for first in (1, 2, 32):  # the first lots alone, then the full read when they fall short
                    assert _first_lots_first(account, points, at, now, first) == full, (points, first, full)


def _assert_no_points_before_the_position(account: Account) -> None:
    """The account's spent-lots position, as the writes left it: no lot (root) before it holds points."""
    account.refresh_from_db()
    if account.spent_before_id is None:
        return
    held = [root for root in account_roots(account=account) if root.remaining > 0]  # type: ignore[attr-defined]
    early = [root.pk for root in held if _before(root.expires_at, root.pk, account)]
    assert not early, (account.spent_before_expires, account.spent_before_id, early)


def _first_lots_first(account: Account, points: Decimal, at, now, first: int):  # type: ignore[no-untyped-def]
    """What the writer takes (`_synced_takes`: the first lots, the full read when they fall short or the cache cannot
    vouch for the active total), on a fresh instance of the account as the writer's lock reads it."""
    with mock.patch.object(fifo, "FIRST_LOTS", first):
        try:
            return _synced_takes(Account.objects.get(pk=account.pk), now, points=points, at=at, make=_make)
        except Conflict as refusal:
            return refusal.message


def test_it_reads_only_the_lots_the_redemption_reaches(db):
    with frozen_clock() as clock:
        account = new_account()
        for day in range(1, 41):
            accrue(account=account, points="10.00", at=clock.now, expires_in_days=day)
        accrue(account=account, points="5.00", at=clock.now)  # never expires: taken last
        found = takeable_lots(account_id=account.pk, points=Decimal("25.00"), now=clock.now, horizon=clock.now)
        assert [lot.remaining for lot in found.lots] == [Decimal("10.00")] * 3  # type: ignore[attr-defined]
        assert [lot.expires_at for lot in found.lots] == sorted(lot.expires_at for lot in found.lots)
        assert found.available == Decimal("405.00")
        assert not found.expiry_due
        redeem(account=account, points="25.00", at=clock.now)  # leaves 5 in the third lot
        found = takeable_lots(account_id=account.pk, points=Decimal("5.00"), now=clock.now, horizon=clock.now)
        assert [lot.remaining for lot in found.lots] == [Decimal("5.00")]  # type: ignore[attr-defined]
        everything = takeable_lots(account_id=account.pk, points=Decimal("999.00"), now=clock.now, horizon=clock.now)
        assert len(everything.lots) == 39  # the third, the 37 later ones and the never-expiring one
        assert everything.lots[-1].expires_at is None
        assert everything.available == Decimal("380.00")

        def due() -> bool:
            return takeable_lots(
                account_id=account.pk, points=Decimal("1"), now=clock.now, horizon=clock.now
            ).expiry_due

        clock.advance(days=2, hours=1)  # the first two lots have expired, spent: nothing is due
        assert not due()
        clock.advance(days=1)  # the third lot, holding 5, has expired: an expiry is due
        assert due()


def test_the_first_lots_skip_the_spent_ones_and_stop_at_the_limit(db):
    with frozen_clock() as clock:
        account = new_account()
        for day in range(1, 41):
            accrue(account=account, points="10.00", at=clock.now, expires_in_days=day)
        redeem(account=account, points="25.00", at=clock.now)  # the first two lots spent, 5 left in the third

        account.refresh_from_db()
        first = fifo.first_lots(account=account, now=clock.now, horizon=clock.now)

        # the redemption left the read's start at the third lot, the first still holding points
        assert account.spent_before_id == first.start().pk  # type: ignore[union-attr]
        assert account.spent_before_expires == clock.now + timedelta(days=3)
        assert len(first.rows) == fifo.FIRST_LOTS
        lots = list(first.lots())
        assert len(lots) == fifo.FIRST_LOTS
        assert [lot.remaining for lot in lots[:2]] == [Decimal("5.00"), Decimal("10.00")]  # type: ignore[attr-defined]
        assert [lot.expires_at for lot in lots] == sorted(lot.expires_at for lot in lots)
        assert first.total == Decimal("5.00") + (fifo.FIRST_LOTS - 1) * Decimal("10.00")
        assert not first.expiry_due


def _taken_from(entries: list[LedgerEntry]) -> list[int | None]:
    return [entry.lot_id for entry in entries]


def test_a_new_lot_that_expires_earlier_is_taken_first_after_the_earlier_ones_were_spent(db):
    with frozen_clock() as clock:
        account = new_account()
        first = accrue(account=account, points="10.00", at=clock.now, expires_in_days=30)
        later = accrue(account=account, points="10.00", at=clock.now, expires_in_days=60)
        redeem(account=account, points="10.00", at=clock.now)  # the first lot emptied: the read starts at `later`
        account.refresh_from_db()
        assert (account.spent_before_id, first.pk) == (later.pk, first.pk)

        sooner = accrue(account=account, points="5.00", at=clock.now, expires_in_days=10)
        account.refresh_from_db()
        assert account.spent_before_id == sooner.pk  # a lot before the position moved it back

        assert _taken_from(redeem(account=account, points="5.00", at=clock.now)) == [sooner.pk]


def test_points_returned_to_a_spent_lot_are_taken_first_again(db):
    with frozen_clock() as clock:
        account = new_account()
        first = accrue(account=account, points="10.00", at=clock.now, expires_in_days=30)
        accrue(account=account, points="10.00", at=clock.now, expires_in_days=60)
        taken = redeem(account=account, points="10.00", at=clock.now)

        return_points(redemption_entries=taken, fraction=1, at=clock.now)
        account.refresh_from_db()
        assert account.spent_before_id is None  # points given back to a lot: the read starts from the first lot

        assert _taken_from(redeem(account=account, points="4.00", at=clock.now)) == [first.pk]


def test_the_position_among_never_expiring_lots(db):
    with frozen_clock() as clock:
        account = new_account()
        dated = accrue(account=account, points="3.00", at=clock.now, expires_in_days=5)
        lasting = [accrue(account=account, points="10.00", at=clock.now) for _ in range(3)]
        redeem(account=account, points="13.00", at=clock.now)  # the dated lot and the first lasting one
        account.refresh_from_db()
        assert (account.spent_before_expires, account.spent_before_id) == (None, lasting[1].pk)

        assert _taken_from(redeem(account=account, points="12.00", at=clock.now)) == [lasting[1].pk, lasting[2].pk]
        again = accrue(account=account, points="2.00", at=clock.now, expires_in_days=1)  # dated: before all of them
        account.refresh_from_db()
        assert (account.spent_before_id, dated.pk) == (again.pk, dated.pk)
        assert _taken_from(redeem(account=account, points="2.00", at=clock.now)) == [again.pk]


def test_ledger_check_finds_a_position_with_points_before_it(db, capsys):
    with frozen_clock() as clock:
        account = new_account()
        first = accrue(account=account, points="10.00", at=clock.now, expires_in_days=30)
        later = accrue(account=account, points="10.00", at=clock.now, expires_in_days=60)
        redeem(account=account, points="4.00", at=clock.now)
    call_command("ledger_check")  # clean: the position is the first lot, still holding 6 points
    # when: the position is moved past the lot that still holds points
    Account.objects.filter(pk=account.pk).update(spent_before_expires=later.expires_at, spent_before_id=later.pk)
    # then: ledger_check names the account and the lot passed over
    with pytest.raises(CommandError, match="1 spent-lots position"):
        call_command("ledger_check")
    assert (
        f"account {account.pk}: 1 lot(s) before its spent-lots position hold points (the first: entry {first.pk})"
        in (capsys.readouterr().out)
    )
