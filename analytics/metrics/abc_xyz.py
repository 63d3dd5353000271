"""ABC/XYZ of products (or categories) over a window.

- `revenue`: money paid for it net of refunds; `share`: of the window's total.
- `abc`: by revenue descending (ties by key: brand, then SKU), a product is A while the share of those before it is
  below 80 % (so the product that crosses 80 % is still A), B while it is below 95 %, C after. Exact: compared in
  decimals, never floats.
- `cv`: over the ISO weeks (Monday to Sunday, the project's time zone) that the window touches, the units sold per
  week net of refunds, weeks without sales counting 0: population standard deviation ÷ mean; `xyz`: X when
  cv ≤ 0.10, Y when ≤ 0.25, Z above (decided on exact fractions; `cv` is shown to 4 places). A product whose units
  were all refunded is left out; one whose mean is 0 cannot be (every row sold something).

The database sums each product's weekly units, their squares and its money (`lines.item_sums`: one statement on
PostgreSQL, the ORM and Python on SQLite), so the variance comes from Σu and Σu² over the window's weeks (empty weeks
add 0 to both), exactly the same fraction as from the deviations.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import sqrt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from analytics.metrics.base import Period
from analytics.metrics.lines import By, ItemSums, item_sums, monday
from common.money import ZERO, quantize
from loyalty.models import Category, Product

A_SHARE = Decimal("0.80")
B_SHARE = Decimal("0.95")
X_CV = Fraction(1, 10)
Y_CV = Fraction(1, 4)


@dataclass(frozen=True)
class AbcRow:
    key: tuple[Any, ...]
    product: int | None
    category: int | None
    sku: str
    name: str
    revenue: Decimal
    share: float
    abc: str
    units: Decimal
    cv: float | None
    xyz: str


def window_weeks(period: Period) -> list[date]:
    """The Mondays of the ISO weeks the window touches (its end excluded)."""
    first = monday(timezone.localtime(period.start).date())
    last = monday(timezone.localtime(period.end - timedelta(microseconds=1)).date())
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def abc_classes(revenues: list[Decimal]) -> list[str]:
    """A, B or C for revenues already sorted descending."""
    total = sum(revenues, ZERO)
    classes, before = [], ZERO
    for revenue in revenues:
        if total > 0 and before < A_SHARE * total:
            classes.append("A")
        elif total > 0 and before < B_SHARE * total:
            classes.append("B")
        else:
            classes.append("C")
        before += revenue
    return classes


def variation(units: Decimal, squares: Decimal, weeks: int) -> tuple[Fraction, Fraction] | None:
    """(variance, mean²) of the weekly units, population variance, from their sum and the sum of their squares over
    `weeks` weeks (weeks without sales adding 0 to both); None when the mean is 0. Exact fractions:
    variance = Σu²/n − (Σu/n)², the same number the deviations from the mean give."""
    mean = Fraction(units) / weeks
    if mean == 0:
        return None
    return Fraction(squares) / weeks - mean * mean, mean * mean


def xyz_class(variance: Fraction, mean_squared: Fraction) -> str:
    if variance <= X_CV * X_CV * mean_squared:
        return "X"
    if variance <= Y_CV * Y_CV * mean_squared:
        return "Y"
    return "Z"


def _names(by: By, sums: list[ItemSums]) -> dict[Any, tuple[str, str, int | None]]:
    """key → (sku, name, category)."""
    if by == "product":
        ids = {row.product for row in sums if row.product is not None}
        products = {
            pk: (name, category)
            for pk, name, category in Product.objects.filter(pk__in=ids).values_list("pk", "name", "category_id")
        }
        found = {}
        for row in sums:
            name, category = products.get(row.product, ("", None)) if row.product is not None else ("", None)
            found[row.key] = (row.key[1], name, category)
        return found
    ids = {row.key[0] for row in sums if row.key[0] is not None}
    categories = dict(Category.objects.filter(pk__in=ids).values_list("pk", "name"))
    return {
        row.key: ("", categories.get(row.key[0], "") if row.key[0] else _("No category"), row.key[0]) for row in sums
    }


def abc_xyz_table(brand_ids: list[int] | None, period: Period, *, by: By = "product") -> list[AbcRow]:
    """The rows by revenue descending."""
    sums = item_sums(brand_ids, period, by=by)
    weeks = len(window_weeks(period))
    names = _names(by, sums)
    sums.sort(key=lambda row: (-row.revenue, tuple("" if part is None else part for part in row.key)))
    total = sum((row.revenue for row in sums), ZERO)
    classes = abc_classes([row.revenue for row in sums])
    rows = []
    for row, abc in zip(sums, classes, strict=True):
        spread = variation(row.units, row.squares, weeks)
        if spread is None:
            cv, xyz = None, "Z"
        else:
            cv, xyz = round(sqrt(spread[0] / spread[1]), 4), xyz_class(*spread)
        sku, name, category = names[row.key]
        rows.append(
            AbcRow(
                key=row.key,
                product=row.product,
                category=category,
                sku=sku,
                name=name,
                revenue=quantize(row.revenue),
                share=float(round(row.revenue / total, 4)) if total else 0.0,
                abc=abc,
                units=row.units,
                cv=cv,
                xyz=xyz,
            )
        )
    return rows


def abc_xyz_matrix(rows: list[AbcRow]) -> dict[str, dict[str, Any]]:
    """Count and revenue of each of the nine cells, e.g. matrix["A"]["X"]."""
    matrix: dict[str, dict[str, Any]] = {abc: {xyz: {"count": 0, "revenue": ZERO} for xyz in "XYZ"} for abc in "ABC"}
    for row in rows:
        cell = matrix[row.abc][row.xyz]
        cell["count"] += 1
        cell["revenue"] += row.revenue
    return matrix
