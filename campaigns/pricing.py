"""The narrow interface the checkout calls: the brand's live campaigns as engine rules for one receipt, the
customer's state the engine needs, and the records a confirm writes (uses, conflict notices)."""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from campaigns.engine import run_discounts, run_points
from campaigns.engine.engine import EngineResult, PointsAward
from campaigns.engine.types import CampaignRule, Customer, Limits, Line
from campaigns.models import Campaign
from campaigns.segments.selectors import contact_segment_ids
from campaigns.services.limits import limits_left, usages_record
from campaigns.snapshot import brand_snapshot, campaign_entry, with_limits
from common.money import ZERO

__all__ = ["EngineResult", "PointsAward", "apply_discounts", "apply_points", "record_uses", "rules_for"]


def rules_for(
    *,
    brand_id: int,
    at: datetime,
    contact_id: int | None,
    point_value: Decimal,
    locked: bool = False,
    extra: Campaign | None = None,
    lines: Sequence[Line] | None = None,
) -> list[CampaignRule]:
    """The campaigns live at `at`, with what their limits leave for this customer (counters locked if asked).

    `extra` (simulation) is added whatever its status and window, replacing its active self if any. `lines` (a
    receipt's): only the campaigns that can touch one of them, by the snapshot's index (`campaigns.engine.index`;
    the engine's answer is the same).
    """
    snapshot = brand_snapshot(brand_id, counting=locked)
    entries = [entry for entry in snapshot.entries if entry.live(at)]
    if extra is not None:
        entries = [entry for entry in entries if entry.rule.id != extra.pk] + [campaign_entry(extra)]
    left = limits_left(entries, contact_id=contact_id, at=at, locked=locked)
    rules = [with_limits(entry, left.get(entry.rule.id, Limits()), point_value=point_value) for entry in entries]
    return rules if lines is None else snapshot.index.narrowed(rules, lines)


def engine_customer(
    *, contact_id: int | None, tier_id: int | None, rules: list[CampaignRule] | None = None
) -> Customer | None:
    """The customer as the engine sees them. Their segments are read only when one of `rules` (all campaigns when
    not given) is for a segment: most receipts meet no such campaign and skip the query."""
    if contact_id is None:
        return None
    wanted = rules is None or any(rule.audience.type == "segment" for rule in rules)
    segment_ids = contact_segment_ids(contact_id) if wanted else frozenset()
    return Customer(identified=True, tier_id=tier_id, segment_ids=segment_ids, contact_id=contact_id)


def apply_discounts(
    *,
    lines: list[Line],
    rules: list[CampaignRule],
    contact_id: int | None,
    tier_id: int | None,
    store_id: int,
    store_timezone: str,
    at: datetime,
    codes_applied: frozenset[int] = frozenset(),
) -> EngineResult:
    local = at.astimezone(ZoneInfo(store_timezone))
    return run_discounts(
        lines=lines,
        rules=rules,
        customer=engine_customer(contact_id=contact_id, tier_id=tier_id, rules=rules),
        store_id=store_id,
        weekday=local.isoweekday(),
        local_time=local.time().replace(tzinfo=None),
        codes_applied=codes_applied,
    )


def apply_points(result: EngineResult) -> list[PointsAward]:
    return run_points(result=result)


def record_uses(
    *,
    result: EngineResult,
    purchase_id: int,
    contact_id: int | None,
    at: datetime,
    point_value: Decimal,
    counted: frozenset[int] = frozenset(),
) -> None:
    """A confirm's records: each applied campaign's use, the counters of the `counted` ones (campaigns with
    limits: their counters move under the lock taken by `rules_for`), and a notice for every exclusive tie (the
    later campaign's owner is told once a day per pair). What each gave is the engine's total: a discount
    campaign's sum over its lines, a points campaign's award (the lines' `applied` items add up to the same)."""
    given: dict[int, dict[str, Decimal]] = {
        campaign_id: {"discount": discount, "points": ZERO} for campaign_id, discount in result.discounts.items()
    }
    for award in result.awards:
        given[award.rule.id] = {"discount": ZERO, "points": award.total}
    usages_record(
        purchase_id=purchase_id, contact_id=contact_id, at=at, given=given, point_value=point_value, counted=counted
    )
    notify_conflicts(result.conflicts)


def notify_conflicts(conflicts: list[tuple[int, int]]) -> None:
    if not conflicts:
        return
    from campaigns.tasks import send_conflict_notices

    pairs: list[Any] = [list(pair) for pair in conflicts]
    day = timezone.localdate().isoformat()
    transaction.on_commit(lambda: send_conflict_notices.delay(pairs, day))
