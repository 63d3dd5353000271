"""Campaigns and product segments: validation that explains itself, saving (with a snapshot bump), duplicating,
pausing and resuming, and the preview of a product segment."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from campaigns.choices import CampaignStatus, Combine
from campaigns.engine.control import MAX_CONTROL_PERCENT
from campaigns.models import Campaign, CampaignUsage, ProductSegment, Segment
from campaigns.rules import (
    RuleError,
    check_hint,
    parse_audience,
    parse_campaign_mechanic,
    parse_conditions,
    parse_limits,
)
from campaigns.services.limits import counter_rebuild
from campaigns.snapshot import bump_version
from common.errors import Conflict, InvalidInput
from loyalty.models import Category, Product, Store, Tier


def products_matching(
    *, brand_id: int, skus: Iterable[str], category_ids: Iterable[int], exclude_skus: Iterable[str]
) -> QuerySet[Product]:
    """The brand's products with one of the SKUs or under one of the categories (descendants included), minus the
    excluded SKUs: a product segment's products, also before it is saved (the admin's live preview)."""
    condition = Q(sku__in=[str(sku) for sku in skus])
    paths = Category.objects.filter(pk__in=list(category_ids)).values_list("path", flat=True)
    for path in paths:
        condition |= Q(category__path__startswith=path)
    return (
        Product.objects.filter(brand_id=brand_id)
        .filter(condition)
        .exclude(sku__in=[str(sku) for sku in exclude_skus])
        .order_by("sku")
    )


def product_segment_products(segment: ProductSegment, *, categories: list[int] | None = None) -> QuerySet[Product]:
    """The brand's products the segment matches: its SKUs and everything under its categories, minus exclusions."""
    category_ids = categories if categories is not None else list(segment.categories.values_list("pk", flat=True))
    return products_matching(
        brand_id=segment.brand_id,
        skus=segment.skus or [],
        category_ids=category_ids,
        exclude_skus=segment.exclude_skus or [],
    )


def product_segment_preview(segment: ProductSegment, *, sample: int = 20) -> dict[str, Any]:
    products = product_segment_products(segment)
    return {"count": products.count(), "sample": list(products.select_related("category")[:sample])}


def _sku_list(value: Any, field: str) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise InvalidInput(_("A list of SKUs."), fields={field: [_("A list of SKUs.")]})
    skus = sorted({str(item).strip() for item in value if str(item).strip()})
    if any(len(sku) > 64 for sku in skus):
        raise InvalidInput(_("A SKU is at most 64 characters."), fields={field: [_("Too long.")]})
    return skus


@transaction.atomic
def product_segment_save(
    *, segment: ProductSegment, data: dict[str, Any], categories: list[Category] | None = None
) -> ProductSegment:
    """Create or change a product segment; campaigns using it see the change on the next request.

    A segment that campaigns use keeps its brand: their products would silently become another brand's.
    """
    old_brand_id = _stored(ProductSegment, segment.pk, "brand_id")
    if (
        "brand" in data
        and old_brand_id is not None
        and getattr(data["brand"], "pk", data["brand"]) != old_brand_id
        and segment.campaigns.exists()  # type: ignore[attr-defined]
    ):
        message = _("Campaigns use this product segment: its brand cannot change.")
        raise InvalidInput(message, fields={"brand": [message]})
    for key in ("brand", "name"):
        if key in data:
            setattr(segment, key, data[key])
    if "skus" in data:
        segment.skus = _sku_list(data["skus"], "skus")
    if "exclude_skus" in data:
        segment.exclude_skus = _sku_list(data["exclude_skus"], "exclude_skus")
    segment.save()
    if categories is not None:
        segment.categories.set(categories)
    bump_version(segment.brand_id)
    if old_brand_id is not None and old_brand_id != segment.brand_id:
        bump_version(old_brand_id)
    return segment


def _stored(model: type[Campaign] | type[ProductSegment], pk: int | None, field: str) -> Any:
    """A field's value as stored (before the unsaved changes on the instance), None for a new object."""
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list(field, flat=True).first()


