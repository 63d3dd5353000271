"""What the campaigns' admins share: the base class, the preview of a product segment, the page script's texts."""

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import BUTTON_CLASSES, INPUT_CLASSES, SELECT_CLASSES

from campaigns.models import ProductSegment
from campaigns.selectors import segment_preview
from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin


class CampaignsModelAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    """The base of this app's admins: brand scoping, service errors as messages, unfold's look."""


def int_or_none(value: Any) -> int | None:
    """An id typed into a URL: a positive number that fits a bigint, or None."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def segment_preview_html(segment: ProductSegment | None) -> str:
    """The product segment preview as first shown (`segment_preview`); the page's script refreshes it."""
    preview = segment_preview(segment)
    count, sample = preview["count"], preview["sample"]
    more = count - len(sample) if count is not None and count > len(sample) else 0
    return render_to_string("admin/campaigns/segment_preview.html", {"count": count, "sample": sample, "more": more})


def ui_classes() -> dict[str, str]:
    return {
        "input": " ".join(INPUT_CLASSES),
        "select": " ".join(SELECT_CLASSES),
        "button": " ".join(BUTTON_CLASSES),
    }


UI_STRINGS = {
    "chooseType": _("Choose a mechanic"),
    "mechanicType": _("type"),
    "kinds": {"discount": _("Discounts"), "points": _("Points")},
    "rawJson": _("JSON (what is saved; may be edited by hand)"),
    "invalidJson": _("The JSON below is not valid: correct it, or choose the mechanic again."),
    "addStep": _("Add a step"),
    "remove": _("Remove"),
    "products": _("Products: %(count)s"),
    "andMore": _("… and %(count)s more"),
    "everyProduct": _("Every product of the brand."),
    "chooseBrand": _("Choose the brand to see its products."),
    "loading": _("Counting…"),
    "chosenSegment": _("This segment is linked as it is; save the campaign to edit it here."),
    "previewFailed": _("The preview is not available: %(error)s"),
    "calculating": _("Calculating…"),
    "sku": _("SKU"),
    "quantity": _("quantity"),
    "price": _("price"),
    "base": _("base"),
    "discount": _("discount"),
    "total": _("total"),
    "redeemed": _("redeemed points"),
    "payable": _("payable"),
    "points": _("points"),
    "applied": _("campaigns applied"),
    "customer": _("Customer"),
    "anonymous": _("anonymous"),
    "tier": _("tier"),
    "balance": _("balance"),
    "totals": _("Totals"),
    "messages": _("Messages"),
    "notApplied": _("This campaign gives nothing on this basket."),
    "applies": _("This campaign gives a discount of %(discount)s and %(points)s points on this basket."),
    "error": _("Error"),
    "emptyBasket": _("Add at least one line with a SKU."),
    "noProducts": _("No product of the brand matches."),
    "noListPrice": _("no list price"),
    "listPrice": _("list price: %(price)s"),
    "searchFailed": _("The search failed: %(error)s"),
    "pricePlaceholder": _("list price"),
    "requestFailed": _("The request failed: %(error)s"),
}
