"""The admin of campaigns: the campaign page (its product segment edited in place with a live preview, the mechanic
editor, validation that explains itself, what is spent, a "test this campaign" panel), product segments, customer
segments and the campaigns' uses (read-only).

Registration only: saves go through the services (`campaign_save`, `product_segment_save`, `segment_save`...),
actions call services and report with `message_user`. Every admin is limited to the user's brands.
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import action, display
from unfold.forms import BaseDialogForm, PaginationInlineFormSet
from unfold.paginator import InfinitePaginator
from unfold.views import ChangeList
from unfold.widgets import BUTTON_CLASSES, INPUT_CLASSES, SELECT_CLASSES

from campaigns.choices import CampaignStatus
from campaigns.forms import (
    MECHANIC_EDITOR,
    POINTS_LIFETIME_PARAMS,
    CampaignAdminForm,
    ProductSegmentAdminForm,
    campaigns_sharing,
    split_skus,
)
from campaigns.models import Campaign, CampaignCounter, CampaignUsage, ProductSegment, Segment, SegmentMember
from campaigns.rules import RuleError
from campaigns.services.campaigns import (
    campaign_delete,
    campaign_duplicate,
    campaign_pause,
    campaign_resume,
    campaign_save,
    product_segment_products,
    products_matching,
)
from campaigns.services.limits import campaign_stats, limits_left
from campaigns.services.segments import (
    segment_delete,
    segment_members_add,
    segment_members_remove,
    segment_recompute,
    segment_save,
)
from campaigns.snapshot import campaign_entry
from common.admin import (
    BrandScopedAdminMixin,
    BrandScopedInlineMixin,
    DomainErrorMessageMixin,
    ReadOnlyAdminMixin,
    ServiceDeleteMixin,
    change_url,
    copy_saved_fields,
    redirect_after_dialog,
)
from common.errors import DomainError
from common.scoping import allowed_brand_ids, scope_queryset
from loyalty.models import Brand, Store

# Products listed by the segment preview (the count covers them all).
PREVIEW_SAMPLE = 10
# Categories named in the product segments' list.
CATEGORIES_SHOWN = 5
# Stores offered by the test panel.
TEST_PANEL_STORES = 200
# Promo-code pools listed on the campaign's page.
POOLS_SHOWN = 20

STATUS_COLOURS = {
    CampaignStatus.DRAFT: "info",
    CampaignStatus.ACTIVE: "success",
    CampaignStatus.PAUSED: "warning",
    CampaignStatus.FINISHED: "danger",
}


class CampaignsModelAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    """The base of this app's admins: brand scoping, service errors as messages, unfold's look."""


def _delete_campaign(campaign: Campaign) -> None:
    campaign_delete(campaign=campaign)


def _delete_segment(segment: Segment) -> None:
    segment_delete(segment=segment)


def _when(value: datetime | None) -> str:
    if value is None:
        return "…"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _amount(value: Any) -> str:
    return number_format(Decimal(value or 0), decimal_pos=2)


def _figures(items: list[tuple[Any, Any]]) -> str:
    return format_html(
        '<div class="flex flex-wrap gap-8">{}</div>',
        format_html_join(
            "",
            '<div><div class="text-font-subtle-light text-xs">{}</div>'
            '<div class="text-lg font-semibold">{}</div></div>',
            items,
        ),
    )


def _preview_html(count: int | None, sample: Sequence[Mapping[str, Any]], note: Any = "") -> str:
    """The product segment preview as first shown; the page's script refreshes it as the fields change."""
    if count is None:
        summary = format_html("<span>{}</span>", note)
    else:
        summary = format_html(
            '<strong data-preview-count="{}">{}</strong>', count, _("Products: %(count)s") % {"count": count}
        )
    items = format_html_join("", "<li><code>{}</code> {}</li>", ((item["sku"], item["name"]) for item in sample))
    if count is not None and count > len(sample):
        items = format_html("{}<li>{}</li>", items, _("… and %(count)s more") % {"count": count - len(sample)})
    return format_html(
        '<div id="segment-preview" class="cmp-preview" aria-live="polite"><div class="cmp-preview-summary">{}</div>'
        '<ul class="cmp-preview-sample">{}</ul></div>',
        summary,
        items,
    )


