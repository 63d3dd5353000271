"""The pool page's own views: generate codes, import and export them, and the progress of background jobs."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import add_domain_error
from common.admin.formats import count_text
from common.errors import InvalidInput
from common.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_delimiter
from promocodes.admin.base import IMPORT_ERRORS, JOB_UNFINISHED, JOBS_SHOWN, job_progress, pool_figures
from promocodes.admin.forms import GenerateCodesForm, ImportCodesForm
from promocodes.choices import PoolKind
from promocodes.models import GenerationJob, PromoPool
from promocodes.services.generation import codes_generate, job_start, sync_limit
from promocodes.services.transfer import codes_export, codes_export_xlsx, codes_import

# A sheet holds 1,048,576 rows: a larger pool is exported as CSV.
XLSX_MAX_CODES = 1_048_575


class PoolPageViewsMixin:
    """For `PromoPoolAdmin`: its URLs and views beside the change form."""

    admin_site: Any
    opts: Any
    get_object: Any
    has_change_permission: Any
    has_view_permission: Any
    message_user: Any

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
            *super().get_urls(),  # type: ignore[misc]
        ]

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
                        request, done % {"count": count_text(count), "total": count_text(total)}, messages.SUCCESS
                    )
                else:
                    job_start(pool=pool, count=count, user=request.user)
                    self.message_user(
                        request,
                        _("%(count)s codes are being generated in the background; the progress is shown below.")
                        % {"count": count_text(count)},
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
            sync_limit=count_text(sync_limit()),
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

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse | StreamingHttpResponse:
        """The pool's codes as CSV, streamed (a pool may have millions), or `?format=xlsx` as an XLSX workbook (up to
        `XLSX_MAX_CODES`: a sheet's limit)."""
        pool = self._pool(request, object_id)
        slug = slugify(pool.name, allow_unicode=True)
        stem = f"promo-codes-{pool.pk}-{slug}" if slug else f"promo-codes-{pool.pk}"
        if request.GET.get("format") == "xlsx" and pool.total_codes <= XLSX_MAX_CODES:
            response: HttpResponse | StreamingHttpResponse = HttpResponse(
                codes_export_xlsx(pool), content_type=XLSX_CONTENT_TYPE
            )
            extension = "xlsx"
        else:
            codes = codes_export(pool, for_people=True, delimiter=csv_delimiter())
            response = StreamingHttpResponse(codes, content_type=CSV_CONTENT_TYPE)
            extension = "csv"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{stem}.{extension}")
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
