"""The admin of promo codes: pools (their figures, usage over the last 30 days, generation with the progress of
background jobs, import and export of codes), the codes, generation jobs, code uses and blocked guessing.

Registration only: a pool is saved through `pool_save` and deleted through `pool_delete`; codes are generated
(`codes_generate` within the request up to `sync_limit()`, a background job from `job_start` above it), imported
(`codes_import`) and exported (`codes_export`) by the services, and the figures come from the selectors. Every admin
is limited to the user's brands. The code tables hold millions of rows: their lists never count, search the unique
index of the code, and filter by pool with a plain list of the user's pools.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import DropdownFilter
from unfold.decorators import display
from unfold.paginator import InfinitePaginator
from unfold.views import ChangeList
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminIntegerFieldWidget

from campaigns.models import Campaign
from common.admin import (
    BrandScopedAdminMixin,
    DomainErrorMessageMixin,
    ReadOnlyAdminMixin,
    ServiceDeleteMixin,
    add_domain_error,
    change_link,
    changelist_link,
)
from common.errors import InvalidInput
from common.scoping import allowed_brand_ids, scope_queryset
from loyalty.models import Purchase
from promocodes.choices import CodeStatus, JobStatus, PoolKind
from promocodes.codes import normalize
from promocodes.models import AttemptBlock, CodeUse, GenerationJob, PromoCode, PromoPool
from promocodes.selectors import code_status, pool_expired, pool_totals, pools_used, usage_by_day
from promocodes.services.generation import codes_generate, job_start, sync_limit
from promocodes.services.pools import pool_delete, pool_save, pool_validate
from promocodes.services.transfer import codes_export, codes_import

# The pool page: days in the usage chart, generation jobs listed.
USAGE_DAYS = 30
JOBS_SHOWN = 5
BAR_STEP = 10  # the chart's units per day (a bar of 8 and a gap of 2)
# Codes of a blocked register listed in its row.
BLOCKED_CODES_SHOWN = 10
# An id typed into a filter or a search: longer numbers are not ids (a bigint has 19 digits).
MAX_ID_DIGITS = 18

CODE_STATUS_COLOURS = {CodeStatus.ACTIVE: "success", CodeStatus.USED: "info", CodeStatus.EXPIRED: "danger"}
JOB_STATUS_COLOURS = {
    JobStatus.QUEUED: "info",
    JobStatus.RUNNING: "warning",
    JobStatus.DONE: "success",
    JobStatus.FAILED: "danger",
}
JOB_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
# Why `codes_import` skipped a row (its `error`), as the marketer reads it.
IMPORT_ERRORS = {
    "malformed": _("not a code: letters, digits and inner hyphens, at most 40 characters"),
    "duplicate_in_file": _("repeated in the file"),
    "duplicate": _("already exists (codes are unique across all pools)"),
}


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _when(value: datetime | None) -> str:
    if value is None:
        return "…"
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _pool_ids_of(user: Any) -> QuerySet | None:
    """The pools of a brand-limited user's brands (a subquery), or None when the user is not limited."""
    brand_ids = allowed_brand_ids(user)
    if brand_ids is None:
        return None
    return PromoPool.objects.filter(brand_id__in=brand_ids).values("pk")


def _delete_pool(pool: PromoPool) -> None:
    pool_delete(pool=pool)


# Filters: plain choices, no counts (the code tables are big)


