"""Tiers: qualification by spend net of refunds in the tier's window; upgrade at once, downgrade on lapse."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.models import MoneyField
from common.money import ZERO
from common.rawrows import fields_update, locked_instance
from contacts.services.events import events_record
from loyalty.choices import TierChangeReason
from loyalty.events import program_brand_ids, tier_changed_events
from loyalty.models import Enrollment, Tier, TierChange
from loyalty.selectors.spend import window_spends

_MONEY = MoneyField()


def program_tiers(program_id: int) -> list[Tier]:
    """A program's tiers, lowest first."""
    return list(Tier.objects.filter(program_id=program_id).order_by("min_spend", "pk"))


def contact_spends(*, contact_id: int, program_id: int, windows: set[int], until: datetime) -> dict[int, Decimal]:
    """Per window (days): money paid by the contact in the program in [until − days, until], less what was
    refunded of those purchases. One query for all the windows."""
    ordered = sorted(windows)
    starts = [until - timedelta(days=days) for days in ordered]
    spends = window_spends(contact_id=contact_id, program_id=program_id, starts=starts, until=until)
    return dict(zip(ordered, spends, strict=True))


def qualified_tier(tiers: list[Tier], spend: Decimal) -> Tier | None:
    reached = [tier for tier in tiers if tier.min_spend <= spend]
    return reached[-1] if reached else None


def tier_reached(tiers: list[Tier], *, contact_id: int, program_id: int, at: datetime) -> Tier | None:
    """The highest tier the contact's spend qualifies for at `at`, each tier judged by the spend in its own window."""
    spends = contact_spends(
        contact_id=contact_id, program_id=program_id, windows={tier.window_days for tier in tiers}, until=at
    )
    reached: Tier | None = None
    for tier in tiers:
        if tier.min_spend <= spends[tier.window_days]:
            reached = tier
    return reached


def effective_tier(enrollment: Enrollment | None, tiers: list[Tier], now: datetime) -> Tier | None:
    """The tier that applies now: the enrollment's while valid; once it has lapsed (or before the first evaluation)
    the tier the spend qualifies for now, as the re-evaluation job will decide; not enrolled: the entry tier."""
    if enrollment is None:
        return qualified_tier(tiers, ZERO)
    if enrollment.tier_id is not None and (enrollment.tier_valid_until is None or enrollment.tier_valid_until > now):
        return next((tier for tier in tiers if tier.pk == enrollment.tier_id), enrollment.tier)
    if not tiers:
        return None
    return tier_reached(tiers, contact_id=enrollment.contact_id, program_id=enrollment.program_id, at=now)


def _rank(tiers: list[Tier], tier: Tier | None) -> int:
    if tier is None:
        return -1
    for position, candidate in enumerate(tiers):
        if candidate.pk == tier.pk:
            return position
    return -1


def _locked(enrollment: Enrollment) -> Enrollment:
    """The enrollment's row, locked. Its tier is read after the lock, by a query of its own: joined to the locking
    query, PostgreSQL would give the tier of before the wait (a waiting `FOR UPDATE` re-reads only the locked row,
    not what an outer join found)."""
    return locked_instance(Enrollment, enrollment.pk)


_TIER_FIELDS = ("tier", "tier_valid_until", "updated_at")


