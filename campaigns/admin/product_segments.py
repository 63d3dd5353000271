"""Product segments, with the live preview of the products they match."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from campaigns.admin.base import UI_STRINGS, CampaignsModelAdmin, int_or_none, segment_preview_html, ui_classes
from campaigns.forms import ProductSegmentAdminForm, split_skus
from campaigns.models import ProductSegment
from campaigns.selectors import products_preview
from campaigns.services.campaigns import product_segment_products, products_matching
from common.admin import change_url, copy_saved_fields
from loyalty.models import Brand

# Categories named in the product segments' list.
CATEGORIES_SHOWN = 5


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
        segment_id = int_or_none(request.GET.get("segment"))
        if segment_id is not None:
            segment = get_object_or_404(ProductSegment.objects.for_user(user), pk=segment_id)
            products = product_segment_products(segment)
        else:
            brand_id = int_or_none(request.GET.get("brand"))
            if brand_id is None:
                message = str(_("Choose the brand to see its products."))
                return JsonResponse({"error": {"code": "invalid", "message": message, "fields": {}}}, status=400)
            brand = get_object_or_404(Brand.objects.for_user(user), pk=brand_id)
            categories = [
                number
                for value in request.GET.getlist("categories")
                for number in (int_or_none(part) for part in value.split(","))
                if number is not None
            ]
            products = products_matching(
                brand_id=brand.pk,
                skus=split_skus(request.GET.get("skus", "")),
                category_ids=categories,
                exclude_skus=split_skus(request.GET.get("exclude_skus", "")),
            )
        return JsonResponse(products_preview(products))
