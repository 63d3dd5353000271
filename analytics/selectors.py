"""Licence use: how many contacts are active against `LICENSED_ACTIVE_CONTACTS`, in all and per brand.

A contact is active when it had a purchase, or an event of its own, within the last `ACTIVE_CONTACT_DAYS`. Events
the product records about a contact on its own schedule or for its own reasons (a birthday coming, points about to
expire, a segment entered, a tier changed, a survey invitation) are not the contact's doing and do not count; nor is
being registered (an import of a million old customers does not make them active).

A brand's active contacts are the active contacts enrolled in its program: the contacts its staff see (brands of
one program share theirs). A brand-limited staff user's `active` is likewise the active contacts among those they
see, counted once however many of their brands share them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from analytics.models import LicenceUsage
from common.scoping import user_scope
from contacts.models import Contact, ContactEvent
from loyalty.models import Brand, Enrollment, Purchase

PASSIVE_EVENTS = (
    "points_expiring",
    "birthday",
    "segment_entered",
    "tier_changed",
    "survey_invited",
    "contact_registered",
)
ALERT_SHARE = 0.9


@dataclass(frozen=True)
class BrandActive:
    brand: int
    name: str
    active: int


@dataclass(frozen=True)
class LicenceCounts:
    licensed: int
    active: int
    by_brand: list[BrandActive]

    @property
    def share(self) -> float:
        """Active ÷ licensed, to four places; 0 when the licence is unlimited."""
        return round(self.active / self.licensed, 4) if self.licensed else 0.0


def active_window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=settings.ACTIVE_CONTACT_DAYS), now


def active_condition(now: datetime) -> Q:
    """Whether a contact was active in the window before `now`: a probe of the purchases' and of the events'
    (contact, at) index each, the second only when the first finds nothing."""
    since, until = active_window(now)
    purchased = Purchase.objects.filter(contact_id=OuterRef("pk"), at__gte=since, at__lte=until)
    acted = ContactEvent.objects.filter(contact_id=OuterRef("pk"), at__gte=since, at__lte=until).exclude(
        type__in=PASSIVE_EVENTS
    )
    return Q(Exists(purchased)) | Q(Exists(acted))


def active_contacts(now: datetime) -> QuerySet[Contact]:
    return Contact.objects.filter(active_condition(now))


def _active_counts(contacts: QuerySet[Contact], now: datetime) -> tuple[int, dict[int, int]]:
    """Of `contacts`, how many were active, in all and per program they are enrolled in: one query, whose one pass
    over the contacts probes each one's purchases and events (indexes on contact and time) and keeps the active ids
    for both counts (a contact is enrolled once per program)."""
    try:
        sql, params = contacts.filter(active_condition(now)).values("pk").query.sql_with_params()
    except EmptyResultSet:  # a manager of no brand: nobody
        return 0, {}
    enrollments = Enrollment._meta.db_table
    query = (
        f"WITH active (id) AS ({sql}) "  # noqa: S608  (the SQL is the ORM's compiled query)
        "SELECT NULL, COUNT(*) FROM active "
        f"UNION ALL SELECT e.program_id, COUNT(*) FROM {enrollments} e "
        "WHERE e.contact_id IN (SELECT id FROM active) GROUP BY e.program_id"
    )
    total, per_program = 0, {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for program_id, count in cursor.fetchall():
            if program_id is None:
                total = count
            else:
                per_program[program_id] = count
    return total, per_program


def licence_counts(*, user: Any = None, now: datetime) -> LicenceCounts:
    """The licence and its use as of `now`: for unlimited staff (or no user: the jobs) the installation's active
    contacts and every brand's; for brand-limited staff the active contacts among those they see, and their
    brands only."""
    scope = user_scope(user) if user is not None else None
    limited = scope is not None and not scope.unlimited
    brands = Brand.objects.for_user(user) if limited else Brand.objects.all()
    contacts = Contact.objects.for_user(user) if limited else Contact.objects.all()
    active, per_program = _active_counts(contacts, now)
    by_brand = [
        BrandActive(brand=brand_id, name=name, active=per_program.get(program_id, 0))
        for brand_id, name, program_id in brands.order_by("pk").values_list("pk", "name", "program_id")
    ]
    return LicenceCounts(licensed=settings.LICENSED_ACTIVE_CONTACTS, active=active, by_brand=by_brand)


@dataclass(frozen=True)
class LicenceDay:
    """The latest day the `licence` job counted, as the user may see it: the installation's total (unlimited staff
    only) and their brands' counts."""

    day: date | None = None
    counted_at: datetime | None = None
    total: LicenceUsage | None = None
    brands: tuple[LicenceUsage, ...] = ()

    @property
    def share(self) -> float | None:
        if self.total is None or not self.total.licensed:
            return None
        return round(self.total.active / self.total.licensed, 4)


def licence_latest(*, user: Any) -> LicenceDay:
    """The latest recorded day's counts (a few rows: what the admin's page shows without counting a million
    contacts on each visit)."""
    rows = LicenceUsage.objects.for_user(user)
    day = rows.order_by("-day").values_list("day", flat=True).first()
    if day is None:
        return LicenceDay()
    found = list(rows.filter(day=day).select_related("brand").order_by("brand__name", "brand_id"))
    return LicenceDay(
        day=day,
        counted_at=max(row.updated_at for row in found),
        total=next((row for row in found if row.brand_id is None), None),
        brands=tuple(row for row in found if row.brand_id is not None),
    )


@dataclass(frozen=True)
class LicenceSeries:
    """The chart's data: per brand (name), the active contacts of each day recorded."""

    days: list[date]
    series: list[dict[str, Any]]


def licence_history(*, user: Any, since: date) -> LicenceSeries:
    """The daily counts the user may see since `since`: a line per brand of theirs (the installation's total is a
    line of its own for unlimited staff)."""
    rows = (
        LicenceUsage.objects.for_user(user)
        .filter(day__gte=since)
        .order_by("day", "brand_id")
        .values_list("day", "brand_id", "brand__name", "active")
    )
    days: list[date] = []
    lines: dict[int | None, dict[str, Any]] = {}
    for day, brand_id, name, active in rows:
        if not days or days[-1] != day:
            days.append(day)
        line = lines.setdefault(brand_id, {"brand": brand_id, "name": name, "points": {}})
        line["points"][day.isoformat()] = active
    series = [lines[key] for key in sorted(lines, key=lambda key: (key is not None, key or 0))]
    return LicenceSeries(days=days, series=series)
