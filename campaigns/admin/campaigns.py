"""The campaign page and the campaigns' list."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.decorators import display
from unfold.views import ChangeList

from campaigns.admin.base import UI_STRINGS, CampaignsModelAdmin, int_or_none, segment_preview_html, ui_classes
from campaigns.admin.campaign_actions import CampaignActionsMixin
from campaigns.admin.campaign_effect import CampaignEffectMixin
from campaigns.admin.campaign_layout import campaign_fieldsets, sections_with_errors
from campaigns.choices import CampaignStatus
from campaigns.forms import CampaignAdminForm, mechanic_editor
from campaigns.models import Campaign
from campaigns.selectors import campaign_spent
from campaigns.services.basket import campaign_product_search
from campaigns.services.campaigns import campaign_delete, campaign_delete_refusal, campaign_save
from campaigns.services.limits import campaign_stats
from common.admin import ServiceDeleteMixin
from common.admin.formats import window_end
from common.scoping import user_scope
from loyalty.models import Brand, Store

# Promo-code pools listed on the campaign's page.
POOLS_SHOWN = 20
# Stores offered by the test panel.
TEST_PANEL_STORES = 200
# A saved campaign in these statuses is checked for other active campaigns on the same products.
OVERLAP_CHECKED_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.ACTIVE)

STATUS_COLOURS = {
    CampaignStatus.DRAFT: "info",
    CampaignStatus.ACTIVE: "success",
    CampaignStatus.PAUSED: "warning",
    CampaignStatus.FINISHED: "danger",
}


def _delete_campaign(campaign: Campaign) -> None:
    campaign_delete(campaign=campaign)


def _campaign_delete_refusal(campaign: Campaign) -> str | None:
    return campaign_delete_refusal(campaign=campaign)


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
class CampaignAdmin(CampaignEffectMixin, CampaignActionsMixin, ServiceDeleteMixin, CampaignsModelAdmin):
    """The campaign page. The JSON parts are plain fields (the mechanic has an editor on top of its JSON), the
    product segment is edited in place with a live preview, and a saved campaign can be tried on a basket."""

    form = CampaignAdminForm
    list_display = ("name", "brand", "status_badge", "window", "priority", "combine", "receipts")
    list_select_related = ("brand",)
    list_filter = ("status", "brand", "combine")
    search_fields = ("name",)
    readonly_fields = ("segment_preview", "spent", "effect", "promo_pools", "owner", "created_at", "updated_at")
    actions = ("pause_campaigns", "resume_campaigns", "duplicate_campaigns")
    actions_detail = ("pause_detail", "resume_detail", "duplicate_detail")
    change_form_outer_after_template = "admin/campaigns/campaign/test_panel.html"
    ordering = ("-priority", "pk")
    delete_service = staticmethod(_delete_campaign)
    delete_refusal_service = staticmethod(_campaign_delete_refusal)

    class Media:
        js = ("campaigns/campaign_admin.js", "campaigns/campaign_effect.js")
        css = {"all": ("campaigns/campaign_admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CampaignChangeList

    def get_urls(self) -> list[URLPattern]:
        products = path(
            "<path:object_id>/products/",
            self.admin_site.admin_view(self.products_view),
            name="campaigns_campaign_products",
        )
        return [products, *super().get_urls()]

    def products_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """`?q=` → `{"results": [{"sku", "name", "price"}]}`: the test panel's product search, among the campaign's
        brand's products the user may see (`campaign_product_search`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        campaign = get_object_or_404(self.get_queryset(request), pk=int_or_none(object_id) or 0)
        results = campaign_product_search(campaign=campaign, user=request.user, query=request.GET.get("q", ""))
        return JsonResponse({"results": results})

    def get_fieldsets(self, request: HttpRequest, obj: Campaign | None = None) -> Any:
        # Making an active campaign code-only is confirmed (`CampaignAdminForm._clean_code_only`): the confirmation
        # shows once the user has asked for it (a save with "requires a promo code" switched on), not beside the
        # switch all the time as a second switch for the same thing.
        active_without_code = obj is not None and obj.status == CampaignStatus.ACTIVE and not obj.requires_code
        asked = request.method == "POST" and request.POST.get("requires_code") in {"on", "true", "True", "1"}
        confirm = active_without_code and asked and self.has_change_permission(request, obj)
        return campaign_fieldsets(obj, confirm_code_only=confirm, preset=request.GET if obj is None else ())

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        adminform = context.get("adminform")
        if adminform is not None:
            context["campaign_open_sections"] = sections_with_errors(adminform.fieldsets, adminform.form)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_form(self, request: HttpRequest, obj: Campaign | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a class made for this request: it scopes the choices
        return form

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("starts_at", timezone.localtime().replace(second=0, microsecond=0))
        initial.setdefault("mechanic", {"type": "percent_discount"})
        brands = user_scope(request.user).brand_ids
        if brands is None:  # every brand: preset when there is only one
            brands = frozenset(Brand.objects.values_list("pk", flat=True)[:2])
        if len(brands) == 1:
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
            "mechanics": mechanic_editor(),
            "previewUrl": reverse("admin:campaigns_productsegment_preview"),
            "simulateUrl": reverse("campaign-simulate", kwargs={"pk": campaign.pk}) if campaign else None,
            "productsUrl": reverse("admin:campaigns_campaign_products", args=[campaign.pk]) if campaign else None,
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
        if obj.status in OVERLAP_CHECKED_STATUSES:
            self.warn_overlaps(request, obj)

    # The change list

    @display(description=_("status"), ordering="status", label=STATUS_COLOURS)
    def status_badge(self, obj: Campaign) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @display(description=_("window"), ordering="starts_at")
    def window(self, obj: Campaign) -> str:
        return f"{window_end(obj.starts_at)} – {window_end(obj.ends_at)}"

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
        spent = campaign_spent(obj, now=timezone.now())
        figures = [
            {"label": _("uses"), "value": spent["uses"]},
            {"label": _("receipts"), "value": spent["receipts"]},
            {"label": _("discount given"), "value": spent["discount"], "amount": True},
            {"label": _("points given"), "value": spent["points"], "amount": True},
            {"label": _("value given"), "value": spent["value"], "amount": True},
        ]
        if "uses_left" in spent:
            figures.append({"label": _("uses left"), "value": spent["uses_left"]})
        if "budget" in spent:
            figures.append({"label": _("budget"), "value": spent["budget"], "amount": True})
        if "daily_budget" in spent:
            figures.append({"label": _("daily budget"), "value": spent["daily_budget"], "amount": True})
        if "budget_left" in spent:
            label = _("budget left today") if "daily_budget" in spent else _("budget left")
            figures.append({"label": label, "value": spent["budget_left"], "amount": True})
        return render_to_string("admin/common/figures.html", {"figures": figures})

    @display(description=_("promo-code pools"), wrapper_class="max-w-none min-w-0 grow")
    def promo_pools(self, obj: Campaign) -> str:
        """The pools whose codes unlock the campaign (the promo codes app names the campaign: its reverse relation
        and its admin's URLs are used here, so that campaigns does not depend on promo codes)."""
        if obj.pk is None:
            return "—"
        pools = [
            (
                pool,
                ngettext("%(count)s code", "%(count)s codes", pool.total_codes)
                % {"count": number_format(pool.total_codes, force_grouping=True)},
            )
            for pool in obj.promo_pools.order_by("pk")[:POOLS_SHOWN]
        ]
        add_url = (
            reverse("admin:promocodes_promopool_add") + "?" + urlencode({"campaign": obj.pk, "brand": obj.brand_id})
        )
        return render_to_string(
            "admin/campaigns/campaign/promo_pools.html",
            {"pools": pools, "requires_code": obj.requires_code, "add_url": add_url},
        )
