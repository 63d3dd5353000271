"""The processing centre's periodic jobs (registered in common.jobs by LoyaltyConfig.ready): each idempotent for a
given time, each answering with a short summary."""

from datetime import datetime

from loyalty.services.ledger import activate_due, expire_due
from loyalty.services.reminders import birthdays_record, points_expiring_record
from loyalty.services.tiers import tiers_lapsed


def expire_points(at: datetime) -> str:
    """Write the expiry entries of the lots expired by `at`."""
    return f"{expire_due(now=at)} expiry entries written"


def activate_points(at: datetime) -> str:
    """Move the pending points whose activation has passed by `at` into the active balances."""
    return f"{activate_due(now=at)} accounts activated"


def tiers(at: datetime) -> str:
    """Re-evaluate the tiers whose validity lapsed by `at`."""
    return f"{tiers_lapsed(now=at)} tiers re-evaluated"


def points_expiring(at: datetime) -> str:
    """Record `points_expiring` events for the points that expire within the look-ahead after `at` (daily)."""
    return f"{points_expiring_record(at=at)} points_expiring events recorded"


def birthdays(at: datetime) -> str:
    """Record `birthday` events for the birthdays within the look-ahead after `at`'s day (daily)."""
    return f"{birthdays_record(at=at)} birthday events recorded"