class PoolFilter(DropdownFilter):
    """The pools of the user's brands; filters by the indexed `pool_id`."""

    title = _("pool")
    parameter_name = "pool"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pools = scope_queryset(PromoPool.objects.all(), request.user).order_by("brand__name", "name", "pk")
        return [(str(pk), f"{brand} · {name}") for pk, name, brand in pools.values_list("pk", "name", "brand__name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and str(value).isdigit() and len(str(value)) <= MAX_ID_DIGITS:
            return queryset.filter(pool_id=int(value))
        return queryset


class CodeStatusFilter(DropdownFilter):
    """Active, used or expired (an unused code of a pool whose validity has ended, as `codes_filter` has it)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(CodeStatus.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == CodeStatus.USED:
            return queryset.filter(status=CodeStatus.USED)
        if value not in (CodeStatus.ACTIVE, CodeStatus.EXPIRED):
            return queryset
        # Pools are few, codes are many: the ended pools are read first, then the codes by the (pool, status) index.
        ended = list(PromoPool.objects.filter(valid_to__lte=timezone.now()).values_list("pk", flat=True))
        if value == CodeStatus.ACTIVE:
            active = queryset.filter(status=CodeStatus.ACTIVE)
            return active.exclude(pool_id__in=ended) if ended else active
        return queryset.filter(status=CodeStatus.ACTIVE, pool_id__in=ended) if ended else queryset.none()


class PoolScopedMixin:
    """Rows of the pools of the user's brands (codes and code uses name their pool, not a brand)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        pools = _pool_ids_of(request.user)
        return queryset if pools is None else queryset.filter(pool_id__in=pools)


# Pools


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand} · {obj.name}"


class PromoPoolAdminForm(forms.ModelForm):
    """A pool. The rules are the service's (`pool_validate`): its errors are put under the fields they name."""

    class Meta:
        model = PromoPool
        fields = PromoPool.EDITABLE_FIELDS
        error_messages = {
            "campaign": {
                "invalid_choice": _(
                    "Choose a campaign of your brands that requires a promo code (“requires a promo code” is on)."
                )
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("campaign")
        campaign_id = self.instance.campaign_id
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None and campaign_id:
            # The pool's own campaign stays a choice even if it no longer requires a code (the service then says so).
            offered = Q(pk__in=field.queryset.values("pk")) | Q(pk=campaign_id)
            field.queryset = (
                Campaign.objects.filter(offered).select_related("brand").order_by("brand__name", "name", "pk")
            )

    def _post_clean(self) -> None:
        # After the instance is built from the form (and the model's own checks pass), the service checks it whole.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        pool: PromoPool = self.instance
        try:
            pool_validate(pool)
        except InvalidInput as exc:
            add_domain_error(self, exc)


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(label=_("number of codes"), min_value=1, widget=UnfoldAdminIntegerFieldWidget)


class ImportCodesForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One code per row: in a column named “code”, or in the first column. UTF-8 or Windows-1251."),
        widget=UnfoldAdminFileFieldWidget,
    )


def _bar_height(uses: int, peak: int) -> float:
    """Out of 100; a day without uses keeps a sliver, so that every day of the chart shows."""
    return round(uses * 100 / peak, 1) if uses and peak else 1


def usage_chart(rows: Iterable[dict[str, Any]], today: date, days: int = USAGE_DAYS) -> str:
    """Uses per day as an inline SVG bar chart (no script): one bar a day, the oldest on the left."""
    by_day = {row["day"]: row["uses"] for row in rows}
    series = [(day, by_day.get(day, 0)) for day in (today - timedelta(days=back) for back in range(days - 1, -1, -1))]
    peak = max(uses for _day, uses in series)
    total = sum(uses for _day, uses in series)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="8" height="{}" data-day="{}" data-uses="{}" class="{}">'
        "<title>{}: {}</title></rect>",
        (
            (
                index * BAR_STEP + 1,
                100 - _bar_height(uses, peak),
                _bar_height(uses, peak),
                day.isoformat(),
                uses,
                "promo-bar" if uses else "promo-bar promo-bar-empty",
                date_format(day, "SHORT_DATE_FORMAT"),
                uses,
            )
            for index, (day, uses) in enumerate(series)
        ),
    )
    summary = ngettext(
        "%(count)s use in the last %(days)s days, at most %(peak)s a day.",
        "%(count)s uses in the last %(days)s days, at most %(peak)s a day.",
        total,
    ) % {"count": _number(total), "days": days, "peak": _number(peak)}
    return format_html(
        '<div class="promo-usage"><svg class="promo-chart" viewBox="0 0 {} 100" preserveAspectRatio="none" role="img" '
        'aria-label="{}">{}</svg><div class="promo-chart-axis"><span>{}</span><span>{}</span></div>'
        '<p class="promo-note">{}</p></div>',
        days * BAR_STEP,
        summary,
        bars,
        date_format(series[0][0], "SHORT_DATE_FORMAT"),
        date_format(series[-1][0], "SHORT_DATE_FORMAT"),
        summary,
    )


def pool_figures(pool: PromoPool) -> dict[str, str]:
    """The pool's totals (`pool_totals`) as shown: localised; a multi-use code without a limit has no "remaining"."""
    totals = pool_totals(pool)
    shown = {key: _number(value) for key, value in totals.items()}
    if pool.kind == PoolKind.MULTI_USE and pool.max_uses is None and not pool_expired(pool):
        shown["remaining"] = str(_("unlimited"))
    return shown


FIGURE_LABELS = {
    "generated": pgettext_lazy("pool totals", "generated"),
    "used": pgettext_lazy("pool totals", "used"),
    "remaining": pgettext_lazy("pool totals", "remaining"),
    "expired": pgettext_lazy("pool totals", "expired"),
}


def job_progress(job: GenerationJob) -> dict[str, Any]:
    percent = min(job.percent, 100)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(JobStatus(job.status).label),
        "generated": job.generated,
        "requested": job.requested,
        "percent": percent,
        "text": _("%(generated)s of %(requested)s (%(percent)s%%)")
        % {"generated": _number(job.generated), "requested": _number(job.requested), "percent": percent},
        "error": job.error,
    }


