"""Segment rules → one query over the program's contacts (`segment_contacts`), built with the ORM.

Each leaf becomes a condition on the contact: a column of the contact, `EXISTS (...)` over purchases, lines,
points, events, other segments' members or scores, or, where it counts or sums, `id IN (SELECT contact_id ...
GROUP BY contact_id HAVING ...)`. PostgreSQL turns `EXISTS`/`IN` into a semi-join and `NOT EXISTS` into an
anti-join, and picks per query how to run it: hash the big table once when most contacts are candidates, or probe
an index (`(contact, at)` of purchases and of events) for each of a few candidates left by the other conditions.
Never a subquery evaluated once per contact, nor a loop in Python. `all` is AND, `any` OR, `not` the complement
among the program's contacts.

Values that are sums or counts have a value for every contact (0 with no rows); a condition that 0 satisfies
(`purchases_count lt 3`) is compiled as the complement of the contacts whose rows fail it, so that contacts without
any purchase match too (and `gte 1`, `eq 0` as plain EXISTS / NOT EXISTS). Values that can be missing
(`days_since_last_purchase` with no purchase, `age` with no birth date, a score not computed yet) match no
comparison, `ne` included; their `not` is the complement all the same. Day counts are whole days (a purchase 36
hours ago is 1 day ago), ages whole years.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.segments.fields import DEFAULT_EXPIRING_DAYS, DEFAULT_WINDOW_DAYS
from campaigns.segments.rules import GROUPS
from contacts.models import Contact
from loyalty.models import Brand, Enrollment, Program

NOTHING = Q(pk__in=[])
# PostgreSQL hashes the big IN / NOT IN subqueries of a segment only when they fit in work_mem (4 MB by default);
# a million contact ids need some tens of MB. Raised for the segment's transaction only (`raise_work_mem`).
WORK_MEM = "128MB"

Range = tuple[int | None, int | None]  # whole numbers, both ends included; None: unbounded


@dataclass(frozen=True)
class Context:
    """What a compilation is relative to: the program (and its brands) and the moment."""

    program_id: int
    brand_ids: tuple[int, ...]
    now: datetime
    today: date

    def since(self, leaf: dict[str, Any], key: str = "window_days", default: int = DEFAULT_WINDOW_DAYS) -> datetime:
        return self.now - timedelta(days=int(leaf.get(key) or default))

    def until(self, leaf: dict[str, Any]) -> datetime:
        return self.now + timedelta(days=int(leaf.get("days") or DEFAULT_EXPIRING_DAYS))

    def days_ago(self, days: int) -> datetime | None:
        """`now` minus whole days; None when that is before the calendar begins (or after it ends)."""
        try:
            return self.now - timedelta(days=days)
        except OverflowError:
            return None


Leaf = Callable[[dict[str, Any], Context], Q]


def number(value: Any) -> Decimal:
    return Decimal(str(value))


def holds(op: str, value: Any, actual: Decimal) -> bool:
    """Whether `actual` satisfies the comparison (in Python: for the value of a contact with no rows)."""
    if op == "in":
        return any(actual == number(item) for item in value)
    target = number(value)
    return {
        "eq": actual == target,
        "ne": actual != target,
        "gt": actual > target,
        "gte": actual >= target,
        "lt": actual < target,
        "lte": actual <= target,
    }[op]


def compare(lookup: str, op: str, value: Any) -> Q:
    """`lookup` (a column or an annotation, never null where this is used) compared with the value."""
    if op == "in":
        return Q(**{f"{lookup}__in": [number(item) for item in value]})
    if op == "ne":
        return ~Q(**{lookup: number(value)})
    return Q(**{f"{lookup}__{'exact' if op == 'eq' else op}": number(value)})


def by_value(op: str, value: Any, default: Decimal, lookup: str, matching: Callable[[Q], Q]) -> Q:
    """Contacts whose value compares, where a contact without rows has `default`: `matching(condition)` is the
    contacts whose rows satisfy `condition` on `lookup`; when the default satisfies the comparison, the answer is
    the complement of those whose rows fail it (so contacts without rows are in)."""
    condition = compare(lookup, op, value)
    if holds(op, value, default):
        return ~matching(~condition)
    return matching(condition)


def has(rows: QuerySet[Any], column: str = "contact_id") -> Q:
    """The contact has a row among `rows` (whose `column` names the contact): `EXISTS`, correlated on the id."""
    return Q(Exists(rows.filter(**{column: OuterRef("pk")})))


def count_shortcut(op: str, value: Any) -> str | None:
    """A comparison on a count that only asks whether there is any row: "exists" (`gte 1`, `gt 0`, `ne 0`),
    "absent" (`eq 0`, `lt 1`, `lte 0`), or None for a real count."""
    if op in ("in", "eq", "ne") and not (op != "in" and number(value) == 0):
        return None
    at_zero, at_one, far = (holds(op, value, Decimal(count)) for count in (0, 1, 10**12))
    if not at_zero and at_one and far:
        return "exists"
    if at_zero and not at_one and not far:
        return "absent"
    return None


def with_default(rows: Callable[[Q], QuerySet[Any]], lookup: str, op: str, value: Any, default: Decimal) -> Q:
    """`by_value` where `rows(condition)` is a query of the contact ids whose rows satisfy the condition."""
    return by_value(op, value, default, lookup, lambda condition: Q(pk__in=rows(condition)))


def whole_ranges(op: str, value: Any) -> list[Range]:
    """A comparison on a whole number (days, years) as ranges of whole numbers: `gt 2.5` is `>= 3`, `eq 2.5` none."""
    items = [number(item) for item in (value if op == "in" else [value])]
    target = items[0]
    floor, ceil = int(target.to_integral_value("ROUND_FLOOR")), int(target.to_integral_value("ROUND_CEILING"))
    whole = floor == ceil
    if op == "gt":
        return [(floor + 1, None)]
    if op == "gte":
        return [(ceil, None)]
    if op == "lt":
        return [(None, ceil - 1)]
    if op == "lte":
        return [(None, floor)]
    if op == "eq":
        return [(floor, floor)] if whole else []
    if op == "ne":
        return [(None, floor - 1), (floor + 1, None)] if whole else [(None, None)]
    return [(int(item), int(item)) for item in items if item == item.to_integral_value()]


def any_of(conditions: list[Q]) -> Q:
    if not conditions:
        return NOTHING
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result


def days_since(column: str, ranges: list[Range], ctx: Context) -> Q:
    """`column` (a time) lies so many whole days before `now`: d ≥ lo ⟺ t ≤ now − lo; d ≤ hi ⟺ t > now − (hi + 1)."""
    conditions = []
    for low, high in ranges:
        condition = Q(**{f"{column}__isnull": False})
        if low is not None:
            latest = ctx.days_ago(low)
            if latest is None:
                if low > 0:
                    continue  # further back than the calendar: nothing
            else:
                condition &= Q(**{f"{column}__lte": latest})
        if high is not None:
            earliest = ctx.days_ago(high + 1)
            if earliest is None and high + 1 < 0:
                continue
            if earliest is not None:
                condition &= Q(**{f"{column}__gt": earliest})
        conditions.append(condition)
    return any_of(conditions)


def sets(op: str, matching: Q) -> Q:
    """A set field: `eq`/`in` is the condition, `ne` its complement."""
    return ~matching if op == "ne" else matching


def _node(node: dict[str, Any], ctx: Context, leaves: dict[str, Leaf]) -> Q:
    if "all" in node:
        result = Q()
        for child in node["all"]:
            result &= _node(child, ctx, leaves)
        return result
    if "any" in node:
        return any_of([_node(child, ctx, leaves) for child in node["any"]])
    if "not" in node:
        return ~_node(node["not"], ctx, leaves)
    return leaves[node["field"]](node, ctx)


def raise_work_mem() -> None:
    """For the current transaction, on PostgreSQL: room to hash a million ids (see WORK_MEM)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")


def context_for(program: Program | int, now: datetime | None = None) -> Context:
    program_id = program if isinstance(program, int) else program.pk
    now = now or timezone.now()
    brands = tuple(sorted(Brand.objects.filter(program_id=program_id).values_list("pk", flat=True)))
    return Context(program_id=program_id, brand_ids=brands, now=now, today=timezone.localdate(now))


def rules_condition(rules: dict[str, Any], ctx: Context) -> Q:
    """The (checked) rules as one condition on contacts; empty rules match nobody."""
    from campaigns.segments.activity import ACTIVITY_LEAVES
    from campaigns.segments.people import PEOPLE_LEAVES

    if not any(key in rules for key in GROUPS):
        return NOTHING
    return _node(rules, ctx, {**PEOPLE_LEAVES, **ACTIVITY_LEAVES})


def segment_contacts(
    rules: dict[str, Any], *, program: Program | int, now: datetime | None = None
) -> QuerySet[Contact]:
    """The contacts enrolled in the program that the rules match at `now` (default: now), as one query."""
    ctx = context_for(program, now)
    enrolled = has(Enrollment.objects.filter(program_id=ctx.program_id))
    return Contact.objects.filter(enrolled).filter(rules_condition(rules, ctx)).order_by()
