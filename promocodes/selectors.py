"""Reading pools and codes: totals, codes by status (expired is the pool's window having closed), usage by day."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from promocodes.choices import CodeStatus, PoolKind
from promocodes.models import CodeUse, PromoCode, PromoPool


def pool_expired(pool: PromoPool, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return pool.valid_to is not None and pool.valid_to <= now


def codes_filter(pool: PromoPool, status: str | None = None, now: datetime | None = None) -> QuerySet[PromoCode]:
    """The pool's codes; `status` active (usable now), used, or expired (not used, the pool's window closed)."""
    codes = PromoCode.objects.filter(pool=pool).order_by("pk")
    expired = pool_expired(pool, now)
    if status == CodeStatus.USED:
        return codes.filter(status=CodeStatus.USED)
    if status == CodeStatus.ACTIVE:
        return codes.none() if expired else codes.filter(status=CodeStatus.ACTIVE)
    if status == CodeStatus.EXPIRED:
        return codes.filter(status=CodeStatus.ACTIVE) if expired else codes.none()
    return codes


def code_status(code: PromoCode, now: datetime | None = None) -> str:
    if code.status == CodeStatus.ACTIVE and pool_expired(code.pool, now):
        return CodeStatus.EXPIRED
    return code.status


def code_uses(pool: PromoPool) -> int:
    """Uses of a multi-use pool's code: its receipts not refunded back (an unlimited code keeps no counter)."""
    return CodeUse.objects.filter(pool=pool, released_at__isnull=True).count()


def pools_used(pools: Iterable[PromoPool]) -> dict[int, int]:
    """Used figures of many pools in two grouped queries: burned codes of single-use pools, standing uses of
    multi-use ones (whose code keeps no reliable counter when unlimited)."""
    pools = list(pools)
    single = [pool.pk for pool in pools if pool.kind == PoolKind.SINGLE_USE]
    multi = [pool.pk for pool in pools if pool.kind == PoolKind.MULTI_USE]
    used: dict[int, int] = {}
    if single:
        burned = PromoCode.objects.filter(pool_id__in=single, status=CodeStatus.USED)
        used.update(burned.values("pool_id").annotate(count=Count("pk")).values_list("pool_id", "count"))
    if multi:
        uses = CodeUse.objects.filter(pool_id__in=multi, released_at__isnull=True)
        used.update(uses.values("pool_id").annotate(count=Count("pk")).values_list("pool_id", "count"))
    return used


def last_use(pool: PromoPool) -> CodeUse | None:
    """The latest use of the pool's codes still standing: where and when a multi-use code was last used (its row
    keeps no such record, so that a chain-wide code is never a row every till waits on)."""
    return (
        CodeUse.objects.filter(pool=pool, released_at__isnull=True)
        .select_related("purchase", "store", "register")
        .order_by("-at", "-pk")
        .first()
    )


class PoolTotals(TypedDict):
    generated: int
    used: int
    remaining: int | None
    expired: int


def pool_remaining(pool: PromoPool, *, used: int, now: datetime | None = None) -> int | None:
    """What of the pool is still usable now, `used` being its used figure (`pools_used`): none once its window has
    closed; the codes not burned of a single-use pool; the uses left under a multi-use code's `max_uses`, or None
    (unlimited) when it has none. The one definition the API's totals, the pool's page and the pool list show."""
    if pool_expired(pool, now):
        return 0
    if pool.kind == PoolKind.MULTI_USE:
        return None if pool.max_uses is None else max(pool.max_uses - used, 0)
    return max(pool.total_codes - used, 0)


def pool_totals(pool: PromoPool, now: datetime | None = None) -> PoolTotals:
    """generated (codes in the pool), used (codes burned; uses of a multi-use code), remaining (`pool_remaining`:
    None = unlimited), expired (codes left unused when the window closed)."""
    now = now or timezone.now()
    counts = PromoCode.objects.filter(pool=pool).aggregate(
        used=Count("pk", filter=Q(status=CodeStatus.USED)), active=Count("pk", filter=Q(status=CodeStatus.ACTIVE))
    )
    used = code_uses(pool) if pool.kind == PoolKind.MULTI_USE else counts["used"]
    return {
        "generated": pool.total_codes,
        "used": used,
        "remaining": pool_remaining(pool, used=used, now=now),
        "expired": counts["active"] if pool_expired(pool, now) else 0,
    }


def usage_by_day(pool: PromoPool, *, since: date | None = None) -> list[dict[str, Any]]:
    """Uses of the pool's codes per day (in the server's time zone), oldest first."""
    uses = CodeUse.objects.filter(pool=pool, released_at__isnull=True)
    if since is not None:
        uses = uses.filter(at__date__gte=since)
    rows = uses.annotate(day=TruncDate("at")).values("day").annotate(uses=Count("pk")).order_by("day")
    return [{"day": row["day"], "uses": row["uses"]} for row in rows]