def job_bar(job: GenerationJob) -> str:
    progress = job_progress(job)
    return format_html(
        '<div class="promo-job" data-job="{}"><div class="promo-job-head"><strong data-job-status>{}</strong>'
        '<span data-job-count>{}</span><span class="promo-note">{}</span></div>'
        '<div class="promo-progress"><div class="promo-progress-bar" data-job-bar style="width: {}%"></div></div>'
        '<div class="promo-job-error" data-job-error>{}</div></div>',
        job.pk,
        progress["status_label"],
        progress["text"],
        _when(job.created_at),
        progress["percent"],
        job.error,
    )


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
class PromoPoolAdmin(ServiceDeleteMixin, BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    """A pool's settings, figures and codes: generate, import, export, and the codes' list."""

    form = PromoPoolAdminForm
    list_display = ("name", "brand", "campaign", "kind", "codes_total", "codes_used", "codes_remaining", "window")
    list_select_related = ("brand", "campaign")
    list_filter = ("brand", "kind")
    search_fields = ("name",)
    readonly_fields = ("totals", "usage", "codes_links", "generation", "created_at", "updated_at")
    ordering = ("-pk",)
    change_form_outer_after_template = "admin/promocodes/promopool/codes_panel.html"
    delete_service = staticmethod(_delete_pool)

    class Media:
        js = ("promocodes/pool_admin.js",)
        css = {"all": ("promocodes/pool_admin.css",)}

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PoolChangeList

    def get_fieldsets(self, request: HttpRequest, obj: PromoPool | None = None) -> Any:
        fieldsets: list[Any] = [
            (None, {"fields": ("name", "brand", "campaign", "kind")}),
            (_("Codes"), {"fields": ("code", ("prefix", "length"))}),
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
            campaigns = Campaign.objects.filter(requires_code=True).select_related("brand")
            kwargs["queryset"] = scope_queryset(campaigns, request.user).order_by("brand__name", "name", "pk")
            kwargs["form_class"] = CampaignChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        brands = allowed_brand_ids(request.user)
        if brands is not None and len(brands) == 1:
            initial.setdefault("brand", next(iter(brands)))
        return initial

    def save_model(self, request: HttpRequest, obj: PromoPool, form: forms.ModelForm, change: bool) -> None:
        pool_save(pool=obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[list[Any], dict[Any, int], set[Any], list]:
        """What a deletion takes, counted (a pool may have millions of codes: they are not listed one by one). The
        codes are deleted by `pool_delete` with the pool, so the user needs no permission on them."""
        pools = list(objs)
        codes = sum(pool.total_codes for pool in pools)
        jobs = GenerationJob.objects.filter(pool__in=pools).count()
        summary: list[Any] = [str(pool) for pool in pools]
        summary.append(ngettext("%(count)s promo code", "%(count)s promo codes", codes) % {"count": _number(codes)})
        model_count = {PromoPool._meta.verbose_name_plural: len(pools), PromoCode._meta.verbose_name_plural: codes}
        if jobs:
            model_count[GenerationJob._meta.verbose_name_plural] = jobs
        return summary, model_count, set(), []

    # The change list

    @display(description=_("codes"), ordering="total_codes")
    def codes_total(self, obj: PromoPool) -> str:
        return _number(obj.total_codes)

    @display(description=pgettext_lazy("pool totals", "used"))
    def codes_used(self, obj: PromoPool) -> str:
        return _number(getattr(obj, "used_count", 0))

    @display(description=pgettext_lazy("pool totals", "remaining"))
    def codes_remaining(self, obj: PromoPool) -> str:
        if pool_expired(obj):
            return _number(0)
        used = getattr(obj, "used_count", 0)
        if obj.kind == PoolKind.MULTI_USE:
            return str(_("unlimited")) if obj.max_uses is None else _number(max(obj.max_uses - used, 0))
        return _number(max(obj.total_codes - used, 0))

    @display(description=_("validity"), ordering="valid_to")
    def window(self, obj: PromoPool) -> str:
        return f"{_when(obj.valid_from)} – {_when(obj.valid_to)}"

    # The page's panels

    @display(description=_("codes"), wrapper_class="max-w-none min-w-0 grow")
    def totals(self, obj: PromoPool) -> str:
        figures = pool_figures(obj)
        return format_html(
            '<div class="flex flex-wrap gap-8">{}</div>',
            format_html_join(
                "",
                '<div><div class="text-font-subtle-light text-xs">{}</div>'
                '<div class="text-lg font-semibold" data-total="{}">{}</div></div>',
                ((label, key, figures[key]) for key, label in FIGURE_LABELS.items()),
            ),
        )

    @display(description=_("uses per day"), wrapper_class="max-w-none min-w-0 grow")
    def usage(self, obj: PromoPool) -> str:
        today = timezone.localdate()
        return usage_chart(usage_by_day(obj, since=today - timedelta(days=USAGE_DAYS - 1)), today)

    @display(description=_("lists and files"))
    def codes_links(self, obj: PromoPool) -> str:
        return format_html(
            '<div class="flex flex-wrap gap-6">{} {} <a class="text-primary-600 underline" href="{}">{}</a></div>',
            changelist_link(PromoCode, _("the pool's codes"), pool=obj.pk),
            changelist_link(CodeUse, _("the pool's code uses"), pool=obj.pk),
            reverse("admin:promocodes_promopool_export", args=[obj.pk]),
            _("export the codes (CSV)"),
        )

    @display(description=_("generation jobs"), wrapper_class="max-w-none min-w-0 grow")
    def generation(self, obj: PromoPool) -> str:
        jobs = list(GenerationJob.objects.filter(pool=obj).order_by("-pk")[:JOBS_SHOWN])
        if not jobs:
            return str(_("No codes were generated in the background yet."))
        running = any(job.status in JOB_UNFINISHED for job in jobs)
        return format_html(
            '<div class="promo-jobs" data-promo-jobs data-url="{}" data-running="{}">{}</div>',
            reverse("admin:promocodes_promopool_jobs", args=[obj.pk]),
            "1" if running else "0",
            format_html_join("", "{}", ((job_bar(job),) for job in jobs)),
        )

    # The page: generation, import, export and the progress of jobs

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any, suffix: str) -> URLPattern:
            return path(
                f"<path:object_id>/{suffix}/",
                self.admin_site.admin_view(function),
                name=f"promocodes_promopool_{suffix}",
            )

        return [
            view(self.generate_view, "generate"),
            view(self.import_view, "import"),
            view(self.export_view, "export"),
            view(self.jobs_view, "jobs"),
            *super().get_urls(),
        ]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        pool = self.get_object(request, unquote(object_id)) if object_id else None
        if pool is not None:
            context["promo_panel"] = self.panel_context(request, pool)
        return super().changeform_view(request, object_id, form_url, context)

    def panel_context(self, request: HttpRequest, pool: PromoPool) -> dict[str, Any]:
        return {
            "pool": pool,
            "single_use": pool.kind == PoolKind.SINGLE_USE,
            "can_change": self.has_change_permission(request, pool),
            "sync_limit": _number(sync_limit()),
            "generate_url": reverse("admin:promocodes_promopool_generate", args=[pool.pk]),
            "import_url": reverse("admin:promocodes_promopool_import", args=[pool.pk]),
            "generate_form": GenerateCodesForm(),
            "import_form": ImportCodesForm(),
        }

    def _pool(self, request: HttpRequest, object_id: str, *, change: bool = False) -> PromoPool:
        pool = self.get_object(request, unquote(object_id))
        if pool is None:
            raise Http404(_("No such pool."))
        allowed = self.has_change_permission(request, pool) if change else self.has_view_permission(request, pool)
        if not allowed:
            raise PermissionDenied
        return pool

    def _page(self, request: HttpRequest, pool: PromoPool, template: str, title: Any, **context: Any) -> HttpResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": pool,
                "title": title,
                "subtitle": str(pool),
                "pool_url": reverse("admin:promocodes_promopool_change", args=[pool.pk]),
                "single_use": pool.kind == PoolKind.SINGLE_USE,
                **context,
            },
        )

    def generate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Up to `sync_limit()` codes are generated at once; more by a background job, whose progress the pool's
        page shows."""
        pool = self._pool(request, object_id, change=True)
        form = GenerateCodesForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = form.cleaned_data["count"]
            try:
                if count <= sync_limit():
                    total = codes_generate(pool=pool, count=count)
                    done = ngettext(
                        "%(count)s code generated; the pool has %(total)s.",
                        "%(count)s codes generated; the pool has %(total)s.",
                        count,
                    )
                    self.message_user(
                        request, done % {"count": _number(count), "total": _number(total)}, messages.SUCCESS
                    )
                else:
                    job_start(pool=pool, count=count, user=request.user)
                    self.message_user(
                        request,
                        _("%(count)s codes are being generated in the background; the progress is shown below.")
                        % {"count": _number(count)},
                        messages.INFO,
                    )
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                return HttpResponseRedirect(reverse("admin:promocodes_promopool_change", args=[pool.pk]))
        return self._page(
            request,
            pool,
            "admin/promocodes/promopool/generate.html",
            _("Generate codes"),
            form=form,
            sync_limit=_number(sync_limit()),
        )

    def import_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A CSV of codes printed elsewhere: the good rows are imported, each bad row is listed with its reason."""
        pool = self._pool(request, object_id, change=True)
        form = ImportCodesForm(request.POST or None, request.FILES or None)
        result: dict[str, Any] | None = None
        if request.method == "POST" and form.is_valid():
            try:
                result = codes_import(pool=pool, content=form.cleaned_data["file"].read())
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                result["rows"] = [
                    {**error, "reason": IMPORT_ERRORS.get(error["error"], error["error"])} for error in result["errors"]
                ]
                result["not_listed"] = result["error_count"] - len(result["errors"])
                form = ImportCodesForm()
        return self._page(
            request, pool, "admin/promocodes/promopool/import.html", _("Import codes"), form=form, result=result
        )

    def export_view(self, request: HttpRequest, object_id: str) -> StreamingHttpResponse:
        """The pool's codes as CSV, streamed (a pool may have millions)."""
        pool = self._pool(request, object_id)
        slug = slugify(pool.name, allow_unicode=True)
        filename = f"promo-codes-{pool.pk}-{slug}.csv" if slug else f"promo-codes-{pool.pk}.csv"
        response = StreamingHttpResponse(codes_export(pool), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        return response

    def jobs_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """`{"running", "jobs": [{"id", "status", "generated", "requested", "percent", ...}], "totals"}`: what the
        page's script polls while a job runs (the totals, which count codes, once none runs)."""
        pool = self._pool(request, object_id)
        jobs = list(GenerationJob.objects.filter(pool=pool).order_by("-pk")[:JOBS_SHOWN])
        running = any(job.status in JOB_UNFINISHED for job in jobs)
        body: dict[str, Any] = {"running": running, "jobs": [job_progress(job) for job in jobs]}
        if not running:
            body["totals"] = pool_figures(pool)
        return JsonResponse(body)


# Codes, code uses, generation jobs, blocked guessing (read-only)


@admin.register(PromoCode)
class PromoCodeAdmin(ReadOnlyAdminMixin, PoolScopedMixin, ModelAdmin):
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
class CodeUseAdmin(ReadOnlyAdminMixin, PoolScopedMixin, ModelAdmin):
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
        progress = job_progress(obj)
        return format_html(
            '<div class="promo-job-inline"><div class="promo-progress"><div class="promo-progress-bar" '
            'style="width: {}%"></div></div><span>{}</span></div>',
            progress["percent"],
            progress["text"],
        )


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
