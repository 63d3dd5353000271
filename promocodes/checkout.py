"""The narrow interface the checkout calls: which submitted codes unlock which campaigns, their statuses once the
engine has run, burning them at confirm, giving them back on a full refund (registers that guess are stopped by
`promocodes.guessing`).

Calculate reads; confirm calls `codes_check(locked=True)` after locking the points account, so the codes' rows are
locked in primary-key order after the account (never the other way round: no deadlock between two receipts), and
of concurrent confirms with one single-use code the first burns it and the others find it used (409 `code_used`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from campaigns.choices import CampaignStatus
from common.errors import Conflict
from promocodes.choices import CheckStatus, CodeStatus, PoolKind
from promocodes.codes import normalize
from promocodes.lookup import brand_codes
from promocodes.models import CodeUse, PromoCode


@dataclass
class CodeCheck:
    """A submitted code (normalised) and its status; `promo` when it exists in the brand."""

    code: str
    status: str
    promo: PromoCode | None = None
    unlocks: int | None = None  # the campaign it unlocks, while its status waits on the engine

    def answer(self) -> dict[str, str]:
        return {"code": self.code, "status": self.status}


def _counted(promo: PromoCode) -> bool:
    """A code whose row a confirm must lock and change: single-use, or multi-use with a limit in total. An
    unlimited multi-use code is never locked (its uses are the CodeUse rows), so a chain-wide code used at every
    till at once does not queue the receipts; its per-customer limit is guarded by the customer's account lock."""
    return promo.pool.kind == PoolKind.SINGLE_USE or promo.pool.max_uses is not None


def _lock(promos: Iterable[PromoCode]) -> None:
    """Lock the rows of the codes that count, in primary-key order, and take their state as of the lock."""
    counted = {promo.pk: promo for promo in promos if _counted(promo)}
    if not counted:
        return
    rows = (
        PromoCode.objects.select_for_update().filter(pk__in=counted).order_by("pk").values_list("pk", "status", "uses")
    )
    for pk, status, uses in rows:
        counted[pk].status, counted[pk].uses = status, uses


def _at_limit(promo: PromoCode, used_by_contact: int) -> bool:
    """The multi-use code's uses, or the customer's uses of the pool, are at the pool's limit."""
    pool = promo.pool
    if pool.kind == PoolKind.MULTI_USE and pool.max_uses is not None and promo.uses >= pool.max_uses:
        return True
    return pool.max_uses_per_contact is not None and used_by_contact >= pool.max_uses_per_contact


def codes_check(
    *, brand_id: int, codes: Sequence[str], contact_id: int | None, at: datetime, locked: bool = False
) -> list[CodeCheck]:
    """Each distinct submitted code's status before the engine runs: `not_found`, `expired`, `used`,
    `limit_reached`, `not_applicable`, or pending (`unlocks` set) until `codes_settle` says whether it applied.

    Case and surrounding spaces do not matter; a code of another brand is not found. Of two codes unlocking one
    campaign the first does (the second is `not_applicable`), so a receipt never spends two codes on one discount.
    """
    wanted = list(dict.fromkeys(normalized for normalized in (normalize(code) for code in codes) if normalized))
    if not wanted:
        return []
    found = {promo.code: promo for promo in brand_codes(brand_id=brand_id, codes=wanted, contact_id=contact_id)}
    if locked:
        _lock(found.values())
    used = {promo.pool_id: promo.contact_uses for promo in found.values()}  # type: ignore[attr-defined]
    unlocked: set[int] = set()
    checks = []
    for code in wanted:
        promo = found.get(code)
        check = CodeCheck(code=code, status=CheckStatus.NOT_FOUND, promo=promo)
        checks.append(check)
        if promo is None:
            continue
        pool, campaign = promo.pool, promo.pool.campaign
        if (
            (pool.valid_to is not None and at >= pool.valid_to)
            or campaign.status == CampaignStatus.FINISHED
            or (campaign.ends_at is not None and at >= campaign.ends_at)
        ):
            check.status = CheckStatus.EXPIRED
        elif pool.kind == PoolKind.SINGLE_USE and promo.status == CodeStatus.USED:
            check.status = CheckStatus.USED
        elif _at_limit(promo, used.get(pool.pk, 0)):
            check.status = CheckStatus.LIMIT_REACHED
        elif (pool.valid_from is not None and at < pool.valid_from) or campaign.pk in unlocked:
            check.status = CheckStatus.NOT_APPLICABLE
        else:
            check.unlocks = campaign.pk  # a second code of the pool (one campaign) is then not_applicable
            unlocked.add(campaign.pk)
    return checks


