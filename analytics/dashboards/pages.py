"""What each dashboard shows: figures, charts' data and tables, from the summaries' selectors (the views only read the
filters and draw). Labels are lazy (translated when drawn); money and points are Decimals with two places."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from analytics.dashboards.tables import Column, PageTable
from analytics.summaries.days import day_bounds
from analytics.summaries.load import HOURS, WEEKDAYS, quiet_hours, receipt_cells
from analytics.summaries.models import RegisterDay
from analytics.summaries.overview import KEYS, Sums, answer_of, group_members, group_rows, page_sums
from analytics.summaries.program import FLOWS, program_report
from analytics.summaries.scope import Period, Scope
from loyalty.models import Partner, Program, Register
from loyalty.selectors import settlements

LABELS = {
    "revenue": _("Revenue"),
    "receipts": _("Receipts"),
    "average_receipt": _("Average receipt"),
    "identified_share": _("Identified receipts"),
    "active_contacts": _("Active contacts"),
    "new_contacts": _("New contacts"),
    "points_accrued": _("Points accrued"),
    "points_redeemed": _("Points redeemed"),
    "discount": _("Discount given"),
}
KINDS = {"receipts": "int", "active_contacts": "int", "new_contacts": "int", "identified_share": "share"}
FIGURE_COLUMNS = [Column(key, LABELS[key], KINDS.get(key, "money")) for key in KEYS]
WEEKDAY_NAMES = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def change(current: Any, previous: Any) -> dict[str, Any]:
    """How a figure moved against the previous period: `direction` up/down/same, `percent` (None when it was 0)."""
    current, previous = Decimal(str(current)), Decimal(str(previous))
    direction = "up" if current > previous else "down" if current < previous else "same"
    percent = None if previous == 0 else round(float((current - previous) / abs(previous) * 100), 1)
    return {"direction": direction, "percent": percent}


def figure_cards(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The overview's figures with their previous values and changes, in the contract's order."""
    return [
        {
            "key": key,
            "label": LABELS[key],
            "kind": KINDS.get(key, "money"),
            "value": answer[key],
            "previous": answer["previous"][key],
            **change(answer[key], answer["previous"][key]),
        }
        for key in KEYS
    ]


def revenue_chart(scope: Scope, period: Period, per_day: dict[Any, Sums]) -> dict[str, Any]:
    """Revenue and receipts per day of the period (days without receipts as zeros, `per_day` the `Sums` of
    `page_sums`), for the `daily` chart of static/metrics/charts.js."""
    days = [member["day"] for member in group_members(scope, period, "day")]
    return {
        "kind": "daily",
        "title": "",
        "days": [day.isoformat() for day in days],
        "amounts": [float(per_day[day].revenue) if day in per_day else 0 for day in days],
        "counts": [per_day[day].receipts if day in per_day else 0 for day in days],
        "amount_label": str(LABELS["revenue"]),
        "count_label": str(LABELS["receipts"]),
    }


def overview_page(scope: Scope, period: Period) -> dict[str, Any]:
    """The brand overview: the figures against the previous period, revenue by day, by store and by register."""
    page = page_sums(scope, period, ("store", "register", "day"), counted=("store", "register"))
    stores = group_rows(scope, period, "store", page.groups["store"])
    registers = group_rows(scope, period, "register", page.groups["register"])
    return {
        "cards": figure_cards(answer_of(page, period)),
        "chart": revenue_chart(scope, period, page.groups["day"]),
        "tables": [
            PageTable("stores", _("By store"), [Column("name", _("store")), *FIGURE_COLUMNS], stores),
            PageTable(
                "registers",
                _("By register"),
                [Column("store_name", _("store")), Column("code", _("register")), *FIGURE_COLUMNS],
                registers,
            ),
        ],
    }


def load_page(scope: Scope, period: Period) -> dict[str, Any]:
    """Register load: a heatmap of receipts by weekday × hour, a row per register of the store chosen (per store
    otherwise), and each store's quiet hours."""
    by_register = (scope.stores is not None and len(scope.stores) == 1) or scope.registers is not None
    if by_register:
        cells = receipt_cells(scope, period, "register_id")
        rows = [(member["register"], member["code"]) for member in group_members(scope, period, "register")]
    else:
        cells = receipt_cells(scope, period, "store_id")
        rows = [(member["store"], member["name"]) for member in group_members(scope, period, "store")]
    columns = [f"{WEEKDAY_NAMES[weekday - 1]} {hour:02d}" for weekday in WEEKDAYS for hour in HOURS]
    heatmap = {
        "kind": "heatmap",
        "x": columns,
        "y": [str(name) for _pk, name in rows],
        "z": [[cells.get((pk, weekday, hour), 0) for weekday in WEEKDAYS for hour in HOURS] for pk, _name in rows],
        "title": str(_("Receipts by weekday and hour (local time)")),
        "x_title": "",
        # From nearly nothing (no receipts) to blue: the quiet hours stay pale, the busy ones stand out.
        "colorscale": [[0, "#f1f5f9"], [1, "#2563eb"]],
    }
    quiet = quiet_hours(scope, period)
    for row in quiet:
        row["weekday_name"] = WEEKDAY_NAMES[row["weekday"] - 1]
        row["hours"] = f"{row['hour']:02d}:00–{(row['hour'] + 1) % 24:02d}:00"
    table_rows = [
        {"row": name, "weekday": weekday, "hour": hour, "receipts": cells.get((pk, weekday, hour), 0)}
        for pk, name in rows
        for weekday in WEEKDAYS
        for hour in HOURS
    ]
    return {
        "heatmap": heatmap,
        "by_register": by_register,
        "tables": [
            PageTable(
                "quiet_hours",
                _("Quiet hours: the open hours with the fewest receipts, the basis for an offer aimed at them"),
                [
                    Column("name", _("store")),
                    Column("weekday_name", _("weekday")),
                    Column("hours", _("hours")),
                    Column("receipts", _("receipts"), "int"),
                    Column("share", _("of an average open hour"), "percent"),
                ],
                quiet,
            ),
            PageTable(
                "load",
                _("Receipts by weekday and hour"),
                [
                    Column("row", _("register") if by_register else _("store")),
                    Column("weekday", _("weekday"), "int"),
                    Column("hour", _("hour"), "int"),
                    Column("receipts", _("receipts"), "int"),
                ],
                table_rows,
            ),
        ],
        "show_tables": ["quiet_hours"],
    }


