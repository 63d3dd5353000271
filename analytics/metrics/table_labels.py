"""What the admin shows for a metric table's columns and coded values (the files and the API keep the keys)."""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
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


# Columns of amounts (two places) and of other figures, written as the UI language writes numbers, with thousands
# separators ("218 399,85" in Russian, "218,399.85" in English); ids and codes are left as they are.
MONEY_COLUMNS = frozenset({"monetary", "revenue", "ltv", "previous_revenue"})
FIGURE_COLUMNS = frozenset(
    {"recency_days", "frequency", "contacts", "units", "share", "cv", "growth", "relative_share", "retention", "score"}
)


def _figure(value: Any, places: int | None) -> Any:
    """A number (or a number written as a string, as amounts come) in the UI language's way; anything else as is."""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, float):
        value = round(value, 4)  # a share or a ratio: four places are plenty
    return number_format(value, decimal_pos=places, force_grouping=True)


def shown_rows(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> list[list[Any]]:
    """The rows' cells in the columns' order, coded values (an RFM segment, a BCG quadrant...) as their labels,
    amounts and figures as the UI language writes numbers."""
    shown = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            labels = VALUE_LABELS.get(column)
            if labels is not None and isinstance(value, str):
                value = labels.get(value, value)
            elif column in MONEY_COLUMNS:
                value = _figure(value, 2)
            elif column in FIGURE_COLUMNS:
                value = _figure(value, None)
            cells.append(value)
        shown.append(cells)
    return shown
