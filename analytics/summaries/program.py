"""The program report (the contract's `GET /analytics/program`): the points accrued, redeemed, expired and revoked in
a period, and the outstanding liability at its end, in all and per partner, read from the ledger's days.

- `accrued`: accruals and rewards (points earned at the till and by campaigns), by the partner they were earned at;
- `redeemed`: redemptions less the redeemed points refunds gave back, by the partner they were redeemed at;
- `expired`, `revoked`: by the partner the points were earned at (a revoke the account could not cover is owed by
  no partner); `adjusted`: manual corrections, signed;
- `liability`: the active and pending points (every entry's points up to the period's end, less the expiries due
  by then that the hourly job has not written yet, as the balances show them) × `point_value`, by the partner
  whose lots hold the points. Points are the program's; money is in its currency.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone

from analytics.summaries.days import day_bounds
from analytics.summaries.models import LedgerDay
from analytics.summaries.overview import money
from analytics.summaries.scope import Period
from common.money import ZERO, quantize
from loyalty.choices import EntryKind
from loyalty.models import Partner, Program
from loyalty.selectors import HALF_CENT, ExpiryStep, accounts_roots, expiry_plan, roots_with_remaining

FLOWS = ("accrued", "redeemed", "expired", "revoked", "adjusted")
# Each flow: the kinds it sums, its sign (points leaving are negative entries) and whose partner it is.
FLOW_KINDS: dict[str, tuple[tuple[str, ...], int, str]] = {
    "accrued": ((EntryKind.ACCRUAL, EntryKind.REWARD), 1, "partner_id"),
    "redeemed": ((EntryKind.REDEMPTION, EntryKind.RETURN), -1, "partner_id"),
    "expired": ((EntryKind.EXPIRY,), -1, "owner_id"),
    "revoked": ((EntryKind.REVOKE,), -1, "owner_id"),
    "adjusted": ((EntryKind.ADJUSTMENT,), 1, "owner_id"),
}


def unwritten_expiry(program: Program, until: datetime) -> list[ExpiryStep]:
    """The expiries due by `until` that the periodic job has not written yet (as every balance already shows them):
    the ledger's own expiry plan of each account that has a lot expired by then and still holding points."""
    accounts = (
        roots_with_remaining()
        .filter(Q(remaining_raw__gte=HALF_CENT), account__program=program, points__gt=0, expires_at__lte=until)
        .order_by()
        .values("account_id")
    )
    steps: list[ExpiryStep] = []
    for _account, roots in sorted(accounts_roots(accounts=accounts).items()):
        steps += expiry_plan(roots, until=until)
    return steps


def _by_partner(rows: Iterable[dict[str, Any]], field: str) -> dict[int | None, Decimal]:
    totals: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        totals[row[field]] += money(row["points"])
    return totals


def program_report(*, program: Program, period: Period, user: Any, now: datetime | None = None) -> dict[str, Any]:
    """`{"program", "point_value", "from", "to", "as_of", flows…, "liability_points", "liability", "by_partner"}`;
    `by_partner` lists the program's partners the user sees (and `partner: null` for points of no partner)."""
    now = now or timezone.now()
    start = day_bounds(period.first, settings.TIME_ZONE)[0]
    end = day_bounds(period.last, settings.TIME_ZONE)[1]
    as_of = min(end, now)
    days = LedgerDay.objects.filter(program=program).order_by()
    in_period = days.filter(day__gte=period.first, day__lte=period.last)
    flows: dict[str, dict[int | None, Decimal]] = {}
    for flow, (kinds, sign, field) in FLOW_KINDS.items():
        rows = in_period.filter(kind__in=kinds).values(field).annotate(points=Sum("points"))
        flows[flow] = {key: sign * value for key, value in _by_partner(rows, field).items()}
    held = _by_partner(days.filter(day__lte=period.last).values("owner_id").annotate(points=Sum("points")), "owner_id")
    for step in unwritten_expiry(program, as_of):
        owner = step.lot.partner_id
        settled = sum((paid for _debt, paid in step.settlements), ZERO)
        held[owner] = held.get(owner, ZERO) - step.expired - settled
        for debt, paid in step.settlements:
            held[debt.partner_id] = held.get(debt.partner_id, ZERO) + paid
        assert step.lot.expires_at is not None
        if start <= step.lot.expires_at < end:
            flows["expired"][owner] = flows["expired"].get(owner, ZERO) + step.expired
    visible = Partner.objects.for_user(user).filter(stores__brand__program=program).distinct().order_by("pk")
    partners = list(visible.values_list("pk", "name"))
    if any(value for table in (*flows.values(), held) for key, value in table.items() if key is None):
        partners.append((None, ""))

    def figures(key: int | None = None, *, total: bool = False) -> dict[str, Any]:
        pick = (lambda table: sum(table.values(), ZERO)) if total else (lambda table: table.get(key, ZERO))
        points = quantize(pick(held))
        row = {flow: quantize(pick(flows[flow])) for flow in FLOWS}
        return {**row, "liability_points": points, "liability": quantize(points * program.point_value)}

    return {
        "program": program.pk,
        "point_value": program.point_value,
        "from": period.first,
        "to": period.last,
        "as_of": as_of,
        **figures(total=True),
        "by_partner": [{"partner": pk, "name": name, **figures(pk)} for pk, name in partners],
    }
