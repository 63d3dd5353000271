"""The campaigns of a brand as engine rules, cached in process and invalidated by a version number.

Every change that affects a brand's campaigns bumps `SnapshotVersion` (see `bump_version`); each POS request reads
the version (one indexed query) and rebuilds the brand's snapshot when it moved, so a change made in the admin
or the API applies to the very next request, in every process, with no restart.
"""

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import F

from campaigns.choices import CampaignStatus
from campaigns.engine.index import CampaignIndex
from campaigns.engine.types import CampaignRule, Limits, ProductFilter
from campaigns.models import Campaign, ProductSegment, SnapshotVersion
from campaigns.rules import parse_audience, parse_campaign_mechanic, parse_conditions, parse_limits


@dataclass(frozen=True)
class CampaignEntry:
    """A snapshotted campaign: its rule (limits not yet applied), window and raw limits."""

    rule: CampaignRule
    starts_at: datetime
    ends_at: datetime | None
    limits: dict[str, Any]

    def live(self, at: datetime) -> bool:
        return self.starts_at <= at and (self.ends_at is None or at < self.ends_at)


@dataclass(frozen=True)
class BrandSnapshot:
    version: int
    entries: tuple[CampaignEntry, ...]
    index: CampaignIndex  # the entries by the SKUs and categories of their segments (`campaigns.engine.index`)


_cache: dict[int, BrandSnapshot] = {}
_lock = threading.Lock()


def bump_version(brand_id: int) -> None:
    """Invalidate every process's snapshot of the brand (call inside the changing transaction)."""
    updated = SnapshotVersion.objects.filter(brand_id=brand_id).update(version=F("version") + 1)
    if not updated:
        SnapshotVersion.objects.get_or_create(brand_id=brand_id, defaults={"version": 1})


def product_filter(segment: ProductSegment | None) -> ProductFilter | None:
    if segment is None:
        return None
    return ProductFilter(
        skus=frozenset(str(sku) for sku in segment.skus or []),
        category_ids=frozenset(category.pk for category in segment.categories.all()),
        exclude_skus=frozenset(str(sku) for sku in segment.exclude_skus or []),
    )


def campaign_entry(campaign: Campaign) -> CampaignEntry:
    """A campaign as the engine sees it; its JSON parts were validated on save."""
    limits = parse_limits(campaign.limits)
    rule = CampaignRule(
        id=campaign.pk,
        name=campaign.name,
        priority=campaign.priority,
        order=campaign.pk,
        combine=campaign.combine,
        mechanic=parse_campaign_mechanic(campaign.mechanic),
        audience=parse_audience(campaign.audience),
        conditions=parse_conditions(campaign.conditions),
        products=product_filter(campaign.product_segment),
        requires_code=campaign.requires_code,
        hint=campaign.hint,
        control_percent=campaign.control_percent,
        counted=bool(limits),
    )
    return CampaignEntry(rule=rule, starts_at=campaign.starts_at, ends_at=campaign.ends_at, limits=limits)


def _build(brand_id: int, version: int) -> BrandSnapshot:
    campaigns = (
        Campaign.objects.filter(brand_id=brand_id, status=CampaignStatus.ACTIVE)
        .select_related("product_segment")
        .prefetch_related("product_segment__categories")
        .order_by("-priority", "pk")
    )
    entries = tuple(campaign_entry(campaign) for campaign in campaigns)
    return BrandSnapshot(version=version, entries=entries, index=CampaignIndex.of(entry.rule for entry in entries))


# PostgreSQL advisory locks of a brand's campaign counting (`COUNTING`, brand id): a confirm holds it shared from
# the moment it reads which campaigns it counts, a save that gives a campaign limits takes it alone (waiting for the
# confirms that read the campaign as unlimited) before it rebuilds the counter (`campaigns.services.limits`).
COUNTING = 0x4C43


@cache
def _version_sql(vendor: str, counting: bool) -> str:
    """The version's read, written once per database `vendor`: every POS request makes it, and the ORM's
    compilation of it cost more than the query. `counting` (a confirm on PostgreSQL): the brand's counting lock
    taken shared in the same statement."""
    qn = connection.ops.quote_name
    version = f"SELECT {qn('version')} FROM {qn(SnapshotVersion._meta.db_table)} WHERE {qn('brand_id')} = %s"  # noqa: S608
    if not counting:
        return version
    return f"SELECT ({version}), pg_advisory_xact_lock_shared({COUNTING}, %s)"


def snapshot_version(brand_id: int, *, counting: bool = False) -> int:
    """The brand's snapshot version (0 before the first change). `counting`: the caller (a confirm) records what
    its campaigns gave, and holds the brand's counting lock shared until it commits (PostgreSQL; SQLite runs one
    writing transaction at a time)."""
    counting = counting and connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(_version_sql(connection.vendor, counting), [brand_id, brand_id] if counting else [brand_id])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def brand_snapshot(brand_id: int, *, counting: bool = False) -> BrandSnapshot:
    """The brand's active campaigns, rebuilt when their version moved (`counting`: see `snapshot_version`)."""
    version = snapshot_version(brand_id, counting=counting)
    cached = _cache.get(brand_id)
    if cached is not None and cached.version == version:
        return cached
    snapshot = _build(brand_id, version)
    with _lock:
        current = _cache.get(brand_id)
        if current is None or current.version <= version:
            _cache[brand_id] = snapshot
    return snapshot


def with_limits(entry: CampaignEntry, limits: Limits, *, point_value: Decimal) -> CampaignRule:
    """The entry's rule with what its limits leave and the program's point value (the rule itself when it already
    says so: most campaigns have no limits, and a copy per campaign per receipt adds up)."""
    rule = entry.rule
    if rule.limits == limits and rule.point_value == point_value:
        return rule
    return replace(rule, limits=limits, point_value=point_value)
