"""A campaign's effect: what it touched and cost, and its audience's spend, held-out contacts against the others.

`campaign_effect` answers `GET /campaigns/{id}/effect` and the campaign page, in four queries whatever the data:
- what it touched, from its uses (`CampaignUsage`, indexed by campaign and time): `receipts` (confirmed receipts it
  gave something on), their `revenue` (money paid, net of refunds: `loyalty.selectors.spend.net_paid`), the
  `discount` and `points` it gave (as given at the till, refunds aside);
- its audience over the period (`population`), split by the till's hash into `target` and `control`: `contacts`,
  `buyers` (contacts with a confirmed purchase at the campaign's brand in the period), `revenue` (their purchases'
  money paid there, net of refunds) and `revenue_per_contact` (÷ all the group's contacts, buyers or not);
- `uplift` with its interval (`interval`), or none and a `reason`.
The period runs from the campaign's start to its end, or to now while it runs (`from`/`to` narrow or move it). The
split is the campaign's current `control_percent`.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from campaigns.effect.interval import GroupSums, Uplift, uplift
from campaigns.effect.population import ControlPrefix, audience_contacts, campaign_audience
from campaigns.engine.control import control_cutoff_hex
from campaigns.models import Campaign, CampaignUsage
from common.money import ZERO, quantize
from loyalty.models import Purchase
from loyalty.selectors.spend import net_paid

# Why there is no uplift (`Uplift.reason`), said to the marketer rather than an invented effect.
REASONS = {
    "no_control_group": _(
        "No control group: the campaign holds nobody out, so there is nothing to compare its audience with. "
        "Set a control group to measure its effect."
    ),
    "control_group_empty": _("The control group is empty: nobody of the audience has fallen into it yet."),
    "target_group_empty": _("Everyone in the audience is in the control group."),
    "no_control_revenue": _("The control group bought nothing in the period: there is nothing to compare with yet."),
}


@dataclass(frozen=True)
class Group:
    """A part of the audience: its contacts, those who bought, their revenue and the revenue per contact."""

    contacts: int
    buyers: int
    revenue: Decimal
    squares: Decimal

    @property
    def revenue_per_contact(self) -> Decimal:
        return quantize(self.revenue / self.contacts) if self.contacts else ZERO

    def sums(self) -> GroupSums:
        return GroupSums(contacts=self.contacts, revenue=self.revenue, squares=self.squares)


@dataclass(frozen=True)
class CampaignEffect:
    """The figures of `GET /campaigns/{id}/effect` (see the module)."""

    start: datetime
    end: datetime
    control_percent: int
    receipts: int
    revenue: Decimal
    discount: Decimal
    points: Decimal
    target: Group
    control: Group
    uplift: Uplift


def effect_period(
    campaign: Campaign, *, now: datetime, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime]:
    """[start, end): the campaign's window up to now unless given; an end before the start leaves it empty."""
    start = start or campaign.starts_at
    if end is None:
        end = min(campaign.ends_at, now) if campaign.ends_at is not None else now
    return start, max(end, start)


def _touched(campaign: Campaign, start: datetime, end: datetime) -> dict[str, Any]:
    uses = CampaignUsage.objects.filter(campaign_id=campaign.pk, at__gte=start, at__lt=end)
    totals = uses.aggregate(
        receipts=Count("purchase_id", distinct=True), discount=Sum("discount"), points=Sum("points")
    )
    revenue = Purchase.objects.filter(pk__in=uses.values("purchase_id")).aggregate(revenue=Sum(net_paid()))
    return {**totals, **revenue}


def _held_out(campaign: Campaign) -> Case | Value:
    """1 for a row of a contact the campaign holds out, else 0: the database's copy of the till's hash."""
    if campaign.control_percent <= 0:
        return Value(0)
    prefix = ControlPrefix(campaign.pk, "contact_id")
    return Case(When(GreaterThan(Value(control_cutoff_hex(campaign.control_percent)), prefix), then=1), default=0)


def _audience_counts(audience: QuerySet[Any], campaign: Campaign) -> tuple[int, int]:
    """(contacts, of them held out): the audience has one row per contact."""
    held_out = _held_out(campaign)
    if isinstance(held_out, Value):
        return audience.count(), 0
    counts = audience.annotate(held_out=held_out).aggregate(
        contacts=Count("pk"), control=Count("pk", filter=Q(held_out=1))
    )
    return counts["contacts"], counts["control"]


def _spend_sums(spend: QuerySet[Any]) -> dict[str, Any]:
    """Buyers, revenue and the sum of squared revenues, in all and held out, over the rows of `spend` (one per
    buyer: `revenue`, `held_out`); Django cannot aggregate its aggregates, so the outer query is written here."""
    inner, params = spend.query.sql_with_params()
    sums = (
        "COUNT(*), SUM(revenue), SUM(revenue * revenue), "
        "SUM(held_out), SUM(revenue * held_out), SUM(revenue * revenue * held_out)"
    )
    sql = f"SELECT {sums} FROM ({inner}) AS buyer"  # noqa: S608 - Django's query, its values passed as parameters
    with connections[spend.db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    buyers, revenue, squares, control_buyers, control_revenue, control_squares = (value or 0 for value in row)
    return {
        "buyers": (int(buyers), int(control_buyers)),
        "revenue": (_decimal(revenue), _decimal(control_revenue)),
        "squares": (_decimal(squares), _decimal(control_squares)),
    }


def _decimal(value: Any) -> Decimal:
    """A sum as the database gives it (SQLite: a float) as a Decimal of money's precision."""
    return quantize(Decimal(str(value)))


def _groups(campaign: Campaign, start: datetime, end: datetime) -> tuple[Group, Group]:
    """(target, control): the audience counted in one query, its buyers' revenues summed in another."""
    audience = audience_contacts(
        audience=campaign_audience(campaign.audience), program_id=campaign.brand.program_id, start=start, end=end
    )
    contacts = _audience_counts(audience, campaign)
    spend = (
        Purchase.objects.filter(
            brand_id=campaign.brand_id, at__gte=start, at__lt=end, contact_id__in=audience.values("contact_id")
        )
        .order_by()
        .values("contact_id")
        .annotate(revenue=Sum(net_paid()), held_out=_held_out(campaign))
        .values("revenue", "held_out")
    )
    sums = _spend_sums(spend)
    buyers, revenue, squares = sums["buyers"], sums["revenue"], sums["squares"]
    control = Group(contacts=contacts[1], buyers=buyers[1], revenue=revenue[1], squares=squares[1])
    target = Group(
        contacts=contacts[0] - contacts[1],
        buyers=buyers[0] - buyers[1],
        revenue=revenue[0] - revenue[1],
        squares=squares[0] - squares[1],
    )
    return target, control


def campaign_effect(
    campaign: Campaign, *, now: datetime, start: datetime | None = None, end: datetime | None = None
) -> CampaignEffect:
    """The campaign's effect over [start, end) (`effect_period`)."""
    start, end = effect_period(campaign, now=now, start=start, end=end)
    touched = _touched(campaign, start, end)
    target, control = _groups(campaign, start, end)
    return CampaignEffect(
        start=start,
        end=end,
        control_percent=campaign.control_percent,
        receipts=touched["receipts"] or 0,
        revenue=quantize(touched["revenue"] or ZERO),
        discount=quantize(touched["discount"] or ZERO),
        points=quantize(touched["points"] or ZERO),
        target=target,
        control=control,
        uplift=uplift(target.sums(), control.sums(), control_percent=campaign.control_percent),
    )
