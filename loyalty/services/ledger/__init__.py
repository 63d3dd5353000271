"""The points ledger's writes: accrue, redeem, revoke, return, adjust, expire, activate, transfer.

Every function is one transaction. It locks the account rows first (by pk, `loyalty.lock_objects`), then brings the
account up to date as of now (`_sync`: the cached pending points whose activation has passed move to active, and the
lots that have expired get their expiry entries), then writes its entries and the new cached balance. Because each
write first expires what is due, what a write does never depends on whether the periodic job has run yet.

Rules picked here (see also `loyalty.selectors.expiry_plan`):
- Redemptions take from lots active now and not expired at `max(at, now)`, earliest expiry first, never-expiring
  last, then earliest created; they never take the active balance (as of now, expiry applied) below zero.
- Revokes take from the purchase's lots (or the lots given), pending first, then active (from the pool if the
  contact has joined a master account since); what those lots no longer hold becomes a debt (a revoke entry
  without lot): the balance may go below zero. Debts are paid by the next lots that expire (they settle the debt
  instead of expiring), so covering a debt never comes undone.
- Returns give redeemed points back to the lots they came from (following a lot that was moved into a master
  account) with the lot's own activation and expiry; points returned to a lot that has meanwhile expired expire at
  once (an expiry entry right after the return). Points returned to the own account of a contact who has since
  joined a master account move on into the pool.
- A contact joining a master account moves all its lots and debts into the pool; leaving one, the points stay in
  the pool (they were pooled; the contact's own account starts again from what it earns next).
"""

from loyalty.services.ledger.accounts import account_for, master_account_points_account, transfer_into
from loyalty.services.ledger.core import BATCH_SIZE, LOT_KINDS
from loyalty.services.ledger.jobs import activate_due, expire_due
from loyalty.services.ledger.reversals import return_points, revoke
from loyalty.services.ledger.writes import LotSpec, accrue, accrue_lots, adjust, receipt_settle, redeem

__all__ = [
    "BATCH_SIZE",
    "LOT_KINDS",
    "LotSpec",
    "account_for",
    "accrue",
    "accrue_lots",
    "activate_due",
    "adjust",
    "expire_due",
    "master_account_points_account",
    "receipt_settle",
    "redeem",
    "return_points",
    "revoke",
    "transfer_into",
]