def unlocked_campaigns(checks: Iterable[CodeCheck]) -> frozenset[int]:
    return frozenset(check.unlocks for check in checks if check.unlocks is not None)


def codes_settle(checks: Iterable[CodeCheck], *, applied: Iterable[int], left_out: Iterable[int]) -> None:
    """After the engine: a code whose campaign applied is `applied`; left out by the campaign's own limits,
    `limit_reached`; otherwise its conditions were not met (`not_applicable`)."""
    applied_ids, left_out_ids = set(applied), set(left_out)
    for check in checks:
        if check.unlocks is None:
            continue
        if check.unlocks in applied_ids:
            check.status = CheckStatus.APPLIED
        elif check.unlocks in left_out_ids:
            check.status = CheckStatus.LIMIT_REACHED
        else:
            check.status = CheckStatus.NOT_APPLICABLE


def codes_refuse_spent(checks: Iterable[CodeCheck]) -> None:
    """Confirm: a code already burned, or at its pool's limits, fails the receipt (409 `code_used`), writing nothing."""
    for check in checks:
        spent = check.status in (CheckStatus.USED, CheckStatus.LIMIT_REACHED)
        if spent and check.promo is not None and check.unlocks is None:  # the code's state, not the campaign's limits
            raise Conflict(
                _("The promo code %(code)s is already used.") % {"code": check.code},
                code="code_used",
                fields={"promo_codes": [check.code]},
            )


def codes_burn(*, checks: Iterable[CodeCheck], purchase: Any, contact_id: int | None, at: datetime) -> list[CodeUse]:
    """Confirm: burn the applied single-use codes, count the multi-use ones, record each use (rows locked by
    `codes_check(locked=True)`)."""
    uses = []
    for check in sorted(checks, key=lambda item: item.promo.pk if item.promo else 0):
        promo = check.promo
        if check.status != CheckStatus.APPLIED or promo is None:
            continue
        pool = promo.pool
        if _counted(promo):
            spent = pool.kind == PoolKind.SINGLE_USE or (pool.max_uses is not None and promo.uses + 1 >= pool.max_uses)
            PromoCode.objects.filter(pk=promo.pk).update(
                uses=F("uses") + 1,
                status=CodeStatus.USED if spent else CodeStatus.ACTIVE,
                used_at=at,
                purchase=purchase,
            )
        uses.append(
            CodeUse(
                code=promo,
                pool=pool,
                purchase=purchase,
                contact_id=contact_id,
                store_id=purchase.store_id,
                register_id=purchase.register_id,
                at=at,
            )
        )
    return CodeUse.objects.bulk_create(uses)


def codes_release(*, purchase_id: int, at: datetime) -> int:
    """A full refund: the codes of pools that `release_on_refund` become usable again; returns how many."""
    uses = list(
        CodeUse.objects.filter(purchase_id=purchase_id, released_at__isnull=True, pool__release_on_refund=True)
        .select_related("pool")
        .order_by("code_id")
    )
    if not uses:
        return 0
    counted = [use for use in uses if use.pool.kind == PoolKind.SINGLE_USE or use.pool.max_uses is not None]
    list(PromoCode.objects.select_for_update().filter(pk__in=[use.code_id for use in counted]).order_by("pk"))
    for use in counted:
        PromoCode.objects.filter(pk=use.code_id).update(uses=F("uses") - 1, status=CodeStatus.ACTIVE)
    CodeUse.objects.filter(pk__in=[use.pk for use in uses]).update(released_at=at)
    return len(uses)