def segment_preview_html(segment: ProductSegment | None) -> str:
    if segment is None or segment.pk is None:
        return _preview_html(None, [], _("Every product of the brand."))
    products = product_segment_products(segment)
    sample = list(products.values("sku", "name")[:PREVIEW_SAMPLE])
    return _preview_html(products.count(), sample)


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
    "stepFrom": pgettext_lazy("graded step threshold", "from"),
    "stepPercent": _("percent"),
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
    "requestFailed": _("The request failed: %(error)s"),
}


# Campaigns


class CampaignChangeList(ChangeList):
    """The page's campaigns with the receipts each touched: one query for the page (`campaign_stats`)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        campaigns: list[Any] = list(self.result_list)  # type: ignore[has-type]
        stats = campaign_stats(campaign.pk for campaign in campaigns)
        for campaign in campaigns:
            campaign.receipts_touched = (stats.get(campaign.pk) or {}).get("receipts", 0)  # type: ignore[attr-defined]
        self.result_list = campaigns


@admin.register(Campaign)
class CampaignAdmin(ServiceDeleteMixin, CampaignsModelAdmin):
    """The campaign page. The JSON parts are plain fields (the mechanic has an editor on top of its JSON), the
    product segment is edited in place with a live preview, and a saved campaign can be tried on a basket."""

    form = CampaignAdminForm
    list_display = ("name", "brand", "status_badge", "window", "priority", "combine", "receipts")
    list_select_related = ("brand",)
    list_filter = ("status", "brand", "combine")
    search_fields = ("name",)
    readonly_fields = ("segment_preview", "spent", "promo_pools", "owner", "created_at", "updated_at")
    actions = ("pause_campaigns", "resume_campaigns", "duplicate_campaigns")
    actions_detail = ("pause_detail", "resume_detail", "duplicate_detail")
    change_form_outer_after_template = "admin/campaigns/campaign/test_panel.html"
    ordering = ("-priority", "pk")
    delete_service = staticmethod(_delete_campaign)

    def delete_refusal(self, request: HttpRequest, object_id: str) -> Any:
        # Its uses would go with it (and they are not the user's to delete): the service's own refusal, said first.
        if CampaignUsage.objects.filter(campaign__in=self.get_queryset(request).filter(pk=_int(object_id))).exists():
            return _("Receipts have used this campaign: finish it instead of deleting it, to keep its history.")
        return None

    class Media:
        js = ("campaigns/campaign_admin.js",)
        css = {"all": ("campaigns/campaign_admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CampaignChangeList

    def get_fieldsets(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        segment_fields: tuple[Any, ...] = (
            "product_segment",
            "segment_name",
            "segment_skus",
            "segment_categories",
            "segment_exclude_skus",
        )
        if obj is not None and campaigns_sharing(obj.product_segment, obj):
            segment_fields += ("segment_copy",)
        limits: tuple[Any, ...] = (("per_customer", "per_customer_days"), "total_uses", ("budget", "daily_budget"))
        if obj is not None:
            limits += ("spent",)
        codes: tuple[Any, ...] = ((_("Promo codes"), {"fields": ("promo_pools",)}),) if obj is not None else ()
        return (
            (None, {"fields": ("name", "brand", "status", "requires_code")}),
            *codes,
            (_("When"), {"fields": (("starts_at", "ends_at"), "weekdays", ("hours_from", "hours_to"))}),
            (_("Who"), {"fields": ("audience_type", "audience_tiers", "audience_segment")}),
            (
                _("What"),
                {"fields": (*segment_fields, "segment_preview", ("min_total", "min_quantity"), "stores")},
            ),
            (_("How"), {"fields": ("mechanic", ("combine", "priority"))}),
            (_("Limits"), {"fields": limits}),
            (_("Hint"), {"fields": ("hint",)}),
            (_("Record"), {"fields": ("owner", "created_at", "updated_at")}),
        )

    def get_form(self, request: HttpRequest, obj: Campaign | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a class made for this request: it scopes the choices
        return form

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))
        initial.setdefault("mechanic", {"type": "percent_discount"})
        brands = allowed_brand_ids(request.user)
        if brands is not None and len(brands) == 1:
            initial.setdefault("brand", next(iter(brands)))
        return initial

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        context["campaign_ui"] = self.page_config(request, object_id)
        return super().changeform_view(request, object_id, form_url, context)

    def page_config(self, request: HttpRequest, object_id: str | None) -> dict[str, Any]:
        """What the page's script needs: the mechanics, the URLs, the brand's stores and the texts (translated)."""
        campaign = self.get_object(request, object_id) if object_id else None
        stores: list[dict[str, Any]] = []
        if campaign is not None:
            stores = [
                {"id": pk, "name": name}
                for pk, name in Store.objects.filter(brand_id=campaign.brand_id)
                .order_by("name", "pk")
                .values_list("pk", "name")[:TEST_PANEL_STORES]
            ]
        return {
            "mechanics": MECHANIC_EDITOR,
            "lifetime": POINTS_LIFETIME_PARAMS,
            "previewUrl": reverse("admin:campaigns_productsegment_preview"),
            "simulateUrl": reverse("campaign-simulate", kwargs={"pk": campaign.pk}) if campaign else None,
            "campaignId": campaign.pk if campaign else None,
            "stores": stores,
            "segmentFields": {
                "brand": "id_brand",
                "chosen": "id_product_segment",
                "initialChosen": campaign.product_segment_id if campaign else None,
                "skus": "id_segment_skus",
                "categories": "id_segment_categories",
                "exclude": "id_segment_exclude_skus",
            },
            "classes": ui_classes(),
            "strings": UI_STRINGS,
        }

    def save_model(self, request: HttpRequest, obj: Campaign, form: CampaignAdminForm, change: bool) -> None:
        obj.product_segment = form.save_product_segment()
        campaign_save(campaign=obj, user=request.user)

    # The change list

    @display(description=_("status"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj: Campaign) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @display(description=_("window"), ordering="starts_at")
    def window(self, obj: Campaign) -> str:
        return f"{_when(obj.starts_at)} – {_when(obj.ends_at)}"

    @display(description=_("receipts"))
    def receipts(self, obj: Campaign) -> int:
        return getattr(obj, "receipts_touched", 0)

    # The page's panels

    @display(description=_("products matched"))
    def segment_preview(self, obj: Campaign) -> str:
        return segment_preview_html(obj.product_segment if obj.pk else None)

    @display(description=_("spent"), wrapper_class="max-w-none min-w-0 grow")
    def spent(self, obj: Campaign) -> str:
        """Uses, receipts, discount, points and value given; what the limits leave (`limits_left`)."""
        if obj.pk is None:
            return "—"
        stats = campaign_stats([obj.pk]).get(obj.pk) or {}
        counter = CampaignCounter.objects.filter(campaign=obj).first()
        items: list[tuple[Any, Any]] = [
            (_("uses"), counter.uses if counter else 0),
            (_("receipts"), stats.get("receipts", 0)),
            (_("discount given"), _amount(stats.get("discount"))),
            (_("points given"), _amount(stats.get("points"))),
            (_("value given"), _amount(stats.get("value"))),
        ]
        try:
            entry = campaign_entry(obj)
        except RuleError:
            entry = None
        limits = entry.limits if entry is not None else {}
        if "total_uses" in limits:
            used = counter.uses if counter else 0
            items.append((_("uses left"), max(limits["total_uses"] - used, 0)))
        if entry is not None and ("budget" in limits or "daily_budget" in limits):
            left = limits_left([entry], contact_id=None, at=timezone.now()).get(obj.pk)
            if "budget" in limits:
                items.append((_("budget"), _amount(limits["budget"])))
            if "daily_budget" in limits:
                items.append((_("daily budget"), _amount(limits["daily_budget"])))
            if left is not None and left.budget_left is not None:
                label = _("budget left today") if "daily_budget" in limits else _("budget left")
                items.append((label, _amount(left.budget_left)))
        return _figures(items)

    @display(description=_("promo-code pools"), wrapper_class="max-w-none min-w-0 grow")
    def promo_pools(self, obj: Campaign) -> str:
        """The pools whose codes unlock the campaign (the promo codes app names the campaign: its reverse relation
        and its admin's URLs are used here, so that campaigns does not depend on promo codes)."""
        if obj.pk is None:
            return "—"
        pools = list(obj.promo_pools.order_by("pk")[:POOLS_SHOWN])
        listed = format_html_join(
            "",
            '<li><a class="text-primary-600 underline" href="{}">{}</a> · {}</li>',
            (
                (
                    reverse("admin:promocodes_promopool_change", args=[pool.pk]),
                    pool.name,
                    ngettext("%(count)s code", "%(count)s codes", pool.total_codes)
                    % {"count": number_format(pool.total_codes, force_grouping=True)},
                )
                for pool in pools
            ),
        )
        if not obj.requires_code:
            note = _("Switch “requires a promo code” on (and save) to unlock this campaign with codes.")
            return format_html('<ul class="mb-2">{}</ul><p class="text-font-subtle-light">{}</p>', listed, note)
        add_url = (
            reverse("admin:promocodes_promopool_add") + "?" + urlencode({"campaign": obj.pk, "brand": obj.brand_id})
        )
        return format_html(
            '<ul class="mb-2">{}</ul><a class="text-primary-600 underline" href="{}">{}</a>',
            listed or format_html("<li>{}</li>", _("No pool yet: the campaign applies to no code.")),
            add_url,
            _("Add a pool of codes for this campaign"),
        )

    # Actions

    def has_status_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not self.has_change_permission(request):
            return False
        return object_id is None or self.get_queryset(request).filter(pk=object_id).exists()

    def _status_change(
        self, request: HttpRequest, queryset: QuerySet, change: Callable[..., Campaign], done: Any
    ) -> None:
        changed = 0
        for campaign in queryset.order_by("pk"):
            try:
                change(campaign=campaign)
            except DomainError as exc:
                self.message_user(request, f"“{campaign}”: {exc.message}", messages.WARNING)
            else:
                changed += 1
        if changed:
            self.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Pause selected campaigns"), permissions=["change"])
    def pause_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status_change(
            request,
            queryset,
            campaign_pause,
            lambda count: ngettext("%(count)d campaign paused.", "%(count)d campaigns paused.", count),
        )

    @admin.action(description=_("Resume selected campaigns"), permissions=["change"])
    def resume_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._status_change(
            request,
            queryset,
            campaign_resume,
            lambda count: ngettext("%(count)d campaign resumed.", "%(count)d campaigns resumed.", count),
        )

    @admin.action(description=_("Duplicate selected campaigns"), permissions=["add"])
    def duplicate_campaigns(self, request: HttpRequest, queryset: QuerySet) -> None:
        for campaign in queryset.order_by("pk"):
            copy = campaign_duplicate(campaign=campaign, user=request.user)
            self._report_copy(request, campaign, copy)

    def _report_copy(self, request: HttpRequest, campaign: Campaign, copy: Campaign) -> None:
        self.message_user(
            request,
            format_html(
                str(_('“{campaign}” duplicated as a draft: <a class="underline" href="{url}">{copy}</a>.')),
                campaign=campaign,
                url=change_url(copy),
                copy=copy,
            ),
            messages.SUCCESS,
        )

    def _detail_status(self, request: HttpRequest, object_id: str, change: Callable[..., Campaign], done: Any) -> Any:
        campaign = get_object_or_404(self.get_queryset(request), pk=object_id)
        try:
            change(campaign=campaign)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.WARNING)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect_after_dialog(request, change_url(campaign))

    @action(
        description=_("Pause"),
        url_path="pause",
        permissions=["status"],
        icon="pause",
        dialog={
            "title": _("Pause the campaign?"),
            "description": _("It stops applying from the next receipt; resume it at any time."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Pause"),
        },
    )
    def pause_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        return self._detail_status(request, object_id, campaign_pause, _("The campaign is paused."))

    @action(
        description=_("Resume"),
        url_path="resume",
        permissions=["status"],
        icon="play_arrow",
        dialog={
            "title": _("Resume the campaign?"),
            "description": _("It applies again from the next receipt."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Resume"),
        },
    )
    def resume_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        return self._detail_status(request, object_id, campaign_resume, _("The campaign is active again."))

    @action(
        description=_("Duplicate"),
        url_path="duplicate",
        permissions=["duplicate"],
        icon="content_copy",
        dialog={
            "title": _("Duplicate the campaign?"),
            "description": _("The copy is a draft with the same rules and product segment."),
            "form_class": BaseDialogForm,
            "form_submit_text": _("Duplicate"),
        },
    )
    def duplicate_detail(self, request: HttpRequest, form: BaseDialogForm, object_id: str) -> HttpResponse:
        campaign = get_object_or_404(self.get_queryset(request), pk=object_id)
        copy = campaign_duplicate(campaign=campaign, user=request.user)
        self._report_copy(request, campaign, copy)
        return redirect_after_dialog(request, change_url(copy))

    def has_duplicate_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        return self.has_add_permission(request) and self.has_status_permission(request, object_id)


# Product segments


@admin.register(ProductSegment)
class ProductSegmentAdmin(CampaignsModelAdmin):
    """A brand's product segments; a campaign's own segment is usually edited on the campaign's page."""

    form = ProductSegmentAdminForm
    list_display = ("name", "brand", "sku_count", "category_names", "campaign_count", "preview_link")
    list_select_related = ("brand",)
    list_filter = ("brand",)
    search_fields = ("name",)
    readonly_fields = ("preview", "used_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "name")}),
        (_("Products"), {"fields": ("skus", "categories", "exclude_skus", "preview")}),
        (_("Campaigns"), {"fields": ("used_by",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("brand", "name")
    change_form_outer_after_template = "admin/campaigns/productsegment/page_config.html"

    class Media:
        js = ("campaigns/campaign_admin.js",)
        css = {"all": ("campaigns/campaign_admin.css",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(campaign_total=Count("campaigns")).prefetch_related("categories")

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="campaigns_productsegment_preview",
        )
        return [preview, *super().get_urls()]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        context["campaign_ui"] = {
            "previewUrl": reverse("admin:campaigns_productsegment_preview"),
            "segmentFields": {
                "brand": "id_brand",
                "skus": "id_skus",
                "categories": "id_categories",
                "exclude": "id_exclude_skus",
            },
            "classes": ui_classes(),
            "strings": UI_STRINGS,
        }
        return super().changeform_view(request, object_id, form_url, context)

    def save_model(self, request: HttpRequest, obj: ProductSegment, form: forms.ModelForm, change: bool) -> None:
        assert isinstance(form, ProductSegmentAdminForm)
        saved = form.save_through_service()
        copy_saved_fields(saved, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The categories are set by `product_segment_save` (with the snapshot bump)."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @display(description=_("SKUs"))
    def sku_count(self, obj: ProductSegment) -> int:
        return len(obj.skus or [])

    @display(description=_("categories"))
    def category_names(self, obj: ProductSegment) -> str:
        names = [category.name for category in obj.categories.all()]
        if not names:
            return "—"
        shown = names[:CATEGORIES_SHOWN]
        return ", ".join(shown) + (" …" if len(names) > len(shown) else "")

    @display(description=_("campaigns"), ordering="campaign_total")
    def campaign_count(self, obj: ProductSegment) -> int:
        return getattr(obj, "campaign_total", 0)

    @display(description=_("preview"))
    def preview_link(self, obj: ProductSegment) -> str:
        url = reverse("admin:campaigns_productsegment_preview")
        return format_html('<a class="text-primary-600 underline" href="{}?segment={}">{}</a>', url, obj.pk, _("JSON"))

    @display(description=_("products matched"))
    def preview(self, obj: ProductSegment) -> str:
        return segment_preview_html(obj if obj.pk else None)

    @display(description=_("used by"))
    def used_by(self, obj: ProductSegment) -> str:
        if obj.pk is None:
            return "—"
        campaigns = list(obj.campaigns.order_by("pk")[:20])  # type: ignore[attr-defined]
        if not campaigns:
            return str(_("No campaign."))
        return format_html_join(
            ", ",
            '<a class="text-primary-600 underline" href="{}">{}</a>',
            ((change_url(campaign), campaign.name) for campaign in campaigns),
        )

    def preview_view(self, request: HttpRequest) -> JsonResponse:
        """`?brand=&skus=&categories=&exclude_skus=` (or `?segment=`) → `{"count", "sample": [{"sku", "name"}]}`:
        the products a segment being edited matches, for the brands the user may see."""
        user = request.user
        if not any(
            user.has_perm(permission)
            for permission in ("campaigns.view_productsegment", "campaigns.add_campaign", "campaigns.change_campaign")
        ):
            raise PermissionDenied
        segment_id = _int(request.GET.get("segment"))
        if segment_id is not None:
            segment = get_object_or_404(scope_queryset(ProductSegment.objects.all(), user), pk=segment_id)
            products = product_segment_products(segment)
        else:
            brand_id = _int(request.GET.get("brand"))
            if brand_id is None:
                message = str(_("Choose the brand to see its products."))
                return JsonResponse({"error": {"code": "invalid", "message": message, "fields": {}}}, status=400)
            brand = get_object_or_404(scope_queryset(Brand.objects.all(), user), pk=brand_id)
            categories = [
                number
                for value in request.GET.getlist("categories")
                for number in (_int(part) for part in value.split(","))
                if number is not None
            ]
            products = products_matching(
                brand_id=brand.pk,
                skus=split_skus(request.GET.get("skus", "")),
                category_ids=categories,
                exclude_skus=split_skus(request.GET.get("exclude_skus", "")),
            )
        sample = list(products.values("sku", "name")[:PREVIEW_SAMPLE])
        return JsonResponse({"count": products.count(), "sample": sample})


def _int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# Customer segments


class SegmentMemberInline(BrandScopedInlineMixin, TabularInline):
    model = SegmentMember
    formset = PaginationInlineFormSet
    per_page = 20
    fields = ("contact", "added_at")
    readonly_fields = ("added_at",)
    autocomplete_fields = ("contact",)
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("contact").order_by("-pk")


@admin.register(Segment)
class SegmentAdmin(ServiceDeleteMixin, CampaignsModelAdmin):
    """Customer segments: their rules and members (as last recomputed, or added by hand)."""

    list_display = ("name", "program", "size", "recomputed_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("size", "recomputed_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program")}),
        (_("Rules"), {"fields": ("rules",)}),
        (_("Members"), {"fields": ("size", "recomputed_at")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = [SegmentMemberInline]
    actions = ("recompute_segments",)
    ordering = ("program", "name")
    delete_service = staticmethod(_delete_segment)

    def save_model(self, request: HttpRequest, obj: Segment, form: forms.ModelForm, change: bool) -> None:
        data: dict[str, Any] = {
            key: form.cleaned_data[key] for key in ("name", "program", "rules") if key in form.cleaned_data
        }
        target = Segment.objects.get(pk=obj.pk) if change else Segment()
        saved = segment_save(segment=target, data=data)
        copy_saved_fields(saved, obj)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not SegmentMember:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message; writes nothing
        segment = form.instance
        removed = [member.contact for member in formset.deleted_objects]
        added = [member.contact for member in formset.new_objects]
        for member, _fields in formset.changed_objects:
            previous = SegmentMember.objects.filter(pk=member.pk).select_related("contact").first()
            if previous is not None:
                removed.append(previous.contact)
            added.append(member.contact)
        if removed:
            segment_members_remove(segment=segment, contacts=removed)
        if added:
            segment_members_add(segment=segment, contacts=added)

    @admin.action(description=_("Recompute selected segments"), permissions=["change"])
    def recompute_segments(self, request: HttpRequest, queryset: QuerySet) -> None:
        for segment in queryset.order_by("pk"):
            size = segment_recompute(segment=segment)
            self.message_user(
                request,
                _("“%(name)s”: %(size)s members.") % {"name": segment.name, "size": size},
                messages.SUCCESS,
            )


# Campaign uses (read-only)


@admin.register(CampaignUsage)
class CampaignUsageAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """What each confirmed receipt got from each campaign: written by the tills, never edited."""

    list_display = ("at", "campaign", "purchase_id", "contact", "discount", "points", "value")
    list_select_related = ("campaign", "contact")
    list_filter = (("campaign", AutocompleteSelectFilter), "campaign__brand")
    search_fields = ("=purchase_id",)
    search_help_text = _("A purchase id.")
    fields = ("campaign", "purchase_id", "contact", "at", "discount", "points", "value")
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        brand_ids = allowed_brand_ids(request.user)
        return queryset if brand_ids is None else queryset.filter(campaign__brand_id__in=brand_ids)
