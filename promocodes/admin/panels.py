"""The pool page's panels (figures, uses per day, generation jobs), rendered from templates."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from common.admin.formats import count_text
from promocodes.admin.base import (
    BAR_STEP,
    FIGURE_LABELS,
    JOB_UNFINISHED,
    JOBS_SHOWN,
    USAGE_DAYS,
    job_progress,
    pool_figures,
)
from promocodes.models import GenerationJob, PromoPool

POOL_TEMPLATES = "admin/promocodes/promopool/"


def _bar_height(uses: int, peak: int) -> float:
    """Out of 100; a day without uses keeps a sliver, so that every day of the chart shows."""
    return round(uses * 100 / peak, 1) if uses and peak else 1


def usage_chart(rows: Iterable[dict[str, Any]], today: date, days: int = USAGE_DAYS) -> str:
    """Uses per day (`usage_by_day`'s rows) as an inline SVG bar chart (no script): one bar a day, the oldest on the
    left."""
    by_day = {row["day"]: row["uses"] for row in rows}
    series = [(day, by_day.get(day, 0)) for day in (today - timedelta(days=back) for back in range(days - 1, -1, -1))]
    peak = max(uses for _day, uses in series)
    total = sum(uses for _day, uses in series)
    bars = [
        {
            "x": index * BAR_STEP + 1,
            "y": 100 - _bar_height(uses, peak),
            "height": _bar_height(uses, peak),
            "day": day,
            "uses": uses,
        }
        for index, (day, uses) in enumerate(series)
    ]
    summary = ngettext(
        "%(count)s use in the last %(days)s days, at most %(peak)s a day.",
        "%(count)s uses in the last %(days)s days, at most %(peak)s a day.",
        total,
    ) % {"count": count_text(total), "days": days, "peak": count_text(peak)}
    return render_to_string(
        POOL_TEMPLATES + "usage_chart.html", {"bars": bars, "width": days * BAR_STEP, "summary": summary}
    )


def totals_html(pool: PromoPool) -> str:
    figures = pool_figures(pool)
    return render_to_string(
        "admin/common/figures.html",
        {"figures": [{"label": label, "value": figures[key], "key": key} for key, label in FIGURE_LABELS.items()]},
    )


def generation_html(pool: PromoPool) -> str:
    """The pool's latest generation jobs with their progress; the page's script follows those still running."""
    jobs = list(GenerationJob.objects.filter(pool=pool).order_by("-pk")[:JOBS_SHOWN])
    return render_to_string(
        POOL_TEMPLATES + "generation.html",
        {
            "jobs": [(job, job_progress(job)) for job in jobs],
            "running": any(job.status in JOB_UNFINISHED for job in jobs),
            "url": reverse("admin:promocodes_promopool_jobs", args=[pool.pk]),
        },
    )


def job_progress_html(job: GenerationJob) -> str:
    return render_to_string(POOL_TEMPLATES + "job_progress.html", {"progress": job_progress(job)})