def inventory_page(scope: Scope, period: Period) -> dict[str, Any]:
    """Register inventory: every register of the scope with its model, serial, software, last contact and the
    receipts and revenue of the period."""
    registers = Register.objects.filter(pk__in=[m["register"] for m in group_members(scope, period, "register")])
    figures = {
        row["register_id"]: row
        for row in RegisterDay.objects.filter(
            day__gte=period.first, day__lte=period.last, register_id__in=registers.values("pk")
        )
        .order_by()
        .values("register_id")
        .annotate(receipts=Sum("receipts"), revenue=Sum("revenue"))
    }
    rows = []
    for register in registers.select_related("store").order_by("store__name", "code"):
        seen = register.last_seen_at
        row = figures.get(register.pk, {})
        rows.append(
            {
                "register": register.pk,
                "store": register.store.name,
                "code": register.code,
                "model": register.model,
                "serial_number": register.serial_number,
                "software_version": register.software_version,
                "last_seen_at": seen,
                "is_active": register.is_active,
                "receipts": int(row.get("receipts") or 0),
                "revenue": Decimal(str(row.get("revenue") or 0)).quantize(Decimal("0.01")),
            }
        )
    columns = [
        Column("store", _("store")),
        Column("code", _("register")),
        Column("model", _("model")),
        Column("serial_number", _("serial number")),
        Column("software_version", _("software version")),
        Column("last_seen_at", _("last seen at"), "datetime"),
        Column("is_active", pgettext_lazy("register", "active"), "bool"),
        Column("receipts", _("receipts in the period"), "int"),
        Column("revenue", _("revenue in the period"), "money"),
    ]
    return {"tables": [PageTable("registers", _("Registers"), columns, rows)]}


def program_page(program: Program | None, period: Period, user: Any, *, partner: int | None = None) -> dict[str, Any]:
    """The program report with the partners' settlements of the period (one partner's rows only, when chosen)."""
    if program is None:
        return {"tables": [], "cards": []}
    report = program_report(program=program, period=period, user=user)
    start = day_bounds(period.first, settings.TIME_ZONE)[0]
    end = day_bounds(period.last, settings.TIME_ZONE)[1]
    owed = [
        row
        for row in settlements(program=program, start=start, end=end)
        if partner is None or partner in (row["debtor"], row["creditor"])
    ]
    names = dict(
        Partner.objects.filter(pk__in={p for row in owed for p in (row["debtor"], row["creditor"])}).values_list(
            "pk", "name"
        )
    )
    flow_labels = {
        "accrued": _("Points accrued"),
        "redeemed": _("Points redeemed"),
        "expired": _("Points expired"),
        "revoked": _("Points revoked"),
        "adjusted": _("Points adjusted by hand"),
    }
    cards = [{"key": key, "label": flow_labels[key], "kind": "money", "value": report[key]} for key in FLOWS]
    cards += [
        {
            "key": "liability_points",
            "label": _("Outstanding points"),
            "kind": "money",
            "value": report["liability_points"],
        },
        {"key": "liability", "label": _("Liability"), "kind": "money", "value": report["liability"]},
    ]
    partner_columns = [
        Column("name", _("partner")),
        *[Column(key, flow_labels[key], "money") for key in FLOWS],
        Column("liability_points", _("Outstanding points"), "money"),
        Column("liability", _("Liability"), "money"),
    ]
    partner_rows = [row for row in report["by_partner"] if partner is None or row["partner"] == partner]
    for row in partner_rows:
        row["name"] = row["name"] or _("No partner (manual corrections)")
    settlement_rows = [
        {**row, "debtor_name": names.get(row["debtor"], ""), "creditor_name": names.get(row["creditor"], "")}
        for row in owed
    ]
    return {
        "program": program,
        "as_of": report["as_of"],
        "cards": cards,
        "tables": [
            PageTable("partners", _("By partner"), partner_columns, partner_rows),
            PageTable(
                "settlements",
                _("Partner settlements: points earned at one partner and redeemed at another"),
                [
                    Column("debtor_name", _("debtor")),
                    Column("creditor_name", _("creditor")),
                    Column("amount", _("amount"), "money"),
                ],
                settlement_rows,
            ),
        ],
    }
