"""The analytics summaries and dashboards (`python -m tests.bench analytics`), on a database of their own (the bench
database's name + `_analytics`), seeded once like the segments bench's (`segdata`: 1,000,000 contacts, 2,500,000
receipts of 4 lines over the last two years at 20 stores, no events) and kept between runs.

- **(info) the first refresh**: every summary written from the two years of receipts (once, when the summaries are
  empty): what an upgrade of a running installation costs once.
- **summary refresh of one day's receipts**: a day of `--day-receipts` receipts (100,000) of 20 lines each
  (2,000,000 lines) is added yesterday, in SQL, at 100 registers of the 20 stores, 70 % of them by one of the
  million contacts, 1 % refunded in part, 30 % touched by a campaign, with their ledger entries (an accrual for each
  identified receipt, a redemption for 5 %); then `summaries_refresh()` (the `analytics` job's step) is timed: every
  stream (days, products, ledger). Budget ≤ 10 s. The previous run's day is taken out first and its days written
  again (not timed).
- **every dashboard page**: the four dashboards and the home page through Django's test client (middleware, the
  session, the template), as a superuser and as a manager of one brand, each page once to warm up then five times;
  the slowest of the five, for the default period (30 days) and for a year; the home page and the overview also for
  a year filtered by a partner owning half the stores (a scope of several stores: distinct contacts by contact id).
  Budget ≤ 300 ms. The row also gives the queries each page made.
- **(info) a page catching up**: one more receipt, then the overview page (it writes that store-day again first).
"""

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import psycopg

REFRESH_BUDGET_S = 10.0
PAGE_BUDGET_MS = 300.0
REGISTERS_PER_STORE = 5
LINES_PER_RECEIPT = 20
MARK = "AN-"  # receipt numbers of the bench's day
PAGES = (
    ("home", "/admin/"),
    ("overview", "/admin/analytics/dashboards/overview/"),
    ("register load", "/admin/analytics/dashboards/register-load/"),
    ("registers", "/admin/analytics/dashboards/registers/"),
    ("program", "/admin/analytics/dashboards/program/"),
)


def analytics_url(url: str) -> str:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    return parts._replace(path=parts.path.rstrip("/") + "_analytics").geturl()


def _dsn() -> str:
    from tests.bench.segdata import _dsn as dsn

    return dsn()


def _registers(data: Any) -> list[int]:
    """Five registers a store (the seeded one and four more), made once."""
    from loyalty.models import Register
    from loyalty.services.registers import register_create

    for store_id in data.store_ids:
        have = Register.objects.filter(store_id=store_id).count()
        for n in range(have, REGISTERS_PER_STORE):
            register_create(data={"store_id": store_id, "code": f"AN-{store_id}-{n + 1}"})
    return sorted(Register.objects.filter(store_id__in=data.store_ids).values_list("pk", flat=True))


def _campaigns(data: Any) -> list[int]:
    from django.utils import timezone

    from campaigns.models import Campaign

    ids = list(Campaign.objects.filter(name__startswith="Analytics bench").values_list("pk", flat=True))
    if ids:
        return ids
    start = timezone.now() - timedelta(days=400)
    return [
        Campaign.objects.create(
            name=f"Analytics bench {n}",
            brand_id=data.brand_ids[n % 2],
            status="active",
            starts_at=start,
            mechanic={"type": "percent_discount", "percent": 5},
        ).pk
        for n in range(10)
    ]


