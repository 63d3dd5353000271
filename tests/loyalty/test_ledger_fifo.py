"""`takeable_lots` (the lots a redemption reaches, read in one statement) and the writer's first read of the first lots
alone (`first_lots`) against the full read they replace (`account_roots` then the takes `_active_takes` builds): on
random ledgers, the same lots taken in the same order, the same refusal, the same due expiry, whatever the points
asked, the moment and the receipt's time."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import Conflict
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import account_roots, expiry_plan, fifo
from loyalty.selectors.fifo import takeable_lots
from loyalty.services.ledger import accrue, activate_due, adjust, expire_due, redeem, revoke
from loyalty.services.ledger.core import _active_takes, _insufficient, _synced_takes, _take
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
    for operation in operations:
        kind = operation[0]
        if kind == "accrue":
            _kind, amount, activation, expires, back = operation
            at = clock.now - timedelta(days=back)
            accrue(account=account, points=amount, at=at, activation_days=activation, expires_in_days=expires)
        elif kind == "redeem":
            with suppress(Conflict):
                redeem(account=account, points=operation[1], at=clock.now)
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

        first = fifo.first_lots(account_id=account.pk, now=clock.now, horizon=clock.now)

        lots = list(first.lots())
        assert len(lots) == fifo.FIRST_LOTS
        assert [lot.remaining for lot in lots[:2]] == [Decimal("5.00"), Decimal("10.00")]  # type: ignore[attr-defined]
        assert [lot.expires_at for lot in lots] == sorted(lot.expires_at for lot in lots)
        assert first.total == Decimal("5.00") + (fifo.FIRST_LOTS - 1) * Decimal("10.00")
        assert not first.expiry_due
