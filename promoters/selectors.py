"""Reads about stands and leads: which stands a user works at, and a stand's (or any set of leads') figures.

Who sees which stands: brand scoping first (`Stand.objects.for_user`), then one rule of this app. Staff who capture
leads but may not change stands (the promoter role) see only the stands they are promoters of, and those stands'
leads; staff who may change stands, and staff who only read (analysts, marketers), see every stand of their brands.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from common.money import ZERO
from common.scoping import Action, user_scope
from promoters.models import Lead, Stand

User = get_user_model()


def own_stands_only(user: Any) -> bool:
    """Whether the user sees only the stands they stand at: they capture leads but do not run stands."""
    return user.has_perm("promoters.add_lead") and not user.has_perm("promoters.change_stand")


def stands_for_user(user: Any, action: Action = "view") -> QuerySet[Stand]:
    stands = Stand.objects.for_user(user, action)
    if own_stands_only(user):
        stands = stands.filter(promoters=user)
    return stands


def leads_for_user(user: Any) -> QuerySet[Lead]:
    leads = Lead.objects.for_user(user)
    if own_stands_only(user):
        leads = leads.filter(stand__in=stands_for_user(user).values("pk"))
    return leads


def stand_is_open(stand: Stand, at: datetime) -> bool:
    """Open from `starts_at` (included) to `ends_at` (excluded); an empty bound is open-ended."""
    return (stand.starts_at is None or stand.starts_at <= at) and (stand.ends_at is None or at < stand.ends_at)


def promoter_choices(user: Any) -> QuerySet[Any]:
    """Staff a user may put on a stand: every active staff user for unlimited staff, else the staff who work in one
    of the user's brands (a brand-limited manager learns of no one else)."""
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("username")
    scope = user_scope(user)
    if scope.unlimited:
        return staff
    if not scope.brand_ids:
        return staff.none()
    return staff.filter(pk__in=User.objects.filter(managed_brands__in=scope.brand_ids).values("pk"))


def works_in_brand(user: Any, brand_id: int) -> bool:
    """Whether a staff user's scope includes the brand (a promoter must see the stand they stand at)."""
    return bool(user.is_staff and user.is_active) and user_scope(user).allows(brand_id)


# --- figures -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFigures:
    """Leads and new contacts in all, per stand, per promoter (best first) and per hour or day (oldest first)."""

    leads: int
    new_contacts: int
    welcome_points: Any = ZERO
    per_stand: list[dict[str, Any]] = field(default_factory=list)
    per_promoter: list[dict[str, Any]] = field(default_factory=list)
    per_period: list[dict[str, Any]] = field(default_factory=list)
    period: str = "hour"


# Hours while the leads span at most this many days; days beyond (a chart of a season's hours is unreadable).
HOURLY_SPAN_DAYS = 7


def _new() -> Count:
    return Count("created", filter=Q(created=True))  # a column the figures' indexes carry (COUNT(*) takes no filter)


def lead_figures(leads: QuerySet[Lead], *, top: int = 50, period: str | None = None) -> LeadFigures:
    """The figures of some leads (already limited to what the user may see), in a handful of grouped queries."""
    leads = leads.order_by()
    totals = leads.aggregate(leads=Count("*"), new_contacts=_new(), points=Sum("welcome_points"))
    per_stand = [
        {"stand": row["stand"], "name": row["stand__name"], "leads": row["leads"], "new_contacts": row["new_contacts"]}
        for row in leads.values("stand", "stand__name")
        .annotate(leads=Count("*"), new_contacts=_new())
        .order_by("-leads", "stand")[:top]
    ]
    per_promoter = [
        {
            "promoter": row["promoter"],
            "username": row["promoter__username"] or "",
            "name": f"{row['promoter__first_name']} {row['promoter__last_name']}".strip(),
            "leads": row["leads"],
            "new_contacts": row["new_contacts"],
        }
        for row in leads.values("promoter", "promoter__username", "promoter__first_name", "promoter__last_name")
        .annotate(leads=Count("*"), new_contacts=_new())
        .order_by("-leads", "-new_contacts", "promoter")[:top]
    ]
    if period is None:
        span = leads.aggregate(first=Min("captured_at"), last=Max("captured_at"))
        wide = span["first"] is not None and (span["last"] - span["first"]).days > HOURLY_SPAN_DAYS
        period = "day" if wide else "hour"
    trunc = (TruncDay if period == "day" else TruncHour)("captured_at", tzinfo=timezone.get_current_timezone())
    per_period = [
        {
            period: row["at"].isoformat() if period == "hour" else row["at"].date().isoformat(),
            "leads": row["leads"],
            "new_contacts": row["new_contacts"],
        }
        for row in leads.annotate(at=trunc).values("at").annotate(leads=Count("*"), new_contacts=_new()).order_by("at")
    ]
    return LeadFigures(
        leads=totals["leads"] or 0,
        new_contacts=totals["new_contacts"] or 0,
        welcome_points=totals["points"] or ZERO,
        per_stand=per_stand,
        per_promoter=per_promoter,
        per_period=per_period,
        period=period,
    )