def _take_out_previous_day(progress: Callable[[str], None]) -> None:
    """The previous run's day out of the tables, and its store-days written again from what is left."""
    from analytics.summaries.days import local_day, store_places
    from analytics.summaries.fill import StoreDayKey
    from analytics.summaries.refresh import _summarise_purchases, source_highs
    from loyalty.models import Purchase

    rows = list(Purchase.objects.filter(receipt_number__startswith=MARK).values_list("store_id", "at").distinct())
    if not rows:
        return
    places = store_places()
    keys = {StoreDayKey(store=store, day=local_day(at, places[store].tz)) for store, at in rows}
    programs = set(Purchase.objects.filter(receipt_number__startswith=MARK).values_list("program_id", "at"))
    statements = [
        "DELETE FROM campaigns_campaignusage WHERE purchase_id IN (SELECT id FROM loyalty_purchase"
        " WHERE receipt_number LIKE 'AN-%%')",
        "DELETE FROM loyalty_ledgerentry WHERE purchase_id IN (SELECT id FROM loyalty_purchase"
        " WHERE receipt_number LIKE 'AN-%%')",
        "DELETE FROM loyalty_refundline WHERE refund_id IN (SELECT r.id FROM loyalty_refund r JOIN loyalty_purchase p"
        " ON p.id = r.purchase_id WHERE p.receipt_number LIKE 'AN-%%')",
        "DELETE FROM loyalty_refund WHERE purchase_id IN (SELECT id FROM loyalty_purchase"
        " WHERE receipt_number LIKE 'AN-%%')",
        "DELETE FROM loyalty_purchaseline WHERE purchase_id IN (SELECT id FROM loyalty_purchase"
        " WHERE receipt_number LIKE 'AN-%%')",
        "DELETE FROM loyalty_purchase WHERE receipt_number LIKE 'AN-%%'",
    ]
    with psycopg.connect(_dsn()) as conn:
        conn.execute("SET session_replication_role = replica")
        for statement in statements:
            conn.execute(statement.replace("%%", "%"))
        conn.commit()
    from django.db import connection, transaction
    from django.utils import timezone

    from analytics.summaries.days import project_day
    from analytics.summaries.ledger import summarise_ledger_days

    with transaction.atomic():
        for stream in ("days", "products"):
            _summarise_purchases(stream, keys, places, source_highs(stream), timezone.now())
        program_days = {(program, project_day(at)) for program, at in programs}
        with connection.cursor() as cursor:
            summarise_ledger_days(cursor, program_days, entry_mark=source_highs("ledger")["entry"])
    progress(f"    the previous run's day taken out ({len(keys)} store-days written again)")


def _vacuum(progress: Callable[[str], None]) -> None:
    """VACUUM ANALYZE of the sources and the summaries before the timed day (not timed): what autovacuum does on a
    running installation. CI's PostgreSQL here runs with autovacuum off, so without it every run's taken-out day
    leaves dead rows behind, and the summaries written by the first refresh have no visibility map (every
    index-only scan reads the heap): the figures would measure the bench's own leftovers."""
    from django.apps import apps

    started = time.perf_counter()
    models = apps.get_app_config("analytics").get_models()
    tables = sorted({model._meta.db_table for model in models if not model._meta.proxy})
    tables += ["loyalty_purchase", "loyalty_purchaseline", "loyalty_refund", "loyalty_refundline"]
    tables += ["loyalty_ledgerentry", "campaigns_campaignusage"]
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        for name in tables:
            conn.execute(f"VACUUM ANALYZE {name}")
    progress(f"    VACUUM ANALYZE of the sources and the summaries: {time.perf_counter() - started:.1f} s")


