"""What the stand's page and the leads' list show above or below themselves: figures as template context."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from promoters.models import Lead
from promoters.selectors import lead_figures

FIGURES_TEMPLATE = "admin/promoters/figures.html"
# plotly.js, served from this installation by analytics' static finder (no CDN).
PLOTLY_JS = "vendor/plotly/plotly.min.js"


def figures_context(leads: QuerySet[Lead], *, per_stand: bool) -> dict[str, Any]:
    figures = lead_figures(leads)
    chart = {
        "period": figures.period,
        "x": [row[figures.period] for row in figures.per_period],
        "leads": [row["leads"] for row in figures.per_period],
        "new_contacts": [row["new_contacts"] for row in figures.per_period],
        "labels": {
            "leads": _("Leads"),
            "new_contacts": _("New contacts"),
            "title": _("Leads per hour") if figures.period == "hour" else _("Leads per day"),
        },
    }
    return {
        "lead_figures": figures,
        "lead_chart": chart,
        "lead_per_stand": per_stand,
        "plotly_js": PLOTLY_JS,
    }
