"""Rule leaves about the contact themself: their fields, age and birthday, tier, other segments, scores."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from campaigns.models import SegmentMember
from campaigns.segments.compiler import (
    NOTHING,
    Context,
    Leaf,
    Range,
    any_of,
    compare,
    days_since,
    has,
    sets,
    whole_ranges,
)
from campaigns.segments.rules import as_id, values_of
from contacts.models import ContactScore
from loyalty.models import Enrollment, Tier

BIRTHDAY_HORIZON = 365  # days to the next birthday run from 0 (today) to 365


def _column(name: str) -> Leaf:
    """A choice column of the contact (gender, source)."""

    def leaf(rule: dict[str, Any], ctx: Context) -> Q:
        return sets(rule["op"], Q(**{f"{name}__in": values_of(rule)}))

    return leaf


def _city(rule: dict[str, Any], ctx: Context) -> Q:
    # Case-insensitive: people type "moscow" as often as "Moscow".
    return sets(rule["op"], any_of([Q(city__iexact=value) for value in values_of(rule)]))


def _flag(name: str) -> Leaf:
    def leaf(rule: dict[str, Any], ctx: Context) -> Q:
        wanted = rule["value"] if rule["op"] == "eq" else not rule["value"]
        return Q(**{name: wanted})

    return leaf


def _has_email(rule: dict[str, Any], ctx: Context) -> Q:
    has = Q(email__isnull=False) & ~Q(email="")
    wanted = rule["value"] if rule["op"] == "eq" else not rule["value"]
    return has if wanted else ~has


def _years_before(day: date, years: int) -> date | None:
    """The same day `years` earlier (29 February → 28 February); None outside the calendar."""
    year = day.year - years
    if not 1 <= year <= 9999:
        return None
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def _age(rule: dict[str, Any], ctx: Context) -> Q:
    """Whole years: age ≥ lo ⟺ born on or before the day lo years ago; age ≤ hi ⟺ born after the day hi + 1 ago."""
    conditions = []
    for low, high in whole_ranges(rule["op"], rule["value"]):
        condition = Q(birth_date__isnull=False)
        if low is not None:
            latest = _years_before(ctx.today, low)
            if latest is None:
                if low > 0:
                    continue
            else:
                condition &= Q(birth_date__lte=latest)
        if high is not None:
            earliest = _years_before(ctx.today, high + 1)
            if earliest is None and high + 1 < 0:
                continue
            if earliest is not None:
                condition &= Q(birth_date__gt=earliest)
        conditions.append(condition)
    return any_of(conditions)


def _birthday_days(ranges: list[Range]) -> set[int]:
    days: set[int] = set()
    for low, high in ranges:
        start = max(low if low is not None else 0, 0)
        end = min(high if high is not None else BIRTHDAY_HORIZON, BIRTHDAY_HORIZON)
        days.update(range(start, end + 1))
    return days


def days_to_birthday(month: int, day: int, today: date) -> int:
    """Days from `today` to the next birthday on that month and day (0 = today); 29 February is celebrated on the
    28th in other years."""

    def in_year(year: int) -> date:
        return date(year, month, day) if (month, day) != (2, 29) or _is_leap(year) else date(year, 2, 28)

    upcoming = in_year(today.year)
    if upcoming < today:
        upcoming = in_year(today.year + 1)
    return (upcoming - today).days


def _birthday_in_days(rule: dict[str, Any], ctx: Context) -> Q:
    """Days to the next birthday (0 = today): the months and days of birth whose next birthday is that many days
    away (each of the 366 checked once, in Python), as a condition on the birth date."""
    wanted = _birthday_days(whole_ranges(rule["op"], rule["value"]))
    by_month: dict[int, list[int]] = {}
    for day in _CALENDAR:
        if days_to_birthday(day.month, day.day, ctx.today) in wanted:
            by_month.setdefault(day.month, []).append(day.day)
    return any_of([Q(birth_date__month=month, birth_date__day__in=days) for month, days in sorted(by_month.items())])


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_CALENDAR = [date(2000, 1, 1) + timedelta(days=offset) for offset in range(366)]  # 2000 is a leap year


def _registered_days_ago(rule: dict[str, Any], ctx: Context) -> Q:
    return days_since("created_at", whole_ranges(rule["op"], rule["value"]), ctx)


def _tier(rule: dict[str, Any], ctx: Context) -> Q:
    """The tier on the contact's enrollment in the program (as the tiers job last set it), by id or by name."""
    values = values_of(rule)
    ids = {pk for pk in (as_id(value) for value in values) if pk is not None}
    names = [str(value).strip() for value in values if as_id(value) is None]
    if names:
        named = Q()
        for name in names:
            named |= Q(name__iexact=name)
        ids |= set(Tier.objects.filter(named, program_id=ctx.program_id).values_list("pk", flat=True))
    if not ids:
        return sets(rule["op"], NOTHING)
    return sets(rule["op"], has(Enrollment.objects.filter(program_id=ctx.program_id, tier_id__in=sorted(ids))))


def _in_segment(rule: dict[str, Any], ctx: Context) -> Q:
    """The other segment's members as last stored (not its rules again: no recursion, no cycles)."""
    ids = sorted({pk for pk in (as_id(value) for value in values_of(rule)) if pk is not None})
    return sets(rule["op"], has(SegmentMember.objects.filter(segment_id__in=ids, left_at__isnull=True)))


def _rfm(rule: dict[str, Any], ctx: Context) -> Q:
    """Scored contacts only: a contact with no RFM segment yet matches neither `eq` nor `ne`."""
    scored = ContactScore.objects.exclude(rfm="")
    if rule["op"] == "ne":
        return has(scored.exclude(rfm=rule["value"]))
    return has(scored.filter(rfm__in=values_of(rule)))


def _churn_risk(rule: dict[str, Any], ctx: Context) -> Q:
    scored = ContactScore.objects.filter(churn_risk__isnull=False)
    return has(scored.filter(compare("churn_risk", rule["op"], rule["value"])))


PEOPLE_LEAVES: dict[str, Leaf] = {
    "gender": _column("gender"),
    "source": _column("source"),
    "city": _city,
    "has_email": _has_email,
    "subscribed_email": _flag("subscribed_email"),
    "subscribed_sms": _flag("subscribed_sms"),
    "age": _age,
    "birthday_in_days": _birthday_in_days,
    "registered_days_ago": _registered_days_ago,
    "tier": _tier,
    "in_segment": _in_segment,
    "rfm": _rfm,
    "churn_risk": _churn_risk,
}