def seed_day(data: Any, *, day: date, receipts: int, registers: list[int], campaigns: list[int]) -> float:
    """A day of receipts in SQL (see the module's docstring); returns the seconds it took (not a figure)."""
    started = time.perf_counter()
    params = {
        "day": day,
        "receipts": receipts,
        "registers": registers,
        "nregisters": len(registers),
        "first": data.first_contact_id,
        "contacts": data.contacts,
        "program": data.program_id,
        "lines": LINES_PER_RECEIPT,
        "campaigns": campaigns,
        "ncampaigns": len(campaigns),
    }
    statements = [
        """
        WITH registers AS (
            SELECT row_number() OVER (ORDER BY r.id) - 1 AS n, r.id, r.store_id, s.brand_id
            FROM loyalty_register r JOIN loyalty_store s ON s.id = r.store_id WHERE r.id = ANY(%(registers)s)
        )
        INSERT INTO loyalty_purchase (created_at, updated_at, card_number, receipt_number, at, base, discount,
            total, redeemed_points, payable, points, tier_name, brand_id, contact_id, program_id, register_id, store_id)
        SELECT now(), now(), '', 'AN-' || g,
            (%(day)s::date + interval '8 hours' + (abs(hashint8extended(g, 41)) %% 50400) * interval '1 second')
                AT TIME ZONE 'Europe/Moscow',
            b.amount, round(b.amount * 0.05, 2), b.amount - round(b.amount * 0.05, 2),
            CASE WHEN g %% 20 = 0 THEN 100 ELSE 0 END,
            b.amount - round(b.amount * 0.05, 2) - CASE WHEN g %% 20 = 0 THEN 100 ELSE 0 END,
            CASE WHEN g %% 10 < 7 THEN round(b.amount * 0.03, 2) ELSE 0 END, '', registers.brand_id,
            CASE WHEN g %% 10 < 7 THEN %(first)s + abs(hashint8extended(g, 42)) %% %(contacts)s END,
            %(program)s, registers.id, registers.store_id
        FROM generate_series(1, %(receipts)s) AS g
        CROSS JOIN LATERAL (SELECT (400 + abs(hashint8extended(g, 43)) %% 9600)::numeric(14, 2) AS amount) AS b
        JOIN registers ON registers.n = abs(hashint8extended(g, 44)) %% %(nregisters)s
        """,
        "ANALYZE loyalty_purchase",
        # The computed product index of each line is produced once (`picks`), so that the join to the products is an
        # equality PostgreSQL hash-joins on (brand, k); nested loops are off for this statement, because the fresh
        # rows' estimate can still be tiny, and a nested loop over 2,000,000 lines x 2,000 products runs for ages.
        "SET LOCAL enable_nestloop = off",
        """
        WITH ranked AS (
            SELECT id, sku, brand_id, row_number() OVER (PARTITION BY brand_id ORDER BY id) - 1 AS k
            FROM loyalty_product
        ), counts AS (SELECT brand_id, count(*) AS c FROM loyalty_product GROUP BY brand_id),
        picks AS MATERIALIZED (
            SELECT p.id, p.brand_id, p.base, p.discount, p.total, p.redeemed_points, p.payable, p.points, j,
                abs(hashint8extended(p.id * 31 + j, 45)) %% counts.c AS k
            FROM loyalty_purchase p
            JOIN counts ON counts.brand_id = p.brand_id
            CROSS JOIN generate_series(0, %(lines)s - 1) AS j
            WHERE p.receipt_number LIKE 'AN-%%'
        )
        INSERT INTO loyalty_purchaseline (index, sku, quantity, price, base, discount, total, redeemed_points, paid,
            points, applied, product_id, purchase_id)
        SELECT p.j, ranked.sku, 1, p.base / %(lines)s, p.base / %(lines)s, p.discount / %(lines)s,
            p.total / %(lines)s, p.redeemed_points / %(lines)s, p.payable / %(lines)s, p.points / %(lines)s, '[]',
            ranked.id, p.id
        FROM picks p JOIN ranked ON ranked.brand_id = p.brand_id AND ranked.k = p.k
        """,
        "SET LOCAL enable_nestloop = on",
        """
        WITH refunded AS (
            INSERT INTO loyalty_refund (created_at, updated_at, at, refund_amount, points_revoked, points_returned,
                purchase_id)
            SELECT now(), now(), p.at + interval '1 hour', l.paid, l.points, 0, p.id
            FROM loyalty_purchase p JOIN loyalty_purchaseline l ON l.purchase_id = p.id AND l.index = 0
            WHERE p.receipt_number LIKE 'AN-%%' AND p.id %% 100 = 0
            RETURNING id, purchase_id
        )
        INSERT INTO loyalty_refundline (quantity, amount, points_revoked, points_returned, line_id, refund_id)
        SELECT 1, l.paid, l.points, 0, l.id, refunded.id
        FROM refunded JOIN loyalty_purchaseline l ON l.purchase_id = refunded.purchase_id AND l.index = 0
        """,
        """
        WITH lots AS (
            INSERT INTO loyalty_ledgerentry (created_at, updated_at, at, kind, points, activation_at, expires_at,
                partner_id, purchase_id, reason, account_id)
            SELECT now(), now(), p.at, 'accrual', p.points, NULL, NULL, s.partner_id, p.id, '', a.id
            FROM loyalty_purchase p JOIN loyalty_store s ON s.id = p.store_id
            JOIN loyalty_account a ON a.contact_id = p.contact_id AND a.program_id = p.program_id
            WHERE p.receipt_number LIKE 'AN-%%' AND p.contact_id IS NOT NULL AND p.points > 0
            RETURNING id, purchase_id, points, account_id, partner_id, at
        )
        INSERT INTO loyalty_ledgerentry (created_at, updated_at, at, kind, points, activation_at, expires_at,
            partner_id, purchase_id, reason, account_id, lot_id)
        SELECT now(), now(), lots.at, 'redemption', -round(lots.points / 2, 2), NULL, NULL, lots.partner_id,
            lots.purchase_id, '', lots.account_id, lots.id
        FROM lots WHERE lots.purchase_id %% 20 = 0 AND lots.points >= 0.02
        """,
        """
        INSERT INTO campaigns_campaignusage (purchase_id, contact_id, at, discount, points, value, campaign_id)
        SELECT p.id, p.contact_id, p.at, p.discount, 0, p.discount,
            (%(campaigns)s::bigint[])[1 + abs(hashint8extended(p.id, 46)) %% %(ncampaigns)s]
        FROM loyalty_purchase p WHERE p.receipt_number LIKE 'AN-%%' AND p.id %% 10 < 3
        """,
    ]
    with psycopg.connect(_dsn()) as conn:
        conn.execute("SET session_replication_role = replica")
        for statement in statements:
            conn.execute(statement, params if "%" in statement else None)
        conn.commit()
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        for name in ("loyalty_purchase", "loyalty_purchaseline", "loyalty_refund", "loyalty_ledgerentry"):
            conn.execute(f"ANALYZE {name}")
    return time.perf_counter() - started


