"""What the admin shows for a metric table's columns and coded values (the files and the API keep the keys)."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from analytics.metrics.fraud import KIND_LABELS
from contacts.scores import RFM_SEGMENT_LABELS

COLUMN_LABELS = {
    "contact": _("contact"),
    "recency_days": _("days since the last purchase"),
    "frequency": _("purchases"),
    "monetary": _("revenue"),
    "segment": _("segment"),
    "cohort": _("cohort"),
    "contacts": _("contacts"),
    "month": _("month"),
    "ltv": "LTV",
    "retention": _("retention"),
    "product": _("product"),
    "sku": _("SKU"),
    "name": _("name"),
    "category": _("category"),
    "revenue": _("revenue"),
    "share": _("share"),
    "units": _("units"),
    "cv": _("variation of weekly units"),
    "previous_revenue": _("revenue of the 90 days before"),
    "growth": _("growth"),
    "relative_share": _("relative share"),
    "quadrant": _("quadrant"),
    "kind": _("signal"),
    "object_type": _("object type"),
    "object_id": _("object id"),
    "object": _("object"),
    "score": _("score"),
    "reason": _("reason"),
}
QUADRANT_LABELS = {
    "star": _("Star"),
    "cash_cow": _("Cash cow"),
    "question": _("Question mark"),
    "dog": _("Dog"),
}
OBJECT_TYPE_LABELS = {
    "card": _("card"),
    "contact": _("contact"),
    "contacts": _("contacts"),
    "register": _("register"),
    "user": _("user"),
}
VALUE_LABELS: dict[str, Mapping[str, Any]] = {
    "segment": RFM_SEGMENT_LABELS,
    "quadrant": QUADRANT_LABELS,
    "kind": KIND_LABELS,
    "object_type": OBJECT_TYPE_LABELS,
}


def column_labels(columns: Sequence[str]) -> list[Any]:
    """The columns' headings; a column without one (R, F, M, ABC, XYZ) is shown as its key in capitals."""
    return [COLUMN_LABELS.get(column, column.upper()) for column in columns]


def shown_rows(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """The rows' cells in the columns' order, coded values (an RFM segment, a BCG quadrant...) as their labels."""
    shown = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            labels = VALUE_LABELS.get(column)
            cells.append(labels.get(value, value) if labels is not None and isinstance(value, str) else value)
        shown.append(cells)
    return shown
