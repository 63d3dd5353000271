"""Reads of the points ledger: balances as of a moment, lots' remaining points, the ledger, settlements, checks.

Terms (see `loyalty.models.ledger`): a *root* is an entry without `lot`; a root with positive points is a *lot*, one
with negative points a *debt* (revoked points the account could not cover). A root's remaining points are its own
plus those of the entries that name it.
"""

from loyalty.selectors.accounts import account_find, ledger, settlements
from loyalty.selectors.balances import (
    HALF_CENT,
    ExpiryStep,
    account_roots,
    accounts_roots,
    balance,
    balance_from_roots,
    expiry_plan,
    is_pending,
    lot_remaining,
    roots_with_remaining,
)
from loyalty.selectors.cached import balance_quick, cache_is_current, expiry_due, ledger_differences, recompute_cached
from loyalty.selectors.contacts import ProgramPoints, contact_points

__all__ = [
    "HALF_CENT",
    "ExpiryStep",
    "ProgramPoints",
    "account_find",
    "account_roots",
    "accounts_roots",
    "balance",
    "balance_from_roots",
    "balance_quick",
    "cache_is_current",
    "contact_points",
    "expiry_due",
    "expiry_plan",
    "is_pending",
    "ledger",
    "ledger_differences",
    "lot_remaining",
    "recompute_cached",
    "roots_with_remaining",
    "settlements",
]