def _partner_of_half(data: Any) -> int:
    """A partner owning every other store of the bench (made once, its stores' summaries following): a scope of
    several stores of both brands, whose distinct contacts are counted by contact id."""
    from django.db import connection

    from analytics.summaries.models import RegisterDay, StoreDay
    from loyalty.models import Partner, Store

    partner, _created = Partner.objects.get_or_create(name="Half the stores (bench)")
    stores = sorted(data.store_ids)[::2]
    Store.objects.filter(pk__in=stores).update(partner=partner)
    with connection.cursor() as cursor:
        for model in (RegisterDay, StoreDay):
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET partner_id = %s WHERE store_id = ANY(%s)",
                [partner.pk, stores],
            )
    return partner.pk


def _page_times(
    client: Any, query: dict[str, str], runs: int = 5, pages: tuple[str, ...] | None = None
) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result: dict[str, Any] = {}
    for name, url in PAGES:
        if pages is not None and name not in pages:
            continue
        client.get(url, query)  # warm-up
        times = []
        for _n in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                answer = client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, (url, answer.status_code)
        result[name] = {"slowest_ms": round(max(times), 1), "median_ms": round(sorted(times)[runs // 2], 1)}
        result[name]["queries"] = len(queries.captured_queries)
    return result


def _clients(data: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from access.roles import sync_roles
    from loyalty.models import Brand

    sync_roles()
    admin, _created = User.objects.get_or_create(username="analytics-bench-admin", defaults={"is_staff": True})
    admin.is_superuser = True
    admin.save()
    manager, _created = User.objects.get_or_create(username="analytics-bench-manager", defaults={"is_staff": True})
    manager.groups.add(Group.objects.get(name="marketer"))
    Brand.objects.get(pk=data.brand_ids[0]).managers.add(manager)
    clients = {}
    for label, user in (("superuser", admin), ("brand manager", manager)):
        client = Client(HTTP_HOST="127.0.0.1:8000")  # one of the ALLOWED_HOSTS the bench sets
        client.force_login(user)
        clients[label] = client
    return clients


def run(data: Any, *, day_receipts: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.utils import timezone

    from analytics.summaries.models import SummaryState
    from analytics.summaries.refresh import summaries_refresh
    from tests.bench.stats import CpuMeter

    results: dict[str, Any] = {}
    registers = _registers(data)
    campaigns = _campaigns(data)
    if not SummaryState.objects.filter(stream="days").exists():
        progress("    the first refresh: two years of receipts")
        started = time.perf_counter()
        streams = summaries_refresh()
        results["first_refresh"] = {
            "seconds": round(time.perf_counter() - started, 1),
            "streams": {result.stream: round(result.seconds, 1) for result in streams},
        }
        progress(f"    first refresh: {results['first_refresh']}")
    _take_out_previous_day(progress)
    summaries_refresh()
    _vacuum(progress)
    day = timezone.localdate() - timedelta(days=1)
    progress(f"    seeding {day_receipts:,} receipts ({day_receipts * LINES_PER_RECEIPT:,} lines) on {day}")
    results["seed_day_seconds"] = round(
        seed_day(data, day=day, receipts=day_receipts, registers=registers, campaigns=campaigns), 1
    )
    meter = CpuMeter()
    started = time.perf_counter()
    streams = summaries_refresh()
    seconds = time.perf_counter() - started
    results["refresh"] = {
        "seconds": round(seconds, 2),
        "streams": {result.stream: {"days": result.days, "seconds": round(result.seconds, 2)} for result in streams},
        "machine": meter.read(),
    }
    progress(f"    refresh of the day: {results['refresh']}")
    clients = _clients(data)
    today = timezone.localdate()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
    partner = {"partner": str(_partner_of_half(data))}
    results["pages"] = {
        label: {
            "30 days": _page_times(client, {}),
            "a year": _page_times(client, year),
            "a year, by partner": _page_times(client, {**year, **partner}, pages=("home", "overview")),
        }
        for label, client in clients.items()
    }
    progress(f"    pages: {results['pages']}")
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    table: list[tuple[str, str, str, str]] = []
    first = results.get("first_refresh")
    if first:
        table.append(("(info) first refresh: 2,500,000 receipts over two years", f"{first['seconds']} s", "", "info"))
    refresh = results["refresh"]
    parts = ", ".join(f"{name} {part['seconds']} s" for name, part in refresh["streams"].items())
    ok = "ok" if refresh["seconds"] <= REFRESH_BUDGET_S else "OVER"
    table.append(
        (
            "summary refresh of one day's receipts (100,000, 2,000,000 lines)",
            f"{refresh['seconds']} s ({parts})",
            "≤ 10 s",
            ok,
        )
    )
    for label, periods in results["pages"].items():
        for period, pages in periods.items():
            for name, figures in pages.items():
                ok = "ok" if figures["slowest_ms"] <= PAGE_BUDGET_MS else "OVER"
                measured = f"{figures['slowest_ms']} ms (median {figures['median_ms']}), {figures['queries']} queries"
                table.append((f"dashboard page: {name}, {label}, {period}", measured, "≤ 300 ms", ok))
    return table
