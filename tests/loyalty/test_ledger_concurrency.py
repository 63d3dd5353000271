"""The ledger under real concurrent transactions on PostgreSQL: no double spend, balances exact."""

from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from common.errors import Conflict
from loyalty.models import Account, LedgerEntry
from loyalty.selectors import balance, ledger_differences
from loyalty.services.ledger import account_for, accrue, redeem, transfer_into
from tests.concurrency import run_in_threads
from tests.factories import ContactFactory, ProgramFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks need PostgreSQL",
    ),
]


def _new_account(points: str) -> Account:
    account = account_for(program=ProgramFactory(), contact=ContactFactory())
    accrue(account=account, points=points, at=timezone.now())
    return account


def test_32_concurrent_redemptions_never_overspend(transactional_db):
    # given: 200 active points
    account = _new_account("200")

    # when: 32 registers redeem 10 each at once
    def work(_index: int) -> str:
        redeem(account=Account.objects.get(pk=account.pk), points="10", at=timezone.now())
        return "ok"

    results = run_in_threads(32, work)

    # then
    outcomes = Counter(
        result if isinstance(result, str) else getattr(result, "code", repr(result)) for result in results
    )
    assert outcomes == {"ok": 20, "insufficient_points": 12}
    assert all(isinstance(result, str | Conflict) for result in results)
    assert balance(account=account)["active"] == Decimal("0.00")
    account.refresh_from_db()
    assert (account.active, account.pending) == (Decimal("0.00"), Decimal("0.00"))
    assert LedgerEntry.objects.filter(account=account, kind="redemption").count() == 20
    assert ledger_differences() == []


def test_concurrent_accruals_redemptions_and_transfers_keep_the_cache_exact(transactional_db):
    # given: two accounts of one program with 100 points each
    program = ProgramFactory()
    first = account_for(program=program, contact=ContactFactory())
    second = account_for(program=program, contact=ContactFactory())
    for account in (first, second):
        accrue(account=account, points="100", at=timezone.now(), expires_in_days=30)

    # when: accruals, redemptions and transfers both ways, all at once
    def work(index: int) -> str:
        mine, other = (first, second) if index % 2 else (second, first)
        step = index % 4
        if step == 0:
            accrue(account=Account.objects.get(pk=mine.pk), points="7", at=timezone.now(), activation_days=index % 3)
        elif step == 1:
            redeem(account=Account.objects.get(pk=mine.pk), points="9", at=timezone.now())
        else:
            transfer_into(source=Account.objects.get(pk=mine.pk), target=Account.objects.get(pk=other.pk))
        return "ok"

    results = run_in_threads(24, work)

    # then: nothing but insufficient points went wrong, and the ledger proves every cached balance
    assert all(result == "ok" or getattr(result, "code", None) == "insufficient_points" for result in results), results
    assert ledger_differences() == []
    total = sum(balance(account=account)["active"] + balance(account=account)["pending"] for account in (first, second))
    accrued = Decimal(7) * sum(1 for index in range(24) if index % 4 == 0)
    redeemed = Decimal(9) * sum(1 for index, result in enumerate(results) if index % 4 == 1 and result == "ok")
    assert total == Decimal(200) + accrued - redeemed