def campaign_clean(campaign: Campaign, *, for_people: bool = False) -> None:
    """Check a campaign as a whole; InvalidInput names the field and says what to change. `for_people` (a form):
    the JSON parts' errors name a key by its label, and a condition's or limit's error is filed under
    `conditions.<key>` / `limits.<key>` so that the form can show it under that field."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    def rule_failed(exc: RuleError) -> None:
        if not for_people:
            fail(exc.field, exc.message)
        else:
            fail(f"{exc.field}.{exc.key}" if exc.key else exc.field, exc.for_people)

    try:
        parse_campaign_mechanic(campaign.mechanic)
    except RuleError as exc:
        rule_failed(exc)
    try:
        audience = parse_audience(campaign.audience)
    except RuleError as exc:
        rule_failed(exc)
        audience = None
    try:
        conditions = parse_conditions(campaign.conditions)
    except RuleError as exc:
        rule_failed(exc)
        conditions = None
    try:
        parse_limits(campaign.limits)
    except RuleError as exc:
        rule_failed(exc)
    try:
        check_hint(campaign.hint)
    except RuleError as exc:
        rule_failed(exc)
    if campaign.ends_at is not None and campaign.starts_at is not None and campaign.ends_at <= campaign.starts_at:
        fail("ends_at", _("The end must be after the start."))
    control = campaign.control_percent
    if isinstance(control, bool) or not isinstance(control, int) or not 0 <= control <= MAX_CONTROL_PERCENT:
        fail("control_percent", _("A whole number of percent from 0 to %(max)s.") % {"max": MAX_CONTROL_PERCENT})
    brand = campaign.brand
    if campaign.product_segment is not None:
        if campaign.product_segment.brand_id != campaign.brand_id:
            fail("product_segment", _("The product segment belongs to another brand."))
        elif campaign.combine == Combine.EXCLUSIVE and not product_segment_products(campaign.product_segment).exists():
            fail("product_segment", _("The segment matches no product: an exclusive campaign would exclude nothing."))
    if audience is not None and audience.type == "tiers":
        known = set(
            Tier.objects.filter(program_id=brand.program_id, pk__in=audience.tier_ids).values_list("pk", flat=True)
        )
        if known != set(audience.tier_ids):
            fail(
                "audience",
                _("Tiers %(ids)s are not tiers of the brand's program.")
                % {"ids": sorted(set(audience.tier_ids) - known)},
            )
    if (
        audience is not None
        and audience.type == "segment"
        and not Segment.objects.filter(pk=audience.segment_id or 0, program_id=brand.program_id).exists()
    ):
        fail("audience", _("The segment is not a segment of the brand's program."))
    if conditions is not None and conditions.store_ids:
        known = set(
            Store.objects.filter(brand_id=campaign.brand_id, pk__in=conditions.store_ids).values_list("pk", flat=True)
        )
        if known != set(conditions.store_ids):
            fail(
                "conditions.stores" if for_people else "conditions",
                _("Stores %(ids)s are not stores of the brand.") % {"ids": sorted(set(conditions.store_ids) - known)},
            )
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, fields=errors)


@transaction.atomic
def campaign_save(*, campaign: Campaign, user: Any = None) -> Campaign:
    """Validate and save a campaign; every register sees the change on its next request (of both brands, when
    the campaign moves to another brand)."""
    if campaign.pk is None and campaign.owner_id is None and getattr(user, "is_authenticated", False):
        campaign.owner = user
    campaign_clean(campaign)
    old_brand_id = _stored(Campaign, campaign.pk, "brand_id")
    campaign.save()
    bump_version(campaign.brand_id)
    if old_brand_id is not None and old_brand_id != campaign.brand_id:
        bump_version(old_brand_id)
    if parse_limits(campaign.limits):
        counter_rebuild(campaign)
    return campaign


@transaction.atomic
def campaign_set_status(*, campaign: Campaign, status: str) -> Campaign:
    campaign.status = status
    campaign.save(update_fields=["status", "updated_at"])
    bump_version(campaign.brand_id)
    return campaign


def _change_status(*, campaign: Campaign, allowed_from: CampaignStatus, to: CampaignStatus, verb: str) -> Campaign:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != allowed_from:
        message = _("Only a campaign that is %(allowed)s can be %(verb)s; this one is %(status)s.") % {
            "allowed": allowed_from.label,
            "verb": verb,
            "status": CampaignStatus(locked.status).label,
        }
        raise Conflict(message, code="invalid_status", fields={"status": [message]})
    return campaign_set_status(campaign=locked, status=to)


@transaction.atomic
def campaign_pause(*, campaign: Campaign) -> Campaign:
    """Active → paused: the campaign stops applying from the next POS request. Anything else is a 409."""
    return _change_status(
        campaign=campaign, allowed_from=CampaignStatus.ACTIVE, to=CampaignStatus.PAUSED, verb=_("paused")
    )


@transaction.atomic
def campaign_resume(*, campaign: Campaign) -> Campaign:
    """Paused → active again. A draft is activated by setting its status; a finished campaign stays finished."""
    return _change_status(
        campaign=campaign, allowed_from=CampaignStatus.PAUSED, to=CampaignStatus.ACTIVE, verb=_("resumed")
    )


@transaction.atomic
def campaign_duplicate(*, campaign: Campaign, user: Any = None) -> Campaign:
    """A draft copy of a campaign (same rules, same product segment), owned by the user who copies it."""
    copy = Campaign.objects.get(pk=campaign.pk)
    copy.pk = None
    copy.name = _("%(name)s (copy)") % {"name": campaign.name}
    copy.status = CampaignStatus.DRAFT
    copy.owner = user if getattr(user, "is_authenticated", False) else campaign.owner
    copy.save()
    bump_version(copy.brand_id)
    return copy


def campaign_delete_refusal(*, campaign: Campaign) -> str | None:
    """Why the campaign may not be deleted, or None: receipts have used it (its uses, its history, would go with
    it). `campaign_delete` refuses with this; the admin says it before its confirmation page."""
    if CampaignUsage.objects.filter(campaign=campaign).exists():
        return _("Receipts have used this campaign: finish it instead of deleting it, to keep its history.")
    return None


@transaction.atomic
def campaign_delete(*, campaign: Campaign) -> None:
    """Delete a campaign no receipt has used; a used one keeps its history and is finished instead (409)."""
    refusal = campaign_delete_refusal(campaign=campaign)
    if refusal is not None:
        raise Conflict(refusal, code="protected")
    brand_id = campaign.brand_id
    campaign.delete()
    bump_version(brand_id)
