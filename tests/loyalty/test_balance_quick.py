"""`balance_quick` (the cached pair when it is current) always answers what `balance` computes from the entries."""

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from common.errors import Conflict
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import balance, balance_quick, cache_is_current
from loyalty.services.ledger import accrue, activate_due, adjust, expire_due, redeem, return_points, revoke
from tests.loyalty.ledger_support import frozen_clock, new_account

pytestmark = pytest.mark.django_db

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("300"), places=2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("accrue"),
            AMOUNTS,
            st.sampled_from([0, 1, 2]),
            st.sampled_from([None, 1, 2, 3, 30]),
            st.sampled_from([None, 1, 2]),
            st.sampled_from([0, 1, 3]),  # days the receipt is backdated
        ),
        st.tuples(st.just("redeem"), AMOUNTS),
        st.tuples(st.just("adjust"), AMOUNTS, st.booleans()),
        st.tuples(st.just("revoke"), AMOUNTS, st.sampled_from([None, 1, 2])),
        st.tuples(st.just("return"), st.sampled_from(["0.5", "1"])),
        st.tuples(st.just("advance"), st.sampled_from([1, 6, 24, 49, 72])),  # hours
        st.tuples(st.just("activate_job")),
        st.tuples(st.just("expire_job")),
    ),
    min_size=1,
    max_size=25,
)
# Moments the balance is read at, relative to the clock: the past (a request older than the last write) included.
OFFSETS = [timedelta(hours=hours) for hours in (-50, -1, 0, 1, 25, 49, 24 * 4)]


def _assert_quick_equals_full(account: Account, now) -> None:  # type: ignore[no-untyped-def]
    fresh = Account.objects.get(pk=account.pk)
    for offset in OFFSETS:
        moment = now + offset
        full = balance(account=fresh, now=moment)
        quick = balance_quick(account=fresh, now=moment)
        assert quick == {"active": full["active"], "pending": full["pending"]}, (offset, fresh.balance_at)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
# The activation job moves `balance_at` past an expiry it does not write: the cache is stale though no lot
# expires after `balance_at`.
@example(
    operations=[
        ("accrue", Decimal("10"), 0, 1, None, 0),
        ("accrue", Decimal("5"), 2, None, None, 0),
        ("advance", 49),
        ("activate_job",),
    ]
)
def test_property_quick_balance_equals_the_full_balance(db, operations):
    with frozen_clock() as clock:
        account = new_account()
        redemptions: list[list[LedgerEntry]] = []
        for operation in operations:
            kind = operation[0]
            if kind == "accrue":
                _kind, amount, activation, expires, purchase, back = operation
                accrue(
                    account=account,
                    points=amount,
                    at=clock.now - timedelta(days=back),
                    activation_days=activation,
                    expires_in_days=expires,
                    purchase_id=purchase,
                )
            elif kind == "redeem":
                with suppress(Conflict):
                    redemptions.append(redeem(account=account, points=operation[1], at=clock.now))
            elif kind == "adjust":
                signed = operation[1] if operation[2] else -operation[1]
                with suppress(Conflict):
                    adjust(account=account, points=signed, reason="property", user=None)
            elif kind == "revoke":
                revoke(account=account, points=operation[1], at=clock.now, purchase_id=operation[2])
            elif kind == "return" and redemptions and redemptions[0]:
                try:
                    return_points(redemption_entries=redemptions[0], fraction=operation[1])
                except Exception:  # nothing left to return
                    redemptions.pop(0)
            elif kind == "advance":
                clock.advance(hours=operation[1])
            elif kind == "activate_job":
                activate_due(now=clock.now)
            elif kind == "expire_job":
                expire_due(now=clock.now)
            _assert_quick_equals_full(account, clock.now)


def test_quick_balance_uses_the_cache_only_when_it_is_current(db):
    with frozen_clock() as clock:
        account = new_account()
        accrue(account=account, points="100", at=clock.now, expires_in_days=2)
        accrue(account=account, points="50", at=clock.now, activation_days=1)
        accrue(account=account, points="7", at=clock.now, activation_days=3)
        fresh = Account.objects.get(pk=account.pk)
        assert cache_is_current(account=fresh, now=clock.now)
        assert balance_quick(account=fresh, now=clock.now) == {"active": Decimal("100.00"), "pending": Decimal("57.00")}
        later = clock.now + timedelta(days=1, hours=1)  # the 50 have activated, not yet in the cache
        assert not cache_is_current(account=fresh, now=later)
        assert balance_quick(account=fresh, now=later) == {"active": Decimal("150.00"), "pending": Decimal("7.00")}
        activate_due(now=later)  # balance_at moves past the activation, expiries are not written
        fresh = Account.objects.get(pk=account.pk)
        assert cache_is_current(account=fresh, now=later)
        # the 100 have expired and the 7 activated: the job moves balance_at past the expiry without writing it
        expired = clock.now + timedelta(days=3, hours=1)
        activate_due(now=expired)
        fresh = Account.objects.get(pk=account.pk)
        assert fresh.balance_at == expired
        assert not cache_is_current(account=fresh, now=expired)
        assert balance_quick(account=fresh, now=expired) == {"active": Decimal("57.00"), "pending": Decimal("0.00")}


def test_quick_balance_without_account_is_zero():
    assert balance_quick(account=None) == {"active": Decimal("0.00"), "pending": Decimal("0.00")}
