"""What the admin's metric pages show, read through the metrics' selectors: the tables (as the API answers them,
via `tables`) and the charts' data (plain dicts for `json_script`)."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from analytics.exports import Table
from analytics.metrics import abc_xyz, bcg, fraud, ltv, rfm
from analytics.metrics.base import Period
from analytics.metrics.models import ChurnModel
from analytics.metrics.scores import current_churn_model
from contacts.models import ContactScore
from loyalty.models import Brand

SHOWN_ROWS = 200


@dataclass(frozen=True)
class Page:
    table: Table
    chart: dict[str, Any]
    extra: dict[str, Any]


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def rfm_page(brands: list[int] | None, period: Period) -> Page:
    rows = rfm.rfm_table(brands, period)
    summary = rfm.rfm_summary(rows)
    chart = {
        "kind": "treemap",
        "title": _("RFM segments: contacts (tile size) and revenue"),
        "labels": [item.label for item in summary if item.contacts],
        "keys": [item.segment for item in summary if item.contacts],
        "values": [item.contacts for item in summary if item.contacts],
        "revenue": [_money(item.revenue) for item in summary if item.contacts],
        "revenue_label": _("revenue"),
        "contacts_label": _("contacts"),
        "grid": rfm.rfm_grid(rows),
    }
    table = Table(
        "rfm",
        ("contact", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"),
        [
            {
                "contact": row.contact,
                "recency_days": row.recency_days,
                "frequency": row.frequency,
                "monetary": _money(row.monetary),
                "r": row.r,
                "f": row.f,
                "m": row.m,
                "segment": row.segment,
            }
            for row in rows
        ],
    )
    return Page(table, chart, {"summary": summary})


def ltv_page(brands: list[int] | None, period: Period, months: int = ltv.DEFAULT_MONTHS) -> Page:
    cohorts = ltv.ltv_table(brands, months=months, end=period.end)
    span = max((len(cohort.retention) for cohort in cohorts), default=0)
    chart = {
        "kind": "heatmap",
        "title": _("Retention by cohort: the share buying in each month since the first purchase"),
        "x": [str(month) for month in range(span)],
        "y": [cohort.cohort for cohort in cohorts],
        "z": [[*cohort.retention, *([None] * (span - len(cohort.retention)))] for cohort in cohorts],
        "x_title": _("months since the first purchase"),
        "percent": True,
    }
    rows = [
        {"cohort": cohort.cohort, "contacts": cohort.contacts, "month": month, "ltv": _money(value), "retention": share}
        for cohort in cohorts
        for month, (value, share) in enumerate(zip(cohort.ltv, cohort.retention, strict=True))
    ]
    table = Table("ltv", ("cohort", "contacts", "month", "ltv", "retention"), rows)
    return Page(table, chart, {"cohorts": cohorts, "span": range(span)})


def abc_xyz_page(brands: list[int] | None, period: Period, by: abc_xyz.By = "product") -> Page:
    rows = abc_xyz.abc_xyz_table(brands, period, by=by)
    matrix = abc_xyz.abc_xyz_matrix(rows)
    chart = {
        "kind": "matrix",
        "title": _("ABC/XYZ: items in each cell"),
        "x": ["X", "Y", "Z"],
        "y": ["A", "B", "C"],
        "z": [[matrix[abc][xyz]["count"] for xyz in "XYZ"] for abc in "ABC"],
        "revenue": [[_money(matrix[abc][xyz]["revenue"]) for xyz in "XYZ"] for abc in "ABC"],
    }
    table = Table(
        "abc-xyz",
        ("product", "sku", "name", "category", "revenue", "share", "abc", "units", "cv", "xyz"),
        [
            {
                "product": row.product,
                "sku": row.sku,
                "name": row.name,
                "category": row.category,
                "revenue": _money(row.revenue),
                "share": row.share,
                "abc": row.abc,
                "units": f"{row.units.normalize():f}",
                "cv": row.cv,
                "xyz": row.xyz,
            }
            for row in rows
        ],
    )
    return Page(table, chart, {"matrix": matrix})


def bcg_page(brands: list[int] | None, period: Period) -> Page:
    rows = bcg.bcg_table(brands, end=period.end)
    chart = {
        "kind": "scatter",
        "title": _("BCG matrix of categories"),
        "x": [row.relative_share for row in rows],
        "y": [row.growth for row in rows],
        "text": [row.name for row in rows],
        "size": [float(row.revenue) for row in rows],
        "x_title": _("relative share"),
        "y_title": _("growth"),
        "x_line": float(bcg.SHARE_HIGH),
        "y_line": float(bcg.GROWTH_HIGH),
    }
    table = Table(
        "bcg",
        ("category", "name", "revenue", "previous_revenue", "growth", "relative_share", "quadrant"),
        [
            {
                "category": row.category,
                "name": row.name,
                "revenue": _money(row.revenue),
                "previous_revenue": _money(row.previous_revenue),
                "growth": row.growth,
                "relative_share": row.relative_share,
                "quadrant": row.quadrant,
            }
            for row in rows
        ],
    )
    return Page(table, chart, {})


def fraud_page(brands: list[int] | None, period: Period) -> Page:
    signals = fraud.fraud_signals(brands, period)
    table = Table(
        "fraud",
        ("kind", "object_type", "object_id", "object", "score", "reason"),
        [
            {
                "kind": signal.kind,
                "object_type": signal.object["type"],
                "object_id": signal.object.get("id") or " ".join(str(pk) for pk in signal.object.get("ids", [])),
                "object": signal.object["label"],
                "score": signal.score,
                "reason": signal.reason,
            }
            for signal in signals
        ],
    )
    kinds = Counter(signal.kind for signal in signals)
    return Page(table, {}, {"signals": signals, "kinds": kinds})


RISK_BINS = 10


def churn_page(user: Any, brand: int | None) -> dict[str, Any]:
    """The model in use (its figures and weights) and how the risks of the user's contacts (of the brand) spread."""
    model: ChurnModel | None = current_churn_model()
    latest = ChurnModel.objects.order_by("-trained_at", "-pk").first()
    scores = ContactScore.objects.for_user(user).filter(churn_risk__isnull=False)
    if brand is not None:
        program = Brand.objects.filter(pk=brand).values("program_id")
        scores = scores.filter(Q(contact__enrollments__program_id__in=program))
    counts = [0] * RISK_BINS
    for risk in scores.values_list("churn_risk", flat=True).iterator():
        counts[min(int(risk * RISK_BINS), RISK_BINS - 1)] += 1
    weights = sorted(model.features, key=lambda feature: abs(feature["weight"])) if model else []
    return {
        "model": model,
        "latest": latest,
        "scored": sum(counts),
        "weights_chart": {
            "kind": "bars",
            "title": _("Feature weights (per standard deviation; positive: more risk)"),
            "x": [round(feature["weight"], 4) for feature in weights],
            "y": [feature["name"] for feature in weights],
        },
        "risk_chart": {
            "kind": "histogram",
            "title": _("Contacts by churn risk"),
            "x": [f"{n / RISK_BINS:.1f}–{(n + 1) / RISK_BINS:.1f}" for n in range(RISK_BINS)],
            "y": counts,
        },
        "weights": list(reversed(weights)),
    }
