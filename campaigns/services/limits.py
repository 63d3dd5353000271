"""Campaign limits: what is left for a receipt, and the uses recorded by a confirm under a row lock."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from campaigns.engine.types import Limits
from campaigns.models import Campaign, CampaignCounter, CampaignUsage
from campaigns.snapshot import COUNTING, CampaignEntry
from common.money import ZERO
from common.rowsinsert import rows_insert


def limits_left(
    entries: Iterable[CampaignEntry], *, contact_id: int | None, at: datetime, locked: bool = False
) -> dict[int, Limits]:
    """What each limited campaign still allows this receipt; campaigns without limits are not in the answer.

    With `locked`, the counters of the limited campaigns are locked (in pk order) for the confirming transaction,
    so concurrent confirms queue on them and never overrun a limit.
    """
    limited = {entry.rule.id: entry.limits for entry in entries if entry.limits}
    if not limited:
        return {}
    counters = CampaignCounter.objects.filter(campaign_id__in=limited).order_by("pk")
    if locked:
        # A confirm needs a row to lock for every limited campaign; a calculate only reads (no row = nothing used).
        for campaign_id in sorted(limited):
            CampaignCounter.objects.get_or_create(campaign_id=campaign_id)
        counters = counters.select_for_update()
    totals = {counter.campaign_id: counter for counter in counters}
    day_start = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    daily = dict(
        CampaignUsage.objects.filter(campaign_id__in=[cid for cid, lim in limited.items() if "daily_budget" in lim])
        .filter(at__gte=day_start, at__lt=day_start + timedelta(days=1))
        .values("campaign_id")
        .annotate(value=Sum("value"))
        .values_list("campaign_id", "value")
    )
    answer = {}
    for campaign_id, limits in limited.items():
        counter = totals.get(campaign_id) or CampaignCounter(campaign_id=campaign_id)
        uses_left: int | None = None
        if "total_uses" in limits:
            uses_left = max(limits["total_uses"] - counter.uses, 0)
        if "per_customer" in limits:
            if contact_id is None:
                used = 0
            else:
                since = at - timedelta(days=limits.get("per_customer_days", 36500))
                used = CampaignUsage.objects.filter(
                    campaign_id=campaign_id, contact_id=contact_id, at__gte=since
                ).count()
            per_customer_left = max(limits["per_customer"] - used, 0)
            uses_left = per_customer_left if uses_left is None else min(uses_left, per_customer_left)
        budget_left: Decimal | None = None
        if "budget" in limits:
            budget_left = max(limits["budget"] - counter.spent, ZERO)
        if "daily_budget" in limits:
            day_left = max(limits["daily_budget"] - (daily.get(campaign_id) or ZERO), ZERO)
            budget_left = day_left if budget_left is None else min(budget_left, day_left)
        answer[campaign_id] = Limits(uses_left=uses_left, budget_left=budget_left)
    return answer


COUNTERS_UPSERT = """
INSERT INTO campaigns_campaigncounter (campaign_id, uses, spent) VALUES {rows}
ON CONFLICT (campaign_id) DO UPDATE SET uses = campaigns_campaigncounter.uses + 1,
    spent = campaigns_campaigncounter.spent + excluded.spent
"""


def counters_add(values: dict[int, Decimal]) -> None:
    """One use and `value` spent more on each campaign's counter, the first use making the row: one statement for
    all of a receipt's campaigns (PostgreSQL and SQLite), the rows taken in campaign order so that two receipts
    with campaigns in common lock their counters in the same order and never deadlock."""
    if not values:
        return
    ordered = sorted(values.items())
    rows = ", ".join("(%s, 1, %s)" for _item in ordered)
    params: list[Any] = []
    for campaign_id, value in ordered:
        params += [campaign_id, str(value)]
    with connection.cursor() as cursor:
        cursor.execute(COUNTERS_UPSERT.format(rows=rows), params)


def usages_record(
    *,
    purchase_id: int,
    contact_id: int | None,
    at: datetime,
    given: dict[int, dict[str, Decimal]],
    point_value: Decimal,
    counted: frozenset[int] = frozenset(),
) -> None:
    """Record each campaign's use by a confirmed purchase and move the counters of the `counted` ones (campaigns
    with limits, whose counter rows the caller holds locked): one insert of the uses, one upsert of the counters.

    A campaign without limits has no counter to move: its uses are its `CampaignUsage` rows. Counting every
    campaign made each confirm lock the same rows (one per applied campaign) until its commit, so receipts of
    different customers queued on them, and left the rows' dead versions to pile up between vacuums."""
    if not given:
        return
    rows = []
    values: dict[int, Decimal] = {}
    for campaign_id, amounts in sorted(given.items()):
        discount, points = amounts.get("discount", ZERO), amounts.get("points", ZERO)
        value = discount + points * point_value
        values[campaign_id] = value
        rows.append((campaign_id, purchase_id, contact_id, at, discount, points, value))
    counters_add({campaign_id: value for campaign_id, value in values.items() if campaign_id in counted})
    rows_insert(CampaignUsage, USAGE_FIELDS, rows)


USAGE_FIELDS = ("campaign", "purchase_id", "contact", "at", "discount", "points", "value")


def campaign_stats(campaign_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Receipts touched and value given per campaign, for the campaign list and page."""
    rows = (
        CampaignUsage.objects.filter(campaign_id__in=list(campaign_ids))
        .values("campaign_id")
        .annotate(
            uses=Count("pk"),
            receipts=Count("purchase_id", distinct=True),
            value=Sum("value"),
            discount=Sum("discount"),
            points=Sum("points"),
        )
    )
    return {row["campaign_id"]: dict(row) for row in rows}


def counter_rebuild(campaign: Campaign) -> None:
    """A campaign with limits: its counter set to what its uses add up to (`CampaignUsage`), for a campaign that
    was counted or not until now (limits given to a running campaign count its earlier uses).

    On PostgreSQL the brand's counting lock is taken alone first (`campaigns.snapshot.COUNTING`): it waits for the
    confirms that read the campaign as it was (not counted) to commit, and the next ones wait for this save, then
    read the campaign with its limits and lock its counter. Call inside the saving transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [COUNTING, campaign.brand_id])
    counter, _created = CampaignCounter.objects.select_for_update().get_or_create(campaign_id=campaign.pk)
    totals = CampaignUsage.objects.filter(campaign_id=campaign.pk).aggregate(uses=Count("pk"), spent=Sum("value"))
    counter.uses, counter.spent = totals["uses"] or 0, totals["spent"] or ZERO
    counter.save(update_fields=["uses", "spent"])
