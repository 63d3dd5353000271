"""What the promo codes' admins share: limits of the lists, status colours, the pool filters and scoping, and a
pool's figures and jobs as the page and its script show them."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.contrib.filters.admin import DropdownFilter

from common.admin.formats import count_text
from promocodes.choices import CodeStatus, JobStatus
from promocodes.models import GenerationJob, PromoPool
from promocodes.selectors import pool_totals
from promocodes.services.pools import pool_delete, pool_delete_refusal

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


def delete_pool(pool: PromoPool) -> None:
    pool_delete(pool=pool)


def pool_refusal(pool: PromoPool) -> str | None:
    return pool_delete_refusal(pool=pool)


# Filters: plain choices, no counts (the code tables are big)


class PoolFilter(DropdownFilter):
    """The pools of the user's brands; filters by the indexed `pool_id`."""

    title = _("pool")
    parameter_name = "pool"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pools = PromoPool.objects.for_user(request.user).order_by("brand__name", "name", "pk")
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


def remaining_text(remaining: int | None) -> str:
    """A pool's "remaining" (`pool_remaining`) as shown: None is a multi-use code without a limit."""
    return str(_("unlimited")) if remaining is None else count_text(remaining)


def pool_figures(pool: PromoPool) -> dict[str, str]:
    """The pool's totals (`pool_totals`) as shown, localised."""
    totals = pool_totals(pool)
    return {
        "generated": count_text(totals["generated"]),
        "used": count_text(totals["used"]),
        "remaining": remaining_text(totals["remaining"]),
        "expired": count_text(totals["expired"]),
    }


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
        % {"generated": count_text(job.generated), "requested": count_text(job.requested), "percent": percent},
        "error": job.error,
    }
