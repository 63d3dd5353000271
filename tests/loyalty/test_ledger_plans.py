"""The ledger's per-receipt reads stay within the account's index ranges in PostgreSQL's plan for any values (the
plan a prepared statement keeps), even when the statistics are older than the account's lots.

The statistics here are taken while no lot has an expiry or an activation date (a program without either), then one
account gets hundreds of lots with both (a campaign whose points expire): the planner, told that those columns are
all empty, once read every entry of the account for each of these tests, on every receipt of that account."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from psycopg import sql

from loyalty.selectors.cached import _cached_pair_sql
from loyalty.selectors.fifo import FIRST_LOTS, first_lots_statement
from loyalty.services.ledger import LotSpec, accrue, accrue_lots
from loyalty.services.ledger.core import _activating_sql
from tests.loyalty.ledger_support import frozen_clock, new_account

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's generic plans"),
]

LOTS = 400


def _entries_read(plan: dict[str, Any]) -> int:
    """Rows the plan's scans of the account's entries produced or filtered out, over all their loops (the lookups of
    a lot's movements, by `lot_id`, are not counted: a lot has a few)."""
    own = 0
    conditions = f"{plan.get('Index Cond', '')} {plan.get('Filter', '')}"
    if plan.get("Relation Name") == "loyalty_ledgerentry" and "account_id" in conditions:
        own = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * plan.get("Actual Loops", 1)
    return own + sum(_entries_read(child) for child in plan.get("Plans", []))


def _generic_plan_reads(text: str, params: list[Any]) -> int:
    numbered = text
    for position in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${position}", 1)
    raw = connection.connection
    literals = ", ".join(sql.Literal(value).as_string(raw) for value in params)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE ledger_plan_test AS {numbered}")
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ledger_plan_test({literals})")
            [[document]] = cursor.fetchall()
        finally:
            cursor.execute("DEALLOCATE ledger_plan_test")
    return _entries_read(document[0]["Plan"])


def test_the_receipts_ledger_reads_stay_in_range_with_old_statistics():
    with frozen_clock() as clock:
        # given: statistics taken when no lot had an expiry or an activation date
        for _ in range(20):
            accrue(account=new_account(), points="10.00", at=clock.now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE loyalty_ledgerentry")
        # and: then one account with hundreds of lots that expire, half of them spent or activating later
        account = new_account()
        lots = [
            LotSpec(points="5.00", activation_days=index % 2, expires_in_days=30 + index % 90) for index in range(LOTS)
        ]
        accrue_lots(account=account, lots=lots, at=clock.now - timedelta(hours=1))
        now, moment = clock.now, clock.now
        account.refresh_from_db()
        # when: each per-receipt test runs in the plan for any values
        reads = {
            "staleness": _generic_plan_reads(_cached_pair_sql(connection.vendor), [moment, moment, moment, account.pk]),
            "activation": _generic_plan_reads(
                _activating_sql(connection.vendor), [account.pk, account.balance_at, now]
            ),
            "first lots": _generic_plan_reads(*first_lots_statement(account=account, now=now, horizon=now)),
        }
    # then: none reads the account's entries beyond its index range (a few rows, not the account's hundreds)
    assert all(count <= 2 * FIRST_LOTS for count in reads.values()), reads
    assert account.active == Decimal("5.00") * (LOTS // 2)
