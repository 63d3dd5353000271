"""Pools: validation that names the field, saving (a multi-use pool's one code kept in the code table, so that it
is unique across the system like every other code), deletion only while no receipt carries a code."""

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from campaigns.services.campaigns import campaign_save
from common.errors import Conflict, InvalidInput
from promocodes.choices import CodeStatus, PoolKind
from promocodes.codes import MAX_LENGTH, MIN_LENGTH, PREFIX_FORM, normalize, random_part, well_formed
from promocodes.models import CodeUse, PromoCode, PromoPool


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def pool_validate(pool: PromoPool, *, require_code: bool = False) -> None:
    """Check a pool's fields against each other, its campaign and its stored self; raises InvalidInput.
    `require_code`: a campaign that does not require a code yet is accepted (`pool_save` makes it require one)."""
    pool.prefix = normalize(pool.prefix or "")
    pool.code = normalize(pool.code or "")
    campaign = pool.campaign
    if campaign.brand_id != pool.brand_id:
        raise _invalid("campaign", _("The campaign belongs to another brand."))
    if not campaign.requires_code and not require_code:
        raise _invalid("campaign", _("The campaign does not require a promo code; switch “requires a code” on first."))
    if not PREFIX_FORM.fullmatch(pool.prefix):
        raise _invalid("prefix", _("Letters, digits and hyphens only."))
    if not MIN_LENGTH <= pool.length <= MAX_LENGTH:
        raise _invalid("length", _("From %(min)s to %(max)s characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH})
    if pool.valid_from and pool.valid_to and pool.valid_to <= pool.valid_from:
        raise _invalid("valid_to", _("The end of validity must be after its start."))
    if pool.max_uses_per_contact == 0:
        raise _invalid("max_uses_per_contact", _("At least 1, or empty for unlimited."))
    if pool.max_uses == 0:
        raise _invalid("max_uses", _("At least 1, or empty for unlimited."))
    stored = PromoPool.objects.filter(pk=pool.pk).values("kind", "total_codes").first() if pool.pk else None
    if stored and stored["kind"] != pool.kind and stored["total_codes"]:
        raise _invalid("kind", _("A pool that has codes keeps its kind."))
    if pool.kind == PoolKind.SINGLE_USE:
        if pool.code:
            raise _invalid("code", _("A single-use pool has generated or imported codes, not one code."))
        if pool.max_uses is not None:
            raise _invalid("max_uses", _("Each single-use code is used once; leave this empty."))
    elif pool.code and not well_formed(pool.code):
        raise _invalid("code", _("Letters, digits and inner hyphens, at most 40 characters."))
    elif pool.code and PromoCode.objects.filter(code=pool.code).exclude(pool_id=pool.pk).exists():
        raise _invalid("code", _("This code is already in use (codes are unique across all pools)."))


@transaction.atomic
def pool_save(*, pool: PromoPool, require_code: bool = False, user: Any = None) -> PromoPool:
    """Create or change a pool. A multi-use pool's code is generated from prefix and length when left empty.
    `require_code`: the pool's campaign, if it does not require a code yet, is made to (through `campaign_save`, so
    that every register sees it): from then on it applies only with a code."""
    pool_validate(pool, require_code=require_code)
    if require_code and not pool.campaign.requires_code:
        campaign = pool.campaign
        campaign.requires_code = True
        campaign_save(campaign=campaign, user=user)
    if pool.kind == PoolKind.MULTI_USE and not pool.code:
        pool.code = pool.prefix + random_part(1, pool.length)[0]
    pool.save()
    if pool.kind != PoolKind.MULTI_USE:
        return pool
    current = PromoCode.objects.filter(pool=pool).first()
    try:
        with transaction.atomic():
            if current is None:
                PromoCode.objects.create(pool=pool, code=pool.code)
                PromoPool.objects.filter(pk=pool.pk).update(total_codes=1)
                pool.total_codes = 1
            elif current.code != pool.code:
                current.code = pool.code
                current.save(update_fields=["code"])
    except IntegrityError as exc:
        raise _invalid("code", _("This code is already in use (codes are unique across all pools).")) from exc
    _multi_use_sync(pool)
    return pool


def _multi_use_sync(pool: PromoPool) -> None:
    """The multi-use code's row as its receipts and the pool's (maybe new) limit make it: uses, used or active."""
    code = PromoCode.objects.select_for_update().filter(pool=pool).first()
    if code is None:
        return
    uses = CodeUse.objects.filter(code=code, released_at__isnull=True).count()
    spent = pool.max_uses is not None and uses >= pool.max_uses
    PromoCode.objects.filter(pk=code.pk).update(uses=uses, status=CodeStatus.USED if spent else CodeStatus.ACTIVE)


def _pool_in_use() -> str:
    return _("Receipts carry codes of this pool: it cannot be deleted. Set its validity to end instead.")


def pool_delete_refusal(*, pool: PromoPool) -> str | None:
    """Why the pool may not be deleted, or None: receipts carry its codes (their uses would go with it)."""
    if CodeUse.objects.filter(pool=pool).exists():
        return _pool_in_use()
    return None


def pool_delete(*, pool: PromoPool) -> None:
    """Delete a pool no receipt has used a code of (`pool_delete_refusal`), with its codes in one statement (not
    collected code by code: a pool may hold millions). A code burned meanwhile fails the deletion at commit: 409
    as well."""
    try:
        with transaction.atomic():
            refusal = pool_delete_refusal(pool=pool)
            if refusal is not None:
                raise Conflict(refusal, code="pool_in_use")
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM promocodes_promocode WHERE pool_id = %s", [pool.pk])
            pool.delete()
    except IntegrityError as exc:
        raise Conflict(_pool_in_use(), code="pool_in_use") from exc


def pool_fields(data: dict[str, Any], pool: PromoPool) -> PromoPool:
    for key, value in data.items():
        setattr(pool, key, value)
    return pool
