"""Stands: their promoters, the page's link and QR code, and their leads' figures below the form."""

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin, add_domain_error, copy_saved_fields
from common.admin.links import changelist_url
from common.errors import DomainError
from promoters.admin.panels import FIGURES_TEMPLATE, figures_context
from promoters.models import Lead, Stand
from promoters.selectors import leads_for_user, own_stands_only, promoter_choices
from promoters.services import stand_save
from promoters.services.stands import stand_promoters_check


def page_context(request: HttpRequest, stand: Stand) -> dict[str, Any]:
    """The stand page's address, as a link and a QR code to print at the stand (DJANGO_PUBLIC_URL when set, else
    the address this admin page was reached at)."""
    path = reverse("promoters:stand", args=[stand.code])
    base = settings.PUBLIC_URL.rstrip("/") if settings.PUBLIC_URL else request.build_absolute_uri("/").rstrip("/")
    url = base + path
    return {"stand_page_url": url, "stand_qr": segno.make(url, error="m").svg_data_uri(scale=6, border=2)}


class StandAdminForm(forms.ModelForm):
    class Meta:
        model = Stand
        fields = list(Stand.EDITABLE_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        brand = cleaned.get("brand")
        if brand is not None and not self.errors and "promoters" in cleaned:
            try:
                stand_promoters_check(brand_id=brand.pk, promoters=list(cleaned["promoters"]))
            except DomainError as exc:
                add_domain_error(self, exc)
        return cleaned


@admin.register(Stand)
class StandAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    form = StandAdminForm
    list_display = ("name", "code", "brand", "event", "place", "starts_at", "ends_at", "leads_link", "page_link")
    list_filter = ("brand", "starts_at")
    list_select_related = ("brand",)
    search_fields = ("name", "code", "event", "place")
    ordering = ("-starts_at", "-pk")
    filter_horizontal = ("promoters",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "name", "code", "event", "place")}),
        (_("Dates"), {"fields": ("starts_at", "ends_at")}),
        (_("Leads"), {"fields": ("promoters", "welcome_points", "consent_version", "terms_url")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    change_form_after_template = FIGURES_TEMPLATE

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stand]:
        stands = super().get_queryset(request)
        if own_stands_only(request.user):
            stands = stands.filter(promoters=request.user)
        return stands

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "promoters":
            kwargs["queryset"] = promoter_choices(request.user)
            return super(BrandScopedAdminMixin, self).formfield_for_manytomany(db_field, request, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Stand, form: forms.ModelForm, change: bool) -> None:
        target = Stand.objects.get(pk=obj.pk) if change else Stand()
        data = {key: form.cleaned_data[key] for key in Stand.EDITABLE_FIELDS if key in form.cleaned_data}
        copy_saved_fields(stand_save(stand=target, data=data), obj)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)  # the promoters were saved by the service

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        stand = self.get_object(request, object_id) if object_id else None
        if stand is not None:
            context |= figures_context(leads_for_user(request.user).filter(stand=stand), per_stand=False)
            context["lead_list_url"] = changelist_url(Lead, stand__id__exact=stand.pk)
            context |= page_context(request, stand)
        return super().changeform_view(request, object_id, form_url, context)

    @display(description=_("leads"), ordering="lead_count")
    def leads_link(self, obj: Stand) -> str:
        return format_html('<a href="{}">{}</a>', changelist_url(Lead, stand__id__exact=obj.pk), obj.lead_count)

    @display(description=_("page"))
    def page_link(self, obj: Stand) -> str:
        url = reverse("promoters:stand", args=[obj.code])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)
