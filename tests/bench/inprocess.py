"""In-process figures: requests through the project's real WSGI application (`config.wsgi.application`).

Each request is a WSGI environ handed to the application, exactly as gunicorn hands it over: every middleware,
DRF's authentication, parsing, the view and the renderer run, and so do Django's request_started/finished
signals (the persistent connection's health check). Django's test client would skip those signals; the HTTP
parsing and socket work are left out here, and measured in `served`.
"""

import io
import json
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tests.bench.data import BenchData, baskets
from tests.bench.engine_index import narrow_campaigns
from tests.bench.stats import CpuMeter, summary_ms

CALCULATE = "/api/v1/pos/calculate"
PURCHASES = "/api/v1/pos/purchases"
REDEEM = "100.00"


class Wsgi:
    """Calls the WSGI application in process with a register's key."""

    def __init__(self, api_key: str) -> None:
        from config.wsgi import application

        self.app = application
        self.auth = f"Api-Key {api_key}"

    def post(self, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_AUTHORIZATION": self.auth,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        status: list[str] = []

        def start_response(line: str, _headers: list[tuple[str, str]], _exc_info: Any = None) -> Any:
            status.append(line)
            return lambda _data: None

        result = self.app(environ, start_response)
        try:
            payload = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return int(status[0].split()[0]), payload


def calculate_bodies(data: BenchData, count: int = 64) -> list[bytes]:
    """Calculate bodies: 20-line baskets, known cards (rotating), 100 points asked for redemption."""
    return [
        json.dumps(
            {"customer": {"card": data.cards[(i * 37) % len(data.cards)]}, "lines": lines, "redeem_points": REDEEM}
        ).encode()
        for i, lines in enumerate(baskets(data.skus, count=count))
    ]


def _expect(status: int, wanted: int, body: bytes, what: str) -> None:
    if status != wanted:
        raise SystemExit(f"{what}: expected HTTP {wanted}, got {status}: {body[:500]!r}")


def time_requests(
    call: Callable[[int], tuple[int, bytes]], n: int, wanted: int, what: str
) -> tuple[list[float], float]:
    """Wall-clock latencies of n calls, and this process's CPU milliseconds per call (PostgreSQL's not included)."""
    latencies = []
    cpu = time.process_time()
    for i in range(n):
        started = time.perf_counter()
        status, body = call(i)
        latencies.append(time.perf_counter() - started)
        _expect(status, wanted, body, what)
    return latencies, round((time.process_time() - cpu) / max(n, 1) * 1000, 2)


def query_count(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _engine_inputs(data: BenchData) -> list[list[tuple[str, Decimal, Decimal, bool, bool]]]:
    """The 64 calculate baskets as (sku, quantity, price, accrual_excluded, redemption_excluded), flags read once."""
    from loyalty.models import Product

    flags = {
        sku: (accrual, redemption)
        for sku, accrual, redemption in Product.objects.filter(brand_id=data.brand_id).values_list(
            "sku", "accrual_excluded", "redemption_excluded"
        )
    }
    return [
        [(line["sku"], Decimal(line["quantity"]), Decimal(line["price"]), *flags[line["sku"]]) for line in basket]
        for basket in baskets(data.skus, count=64)
    ]


def pricing_engine(data: BenchData, seconds: float = 2.0, *, indexed: bool = True) -> dict[str, Any]:
    """The pricing engine alone (no ORM), 20-line baskets per second on one core: the brand's active campaigns (the
    snapshot's rules, narrowed to those that can touch the basket by the snapshot's index as the till does; all of
    them with `indexed=False`) through `run_discounts`, the program's redemption and base accrual
    (`loyalty.pos.receipt`), then `run_points`, for known customers rotating over the three tiers (no promo
    codes)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from campaigns.engine import Customer, run_discounts, run_points
    from campaigns.snapshot import brand_snapshot
    from loyalty.models import Tier
    from loyalty.pos.receipt import (
        ProgramRules,
        ReceiptLine,
        apply_base_accrual,
        apply_redemption,
        price_lines,
        redeemable_max,
    )

    # The campaigns that need a promo code (`data.CODE_CAMPAIGNS`) would be skipped without one: left out, so the
    # figure stays the 50 campaigns' one.
    snapshot = brand_snapshot(data.brand_id)
    campaign_rules = [entry.rule for entry in snapshot.entries if not entry.rule.requires_code]
    tiers = list(
        Tier.objects.filter(program_id=data.program_id).order_by("min_spend").values_list("pk", "accrual_percent")
    )
    customers = [(Customer(identified=True, tier_id=pk, contact_id=1), percent) for pk, percent in tiers]
    local = datetime.now(ZoneInfo("Europe/Moscow"))
    weekday, local_time = local.isoweekday(), local.time().replace(tzinfo=None)
    rules = ProgramRules(point_value=Decimal("1.00"), max_redeem_percent=Decimal("50.00"))
    inputs = _engine_inputs(data)
    applied: list[int] = []
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for n, basket in enumerate(inputs):
            customer, accrual_percent = customers[n % len(customers)]
            lines = [
                ReceiptLine(
                    index=i,
                    sku=sku,
                    quantity=quantity,
                    price=price,
                    accrual_excluded=accrual_excluded,
                    redemption_excluded=redemption_excluded,
                )
                for i, (sku, quantity, price, accrual_excluded, redemption_excluded) in enumerate(basket)
            ]
            price_lines(lines)
            result = run_discounts(
                lines=lines,
                rules=snapshot.index.narrowed(campaign_rules, lines) if indexed else campaign_rules,
                customer=customer,
                store_id=data.store_id,
                weekday=weekday,
                local_time=local_time,
            )
            limit = redeemable_max(lines, rules, Decimal("5000.00"))
            apply_redemption(lines, rules, min(Decimal(REDEEM), limit))
            apply_base_accrual(lines, accrual_percent)
            run_points(result=result)
            if done == 0:
                applied.append(len(result.applied_ids))
        done += len(inputs)
    elapsed = time.perf_counter() - started
    return {
        "baskets_per_s": round(done / elapsed),
        "baskets": done,
        "campaigns": len(campaign_rules),
        "applied_per_basket": round(sum(applied) / max(len(applied), 1), 1),
    }


def program_rules_alone(data: BenchData, seconds: float = 1.0) -> dict[str, Any]:
    """The program's rules of `loyalty.pos.receipt` alone (no campaigns, no ORM): 20-line baskets per second."""
    from loyalty.pos.receipt import (
        ProgramRules,
        ReceiptLine,
        apply_base_accrual,
        apply_redemption,
        price_lines,
        redeemable_max,
    )

    rules = ProgramRules(point_value=Decimal("1.00"), max_redeem_percent=Decimal("50.00"))
    inputs = _engine_inputs(data)
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for basket in inputs:
            lines = [
                ReceiptLine(
                    index=i, sku=sku, quantity=quantity, price=price, accrual_excluded=ax, redemption_excluded=rx
                )
                for i, (sku, quantity, price, ax, rx) in enumerate(basket)
            ]
            price_lines(lines)
            limit = redeemable_max(lines, rules, Decimal("5000.00"))
            apply_redemption(lines, rules, min(Decimal(REDEEM), limit))
            apply_base_accrual(lines, Decimal("5.00"))
        done += len(inputs)
    elapsed = time.perf_counter() - started
    return {"baskets_per_s": round(done / elapsed), "baskets": done}


def applied_campaigns(wsgi: "Wsgi", bodies: list[bytes]) -> dict[str, Any]:
    """Distinct campaigns applied per calculate answer (discount or points on any line), over the bodies."""
    counts = []
    for body in bodies:
        status, answer = wsgi.post(CALCULATE, body)
        _expect(status, 200, answer, "calculate")
        lines = json.loads(answer)["lines"]
        counts.append(len({item["campaign_id"] for line in lines for item in line["applied"]}))
    return {"avg": round(sum(counts) / len(counts), 1), "min": min(counts), "max": max(counts)}


def replanned_statements() -> list[str]:
    """The statements this connection prepared that PostgreSQL still plans for their values on every run (it keeps
    the generic plan after five custom ones unless that looks dearer): each costs its planning on every request.
    The two that did (the balance's staleness test, the catalogue read) were rewritten; this shows a new one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE custom_plans > 5 AND generic_plans = 0")
        return [" ".join(statement.split())[:100] for (statement,) in cursor.fetchall()]


def run(data: BenchData, *, requests: int, confirms: int, warmup: int, progress: Callable[[str], None]) -> dict:
    wsgi = Wsgi(data.api_key)
    results: dict[str, Any] = {}
    run_id = uuid.uuid4().hex[:8]

    bodies = calculate_bodies(data)
    progress(f"  calculate: {warmup} warm-up + {requests} requests")
    time_requests(lambda i: wsgi.post(CALCULATE, bodies[i % len(bodies)]), warmup, 200, "calculate")
    meter = CpuMeter()
    latencies, cpu_ms = time_requests(
        lambda i: wsgi.post(CALCULATE, bodies[i % len(bodies)]), requests, 200, "calculate"
    )
    results["calculate"] = summary_ms(latencies) | {
        "machine": meter.read(),
        "python_cpu_ms": cpu_ms,
        "queries": query_count(lambda: wsgi.post(CALCULATE, bodies[0])),
        "requests_per_s_one_thread": round(len(latencies) / sum(latencies)),
    }
    results["applied_campaigns"] = applied_campaigns(wsgi, bodies)
    applied = results["applied_campaigns"]
    progress(
        f"  (info) campaigns applied per calculate basket: {applied['avg']} on average"
        f" ({applied['min']}–{applied['max']}) over {len(bodies)} baskets"
    )

    confirm_baskets = baskets(data.skus, count=64, seed=23)

    def confirm(i: int, tag: str, card: str | None = None) -> tuple[bytes, dict[str, str]]:
        body = {
            "customer": {"card": card or data.cards[(i * 7 + 3) % len(data.cards)]},
            "lines": confirm_baskets[i % len(confirm_baskets)],
            "redeem_points": REDEEM,
            "receipt_number": f"ip-{run_id}-{tag}-{i}",
        }
        return json.dumps(body).encode(), {"Idempotency-Key": f"ip-{run_id}-{tag}-{i}"}

    def post_confirm(i: int, tag: str) -> tuple[int, bytes]:
        body, headers = confirm(i, tag)
        return wsgi.post(PURCHASES, body, headers)

    progress(f"  confirm with redemption: {min(warmup, 50)} warm-up + {confirms} receipts on distinct accounts")
    time_requests(lambda i: post_confirm(i, "w"), min(warmup, 50), 201, "confirm")
    meter = CpuMeter()
    latencies, cpu_ms = time_requests(lambda i: post_confirm(i, "m"), confirms, 201, "confirm")
    results["confirm"] = summary_ms(latencies) | {
        "machine": meter.read(),
        "python_cpu_ms": cpu_ms,
        "queries": query_count(lambda: post_confirm(0, "q")),
        "receipts_per_s_one_thread": round(len(latencies) / sum(latencies)),
    }

    progress(f"  idempotent replay: {requests // 2} replays of one confirmed receipt")
    body, headers = confirm(0, "replay")
    status, first = wsgi.post(PURCHASES, body, headers)
    _expect(status, 201, first, "confirm before replay")
    expected = json.loads(first)

    def replay(_i: int) -> tuple[int, bytes]:
        return wsgi.post(PURCHASES, body, headers)

    time_requests(replay, warmup, 201, "replay")
    latencies, cpu_ms = time_requests(replay, requests // 2, 201, "replay")
    status, again = replay(0)
    if json.loads(again) != expected:
        raise SystemExit("replay: the replayed answer differs from the first answer")
    results["replay"] = summary_ms(latencies) | {
        "python_cpu_ms": cpu_ms,
        "queries": query_count(lambda: replay(0)),
    }

    results["replanned"] = replanned_statements()
    progress(f"  (info) prepared statements PostgreSQL planned again on every run: {results['replanned'] or 'none'}")

    progress("  pricing engine alone (campaign engine + loyalty.pos.receipt), 2 s; program rules alone, 1 s")
    results["pricing_engine"] = pricing_engine(data)
    results["program_rules"] = program_rules_alone(data)
    results["narrow_campaigns"] = narrow_campaigns()
    return results