@transaction.atomic(savepoint=False)  # no caller goes on after its failure: a confirm's or a job's whole step fails
def tier_evaluate(
    *,
    enrollment: Enrollment,
    at: datetime,
    reason: str = TierChangeReason.PURCHASE,
    tiers: list[Tier] | None = None,
    locked: bool = False,
) -> TierChange | None:
    """Re-evaluate a contact's tier at `at`: upgrade (or renew) at once; downgrade only once validity lapsed.

    The caller holds the account lock; the enrollment row is locked here, unless `locked`: the caller holds its lock
    too and read it under it (the till's confirm locks both rows in one statement). Returns the change, if any.
    `tiers`: the program's tiers if the caller has read them in this request (read here otherwise).
    """
    if not locked:
        enrollment = _locked(enrollment)
    if tiers is None:
        tiers = program_tiers(enrollment.program_id)
    if not tiers:
        return None
    # The locked row's tier id, taken from the program's tiers at hand (read by its own query if not among them).
    current = next((tier for tier in tiers if tier.pk == enrollment.tier_id), None) if enrollment.tier_id else None
    if current is None and enrollment.tier_id is not None:
        current = enrollment.tier
    else:
        enrollment.tier = current
    lapsed = current is not None and enrollment.tier_valid_until is not None and enrollment.tier_valid_until <= at
    reached = tier_reached(tiers, contact_id=enrollment.contact_id, program_id=enrollment.program_id, at=at)
    if current is None or lapsed or _rank(tiers, reached) >= _rank(tiers, current):
        target = reached
    else:
        return None  # qualified lower than the current, still valid tier: kept until it lapses
    if target is None:
        if current is None:
            return None
        enrollment.tier, enrollment.tier_valid_until = None, None
        fields_update(enrollment, _TIER_FIELDS)
        return TierChange.objects.create(enrollment=enrollment, at=at, from_tier=current, to_tier=None, reason=reason)
    valid_until = at + timedelta(days=target.valid_days)
    changed = current is None or target.pk != current.pk
    if not changed and not lapsed and enrollment.tier_valid_until and enrollment.tier_valid_until >= valid_until:
        return None  # renewal that would not extend the validity
    enrollment.tier = target
    enrollment.tier_valid_until = valid_until
    fields_update(enrollment, _TIER_FIELDS)
    if not changed:
        return None
    return TierChange.objects.create(enrollment=enrollment, at=at, from_tier=current, to_tier=target, reason=reason)


def tiers_lapsed(*, now: datetime) -> int:
    """Re-evaluate every enrollment whose tier validity has lapsed (the daily job); returns how many changed. Each
    change records its `tier_changed` events (one per brand of the program) in its own transaction."""
    changed = 0
    brands: dict[int, list[int]] = {}
    lapsed = Enrollment.objects.filter(Q(tier_valid_until__lte=now), tier__isnull=False).only("pk", "program_id")
    for enrollment in lapsed.iterator(chunk_size=500):
        with transaction.atomic():
            change = tier_evaluate(enrollment=enrollment, at=now, reason=TierChangeReason.VALIDITY_LAPSED)
            if change is not None:
                if enrollment.program_id not in brands:
                    brands[enrollment.program_id] = program_brand_ids(enrollment.program_id)
                events_record(tier_changed_events(change, brand_ids=brands[enrollment.program_id]))
                changed += 1
    return changed


def tier_manual_validity(
    *, program_id: int, tier: Tier | None, valid_until: datetime | None, now: datetime
) -> datetime | None:
    """Check a tier set by hand and say until when it holds: a tier of the enrollment's program; the date given
    (in the future), or the tier's `valid_days` from now; no tier, no validity."""
    if tier is None:
        return None
    if tier.program_id != program_id:
        message = _("The tier belongs to another program.")
        raise InvalidInput(message, fields={"tier": [message]})
    if valid_until is None:
        return now + timedelta(days=tier.valid_days)
    if valid_until <= now:
        message = _("The tier's validity must end in the future.")
        raise InvalidInput(message, fields={"tier_valid_until": [message]})
    return valid_until


@transaction.atomic
def tier_set_manually(
    *, enrollment: Enrollment, tier: Tier | None, valid_until: datetime | None = None, user: Any = None
) -> Enrollment:
    """Staff set a contact's tier by hand (or take it away: `tier=None`), valid as `tier_manual_validity` says.

    The enrollment row is locked like `tier_evaluate` locks it, so that a purchase's re-evaluation and a manual
    change never both start from the same old tier. A change of tier is written as a `TierChange` (reason
    `manual`, with who made it); a new validity of the same tier is not a change. Until the validity lapses,
    purchases only raise the tier; then the daily job re-evaluates it from the spend. A change records its
    `tier_changed` events (one per brand of the program).
    """
    locked = _locked(enrollment)
    now = timezone.now()
    previous = locked.tier
    locked.tier = tier
    locked.tier_valid_until = tier_manual_validity(
        program_id=locked.program_id, tier=tier, valid_until=valid_until, now=now
    )
    locked.save(update_fields=["tier", "tier_valid_until", "updated_at"])
    if (previous.pk if previous else None) != (tier.pk if tier else None):
        change = TierChange.objects.create(
            enrollment=locked,
            at=now,
            from_tier=previous,
            to_tier=tier,
            reason=TierChangeReason.MANUAL,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        events_record(tier_changed_events(change, brand_ids=program_brand_ids(locked.program_id)))
    return locked
