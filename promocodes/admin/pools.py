"""Pools: the list with their used figures, and the pool's page with its panels."""

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.views import ChangeList

from campaigns.models import Campaign
from common.admin import BrandScopedAdminMixin, DomainErrorMessageMixin, ServiceDeleteMixin
from common.admin.formats import count_text, window_end
from common.scoping import user_scope
from promocodes.admin.base import USAGE_DAYS, delete_pool, pool_refusal, remaining_text
from promocodes.admin.forms import CampaignChoiceField, GenerateCodesForm, ImportCodesForm, PromoPoolAdminForm
from promocodes.admin.panels import generation_html, totals_html, usage_chart
from promocodes.admin.pool_views import PoolPageViewsMixin
from promocodes.choices import PoolKind
from promocodes.models import GenerationJob, PromoCode, PromoPool
from promocodes.selectors import pool_remaining, pools_used, usage_by_day
from promocodes.services.generation import sync_limit
from promocodes.services.pools import pool_save


class PoolChangeList(ChangeList):
    """The page's pools with their used figures (`pools_used`: two grouped queries for the page, whatever the
    pools' sizes; the pool keeps its number of codes)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        pools: list[Any] = list(self.result_list)  # type: ignore[has-type]
        used = pools_used(pools)
        for pool in pools:
            pool.used_count = used.get(pool.pk, 0)
        self.result_list = pools


@admin.register(PromoPool)
class PromoPoolAdmin(
    PoolPageViewsMixin, ServiceDeleteMixin, BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin
):
    """A pool's settings, figures and codes: generate, import, export, and the codes' list."""

    form = PromoPoolAdminForm
    list_display = ("name", "brand", "campaign", "kind", "codes_total", "codes_used", "codes_remaining", "window")
    list_select_related = ("brand", "campaign")
    list_filter = ("brand", "kind")
    search_fields = ("name",)
    readonly_fields = ("add_codes", "totals", "usage", "codes_links", "generation", "created_at", "updated_at")
    ordering = ("-pk",)
    # A multi-use pool's one code: shown only while the kind is "one multi-use code" (the form ignores it otherwise).
    conditional_fields = {"code": f"kind == '{PoolKind.MULTI_USE.value}'"}
    change_form_outer_after_template = "admin/promocodes/promopool/codes_panel.html"
    delete_service = staticmethod(delete_pool)
    delete_refusal_service = staticmethod(pool_refusal)

    class Media:
        js = ("promocodes/pool_admin.js",)
        css = {"all": ("promocodes/pool_admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PoolChangeList

    def get_fieldsets(self, request: HttpRequest, obj: PromoPool | None = None) -> Any:
        # Adding codes comes right after what the pool is (its forms post to their own views, `add_codes`).
        add_codes = ("add_codes",) if obj is not None else ()
        # Confirms a campaign that does not require a code yet (`PromoPoolAdminForm.clean`); nothing to view.
        editable = self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)
        confirm = ("make_code_only",) if editable else ()
        fieldsets: list[Any] = [
            (None, {"fields": ("name", "brand", "campaign", *confirm, "kind")}),
            (_("Codes"), {"fields": ("code", ("prefix", "length"), *add_codes)}),
            (
                _("Validity and limits"),
                {"fields": (("valid_from", "valid_to"), ("max_uses", "max_uses_per_contact"), "release_on_refund")},
            ),
        ]
        if obj is not None:
            fieldsets += [
                (_("Figures"), {"fields": ("totals", "usage", "codes_links")}),
                (_("Generation"), {"fields": ("generation",)}),
                (_("Record"), {"fields": ("created_at", "updated_at")}),
            ]
        return fieldsets

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "campaign":
            campaigns = Campaign.objects.for_user(request.user).select_related("brand")
            kwargs["queryset"] = campaigns.order_by("brand__name", "name", "pk")
            kwargs["form_class"] = CampaignChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        brands = user_scope(request.user).brand_ids
        if brands is not None and len(brands) == 1:
            initial.setdefault("brand", next(iter(brands)))
        return initial

    def save_model(self, request: HttpRequest, obj: PromoPool, form: PromoPoolAdminForm, change: bool) -> None:
        makes_code_only = form.makes_code_only
        pool_save(pool=obj, require_code=makes_code_only, user=request.user)
        if makes_code_only:
            self.message_user(
                request,
                _("“%(campaign)s” now requires a promo code: it applies only to receipts with a code.")
                % {"campaign": obj.campaign.name},
                messages.WARNING,
            )

    def get_form(self, request: HttpRequest, obj: PromoPool | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is not None:
            # What the page's panel for adding codes needs for this user (`add_codes`, `codes_panel.html`).
            obj.promo_panel = self.panel_context(request, obj)  # type: ignore[attr-defined]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list[Any], dict[Any, int], set[Any], list]:
        """What a deletion takes, counted (a pool may have millions of codes: they are not listed one by one). The
        codes are deleted by `pool_delete` with the pool, so the user needs no permission on them."""
        pools = list(objs)
        codes = sum(pool.total_codes for pool in pools)
        jobs = GenerationJob.objects.filter(pool__in=pools).count()
        summary: list[Any] = [str(pool) for pool in pools]
        summary.append(ngettext("%(count)s promo code", "%(count)s promo codes", codes) % {"count": count_text(codes)})
        model_count = {PromoPool._meta.verbose_name_plural: len(pools), PromoCode._meta.verbose_name_plural: codes}
        if jobs:
            model_count[GenerationJob._meta.verbose_name_plural] = jobs
        return summary, model_count, set(), []

    # The change list

    @display(description=_("codes"), ordering="total_codes")
    def codes_total(self, obj: PromoPool) -> str:
        return count_text(obj.total_codes)

    @display(description=pgettext_lazy("pool totals", "used"))
    def codes_used(self, obj: PromoPool) -> str:
        return count_text(getattr(obj, "used_count", 0))

    @display(description=pgettext_lazy("pool totals", "remaining"))
    def codes_remaining(self, obj: PromoPool) -> str:
        return remaining_text(pool_remaining(obj, used=getattr(obj, "used_count", 0)))

    @display(description=_("validity"), ordering="valid_to")
    def window(self, obj: PromoPool) -> str:
        return f"{window_end(obj.valid_from)} – {window_end(obj.valid_to)}"

    # The page's panels

    @display(description=_("Add codes"), wrapper_class="max-w-none min-w-0 grow")
    def add_codes(self, obj: PromoPool) -> str:
        """Generate and import: their fields sit here, in the pool's form, but belong (HTML's `form` attribute) to
        the two forms drawn after it (`codes_panel.html`), which post to their own views."""
        panel = getattr(obj, "promo_panel", None)
        if panel is None:
            return "—"
        return render_to_string("admin/promocodes/promopool/add_codes.html", {"promo_panel": panel})

    @display(description=_("codes"), wrapper_class="max-w-none min-w-0 grow")
    def totals(self, obj: PromoPool) -> str:
        return totals_html(obj)

    @display(description=_("uses per day"), wrapper_class="max-w-none min-w-0 grow")
    def usage(self, obj: PromoPool) -> str:
        today = timezone.localdate()
        return usage_chart(usage_by_day(obj, since=today - timedelta(days=USAGE_DAYS - 1)), today)

    @display(description=_("lists and files"))
    def codes_links(self, obj: PromoPool) -> str:
        return render_to_string("admin/promocodes/promopool/codes_links.html", {"pool": obj})

    @display(description=_("generation jobs"), wrapper_class="max-w-none min-w-0 grow")
    def generation(self, obj: PromoPool) -> str:
        return generation_html(obj)

    def panel_context(self, request: HttpRequest, pool: PromoPool) -> dict[str, Any]:
        generate_form, import_form = GenerateCodesForm(), ImportCodesForm()
        generate_form.fields["count"].widget.attrs["form"] = "promo-generate"
        import_form.fields["file"].widget.attrs["form"] = "promo-import"
        return {
            "pool": pool,
            "single_use": pool.kind == PoolKind.SINGLE_USE,
            "can_change": self.has_change_permission(request, pool),
            "sync_limit": count_text(sync_limit()),
            "generate_url": reverse("admin:promocodes_promopool_generate", args=[pool.pk]),
            "import_url": reverse("admin:promocodes_promopool_import", args=[pool.pk]),
            "generate_form": generate_form,
            "import_form": import_form,
        }
