"""Codes, code uses, generation jobs and blocked guessing: read-only, found fast among millions."""

from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, change_link
from loyalty.models import Purchase
from promocodes.admin.base import (
    BLOCKED_CODES_SHOWN,
    CODE_STATUS_COLOURS,
    JOB_STATUS_COLOURS,
    MAX_ID_DIGITS,
    CodeStatusFilter,
    PoolFilter,
)
from promocodes.admin.panels import job_progress_html
from promocodes.choices import CodeStatus
from promocodes.codes import normalize
from promocodes.models import AttemptBlock, CodeUse, GenerationJob, PromoCode
from promocodes.selectors import code_status


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """Codes come from generation and import; here they are found and read. Fast with millions: no counts, the
    newest first by primary key, a search on the code's unique index, a filter on the (pool, status) index."""

    list_display = ("code", "pool", "status_badge", "uses", "used_at", "purchase_link")
    list_select_related = ("pool",)
    list_filter = (CodeStatusFilter, PoolFilter)
    list_filter_submit = True
    search_fields = ("code",)
    search_help_text = _("A code or its beginning, in any case.")
    fields = ("code", "pool", "status_badge", "uses", "created_at", "used_at", "purchase_link", "uses_link")
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # Codes are stored upper-case: the term is normalised and matched from the start, which the unique index
        # (and on PostgreSQL its pattern index) answers; an exact code is the shortest such match.
        term = normalize(search_term)
        if not term:
            return queryset, False
        return queryset.filter(code__startswith=term), False

    @display(description=_("status"), label=CODE_STATUS_COLOURS)
    def status_badge(self, obj: PromoCode) -> tuple[str, str]:
        status = code_status(obj)
        return status, str(CodeStatus(status).label)

    @display(description=_("last purchase"), ordering="purchase_id")
    def purchase_link(self, obj: PromoCode) -> str:
        if obj.purchase_id is None:
            return "—"
        return change_link(Purchase, obj.purchase_id, f"#{obj.purchase_id}")

    @display(description=_("uses on receipts"))
    def uses_link(self, obj: PromoCode) -> str:
        url = reverse("admin:promocodes_codeuse_changelist")
        return format_html(
            '<a class="text-primary-600 underline" href="{}?{}">{}</a>',
            url,
            urlencode({"q": obj.code}),
            _("uses of this code"),
        )


@admin.register(CodeUse)
class CodeUseAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """Each code a confirmed receipt carried; released when a full refund gave the code back."""

    list_display = ("at", "code", "pool", "purchase_link", "contact", "store", "register", "released_at")
    list_select_related = ("code", "pool", "contact", "store", "register__store")
    list_filter = (PoolFilter,)
    list_filter_submit = True
    search_fields = ("code__code",)
    search_help_text = _("A code (in any case) or a purchase id.")
    fields = ("code", "pool", "purchase_link", "contact", "store", "register", "at", "released_at")
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = normalize(search_term).lstrip("#")
        if not term:
            return queryset, False
        codes = PromoCode.objects.filter(code=term).values("pk")
        if term.isdigit() and len(term) <= MAX_ID_DIGITS:
            return queryset.filter(code_id__in=codes) | queryset.filter(purchase_id=int(term)), False
        return queryset.filter(code_id__in=codes), False

    @display(description=_("purchase"), ordering="purchase_id")
    def purchase_link(self, obj: CodeUse) -> str:
        return change_link(Purchase, obj.purchase_id, f"#{obj.purchase_id}")


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """Codes generated in the background: how far each job got, and why one stopped."""

    list_display = ("id", "pool", "status_badge", "progress", "created_by", "created_at", "finished_at")
    list_select_related = ("pool", "created_by")
    list_filter = ("status", PoolFilter)
    fields = (
        "pool",
        "status_badge",
        "progress",
        "requested",
        "generated",
        "error",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    )
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    class Media:
        css = {"all": ("promocodes/pool_admin.css",)}

    @display(description=_("status"), ordering="status", label=JOB_STATUS_COLOURS)
    def status_badge(self, obj: GenerationJob) -> tuple[str, str]:
        return obj.status, obj.get_status_display()

    @display(description=_("progress"))
    def progress(self, obj: GenerationJob) -> str:
        return job_progress_html(obj)


@admin.register(AttemptBlock)
class AttemptBlockAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """Registers refused (HTTP 429) for sending too many unknown codes within a minute: who, when, which codes."""

    list_display = ("at", "register", "store", "attempts", "codes_sent")
    list_select_related = ("register__store",)
    list_filter = ("register__store__brand",)
    search_fields = ("=register__code",)
    search_help_text = _("The register's code.")
    fields = ("register", "store", "at", "attempts", "codes_sent")
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    @display(description=_("store"), ordering="register__store__name")
    def store(self, obj: AttemptBlock) -> str:
        return str(obj.register.store)

    @display(description=_("codes sent"))
    def codes_sent(self, obj: AttemptBlock) -> str:
        codes = [str(code) for code in (obj.codes or [])]
        shown = ", ".join(codes[:BLOCKED_CODES_SHOWN])
        return shown + (" …" if len(codes) > BLOCKED_CODES_SHOWN else "") if codes else "—"
