"""Helpers of the ledger tests: a controllable clock and small builders."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from loyalty.models import Account, LedgerEntry
from loyalty.selectors import balance, recompute_cached
from loyalty.services.ledger import account_for
from tests.factories import ContactFactory, EnrollmentFactory, ProgramFactory

_real_now = timezone.now


class Clock:
    """`django.utils.timezone.now` under control: starts at the real now (minute precision), moves forward."""

    def __init__(self) -> None:
        self.now = _real_now().replace(second=0, microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@contextmanager
def frozen_clock() -> Iterator[Clock]:
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def new_account(program=None) -> Account:  # type: ignore[no-untyped-def]
    """A contact enrolled in a program (a new one unless given) and its points account."""
    program = program or ProgramFactory()
    contact = ContactFactory()
    EnrollmentFactory(contact=contact, program=program)
    return account_for(program=program, contact=contact)


def points(value: str | int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def active_pending(account: Account, now: datetime | None = None) -> tuple[Decimal, Decimal]:
    result = balance(account=account, now=now or timezone.now())
    return result["active"], result["pending"]


def cached(account: Account) -> tuple[Decimal, Decimal]:
    account.refresh_from_db()
    return account.active, account.pending


def assert_cache_sound(account: Account) -> None:
    """The cached pair equals the pair derived from the entries (as of the cache's own moment)."""
    assert cached(account) == recompute_cached(account=account)


def kinds(account: Account) -> list[tuple[str, Decimal]]:
    """The account's entries, oldest first, as (kind, points)."""
    return [(e.kind, e.points) for e in LedgerEntry.objects.filter(account=account).order_by("pk")]
