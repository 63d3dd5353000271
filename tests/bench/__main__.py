"""`python -m tests.bench [all|setup|inprocess|http|promocodes|profile|import|...] [options]`: the figures beside
DESIGN.md's budgets (POS, promo codes, and each stage's own).

`./dev bench` runs it with DATABASE_URL pointing at the bench database (default
postgres://postgres@127.0.0.1:5432/loyalty_bench). See tests/bench/README.md.
"""

import argparse
import contextlib
import json
import math
import os
import secrets
import sys
import time
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loyalty_bench"

# DESIGN.md, "Budgets".
CALC_P50_MS = 8
CALC_P99_MS = 25
CALC_HTTP_RPS = 300
CALC_HTTP_P99_MS = 100
ENGINE_PER_S = 1000
CONFIRM_DISTINCT_PER_S = 150
CONFIRM_SHARED_PER_S = 50
REPLAY_P99_MS = 5  # DESIGN.md's budget
PROMO_GENERATE_S = 8  # DESIGN.md's budget
PROMO_GENERATE_COUNT = 1_000_000  # generated into a pool already holding as many

HTTP_SCENARIOS = ("calculate_16", "calculate_32", "confirm_distinct", "confirm_shared", "replay", "replay_loaded")

NOT_YET = [
    ("an admin change list or dashboard page", "≤ 300 ms"),
]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=[
            "all",
            "setup",
            "inprocess",
            "http",
            "promocodes",
            "profile",
            "outbox",
            "segments",
            "events",
            "triggers",
            "licence",
            "metrics",
            "analytics",
            "import",
        ],
        help="all (default): fresh database, in-process, HTTP and promo-code figures, the table. setup: only build "
        "the database. inprocess, http, promocodes: one part (reusing a seeded database). profile: cProfile of "
        "in-process calculate.",
    )
    parser.add_argument("--contacts", type=int, default=2000, help="contacts with cards and points (2000)")
    parser.add_argument("--products", type=int, default=2000, help="products in the catalogue (2000)")
    parser.add_argument("--requests", type=int, default=2000, help="in-process calculate requests measured (2000)")
    parser.add_argument("--confirms", type=int, default=500, help="in-process confirms measured (500)")
    parser.add_argument("--warmup", type=int, default=200, help="in-process warm-up requests (200)")
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per HTTP scenario (10)")
    parser.add_argument("--http-warmup", type=float, default=2, help="seconds of warm-up per HTTP scenario (2)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent HTTP clients (32; calculate also at half)")
    parser.add_argument(
        "--configs",
        default="5x1,4x1,2x4,4x2,2x8",
        help="gunicorn workers x threads to try (5x1,4x1,2x4,4x2,2x8; one thread: the sync worker); the best runs"
        " the full scenarios",
    )
    parser.add_argument("--sweep-duration", type=float, default=5, help="seconds per scenario in the sweep (5)")
    parser.add_argument("--no-sweep", action="store_true", help="use the first of --configs, try no others")
    parser.add_argument(
        "--codes",
        type=int,
        default=PROMO_GENERATE_COUNT,
        help="promocodes: codes generated into the empty pool, then as many more, timed (1000000: the budget's)",
    )
    parser.add_argument(
        "--no-promo-http",
        action="store_true",
        help="promocodes: leave out calculate with codes through gunicorn (in-process figures only)",
    )
    parser.add_argument("--reuse-db", action="store_true", help="`all`: keep a seeded bench database")
    parser.add_argument(
        "--settings",
        default="production",
        choices=["production", "local"],
        help="config.settings.production (default) or config.settings.local with DEBUG off",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before measuring, wait up to this long for other work on the machine to stop (default 0: do not wait)",
    )
    parser.add_argument("--messages", type=int, default=20_000, help="outbox: messages sent (20000)")
    parser.add_argument(
        "--segment-contacts",
        type=int,
        default=1_000_000,
        help="segments, events: contacts seeded (1000000; ten purchase lines and ten events each)",
    )
    parser.add_argument("--no-singles", action="store_true", help="segments: leave out the one-rule preview counts")
    parser.add_argument(
        "--day-receipts", type=int, default=100_000, help="analytics: receipts of the day refreshed (100000)"
    )
    parser.add_argument("--events-config", default="3x2", help="events: gunicorn workers x threads (3x2)")
    parser.add_argument("--events-clients", type=int, default=6, help="events: concurrent clients (6)")
    parser.add_argument("--concurrency", type=int, default=2, help="outbox: worker processes (2, one per core)")
    parser.add_argument(
        "--control-percent",
        type=int,
        default=0,
        help="inprocess: the active campaigns hold out this share of their audience while measured (0)",
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="import: rows in the CSV imported through the admin (100000)"
    )
    parser.add_argument("--import-profile", action="store_true", help="import: cProfile of the confirmation")
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON on stdout")
    return parser.parse_args(argv)


def configure_environment(args: argparse.Namespace) -> str:
    """The environment the app (in process and under gunicorn) runs with; set before Django is imported."""
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"the bench needs PostgreSQL; DATABASE_URL is {url!r}")
    os.environ["DJANGO_SETTINGS_MODULE"] = f"config.settings.{args.settings}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(48))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    # 4xx answers would otherwise be logged one by one; errors still are, and the bench counts every failure.
    os.environ.setdefault("DJANGO_LOG_LEVEL", "ERROR")
    # WhiteNoise warns that STATIC_ROOT is absent (no collectstatic): expected, as in the test suite.
    warnings.filterwarnings("ignore", message="No directory at")
    os.environ.setdefault("PYTHONWARNINGS", "ignore:No directory at:UserWarning")
    # Celery stays eager (no broker) exactly as a deployment without CELERY_BROKER_URL.
    return url


def prepare(args: argparse.Namespace, url: str) -> dict[str, Any]:
    from tests.bench import data as bench_data

    fresh = args.command in {"all", "setup"} and not args.reuse_db
    if fresh or not bench_data.database_exists(url):
        progress(f"==> creating the database {bench_data.database_name(url)} (dropped if it existed)")
        bench_data.recreate_database(url)
    import django

    django.setup()
    started = time.perf_counter()
    bench_data.migrate()
    migrate_s = time.perf_counter() - started
    from loyalty.models import Program

    seconds: dict[str, float] = {"migrate": migrate_s}
    if not Program.objects.filter(name=bench_data.PROGRAM_NAME).exists():
        progress(f"==> migrated in {migrate_s:.1f} s; seeding")
        seconds |= bench_data.seed(contacts=args.contacts, products=args.products, progress=progress)
    else:
        progress("==> reusing the seeded bench database")
    return seconds


def machine_idle(wait: float) -> dict[str, float]:
    """Two-second samples of the machine until other work is below 0.3 cores or `wait` seconds have passed."""
    from tests.bench.stats import CpuMeter

    deadline = time.monotonic() + wait
    while True:
        meter = CpuMeter()
        time.sleep(2)
        reading = meter.read()
        other = reading.get("other_cores", 0.0)
        if other < 0.3 or time.monotonic() >= deadline:
            if other >= 0.3:
                progress(f"==> WARNING: other work on the machine uses {other} cores: the figures will suffer")
            return reading
        left = deadline - time.monotonic()
        progress(f"    other work on the machine uses {other} cores; waiting (up to {left:.0f} s)")


def parse_configs(text: str) -> list[tuple[int, int]]:
    configs = []
    for item in text.split(","):
        workers, _x, threads = item.strip().partition("x")
        configs.append((int(workers), int(threads)))
    return configs


def _ok(value: float, limit: float, *, at_least: bool) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    good = value >= limit if at_least else value <= limit
    return "ok" if good else "OVER" if not at_least else "UNDER"


def table(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    inproc = results.get("inprocess")
    if inproc:
        calc = inproc["calculate"]
        rows.append(
            (
                "calculate, 20 lines, 50 active campaigns, known card, in process: p50",
                f"{calc['p50_ms']} ms",
                f"≤ {CALC_P50_MS} ms",
                _ok(calc["p50_ms"], CALC_P50_MS, at_least=False),
            )
        )
        rows.append(
            (
                "calculate, in process: p99",
                f"{calc['p99_ms']} ms",
                f"≤ {CALC_P99_MS} ms",
                _ok(calc["p99_ms"], CALC_P99_MS, at_least=False),
            )
        )
        engine = inproc["pricing_engine"]
        rows.append(
            (
                f"pricing engine alone, {engine['campaigns']} campaigns + program rules, one core",
                f"{engine['baskets_per_s']:,} baskets/s",
                f"≥ {ENGINE_PER_S:,}/s",
                _ok(engine["baskets_per_s"], ENGINE_PER_S, at_least=True),
            )
        )
        applied = inproc["applied_campaigns"]
        rows.append(
            (
                "(info) campaigns applied per calculate basket",
                f"avg {applied['avg']} (min {applied['min']}, max {applied['max']})",
                "—",
                "",
            )
        )
        if "narrow_campaigns" in inproc:
            narrow = inproc["narrow_campaigns"]
            rows.append(
                (
                    f"(info) engine, {narrow['campaigns']} campaigns of 3 SKUs each: through the campaign index / all",
                    f"{narrow['indexed_per_s']:,} / {narrow['all_per_s']:,} baskets/s",
                    "—",
                    "",
                )
            )
        if "program_rules" in inproc:
            rows.append(
                (
                    "(info) program rules alone (no campaigns), one core",
                    f"{inproc['program_rules']['baskets_per_s']:,} baskets/s",
                    "—",
                    "",
                )
            )
    http = results.get("http")
    if http:
        cfg = f"gunicorn -w {http['workers']} --threads {http['threads']}"
        for key in ("calculate_16", "calculate_32"):
            calc = http[key]
            rows.append(
                (
                    f"calculate, 50 active campaigns, via {cfg}, {calc['clients']} clients: throughput",
                    f"{calc['per_s']} req/s",
                    f"≥ {CALC_HTTP_RPS}/s",
                    _ok(calc["per_s"], CALC_HTTP_RPS, at_least=True),
                )
            )
            rows.append(
                (
                    f"calculate via gunicorn, {calc['clients']} clients: p99",
                    f"{calc['p99_ms']} ms",
                    f"≤ {CALC_HTTP_P99_MS} ms",
                    _ok(calc["p99_ms"], CALC_HTTP_P99_MS, at_least=False),
                )
            )
        dist, shared = http["confirm_distinct"], http["confirm_shared"]
        rows.append(
            (
                f"confirm + redemption, {dist['clients']} clients, distinct accounts",
                f"{dist['per_s']} receipts/s (p99 {dist['p99_ms']} ms)",
                f"≥ {CONFIRM_DISTINCT_PER_S}/s",
                _ok(dist["per_s"], CONFIRM_DISTINCT_PER_S, at_least=True),
            )
        )
        rows.append(
            (
                f"confirm + redemption, {shared['clients']} clients, one account",
                f"{shared['per_s']} receipts/s (p99 {shared['p99_ms']} ms)",
                f"≥ {CONFIRM_SHARED_PER_S}/s",
                _ok(shared["per_s"], CONFIRM_SHARED_PER_S, at_least=True),
            )
        )
        exact = shared["balance_check"]["exact"] and dist["balance_check"]["exact"]
        check = http["ledger_check_exit"]
        rows.append(
            (
                "no double spend: balances exact; ledger_check",
                f"{'exact' if exact else 'MISMATCH'}; exit {check}",
                "exact; exit 0",
                "ok" if exact and check == 0 else "FAIL",
            )
        )
    if inproc:
        replay = inproc["replay"]
        rows.append(
            (
                "idempotent replay, in process: p99",
                f"{replay['p99_ms']} ms",
                f"≤ {REPLAY_P99_MS} ms",
                _ok(replay["p99_ms"], REPLAY_P99_MS, at_least=False),
            )
        )
    if http:
        replay = http["replay"]
        rows.append(
            (
                f"idempotent replay via gunicorn, {replay['clients']} client: p99",
                f"{replay['p99_ms']} ms ({replay['per_s']} req/s)",
                f"≤ {REPLAY_P99_MS} ms",
                _ok(replay["p99_ms"], REPLAY_P99_MS, at_least=False),
            )
        )
        loaded = http["replay_loaded"]
        rows.append(
            (
                f"(info) idempotent replay via gunicorn, {loaded['clients']} clients: p99",
                f"{loaded['p99_ms']} ms ({loaded['per_s']} req/s)",
                "—",
                "",
            )
        )
    if inproc:
        conf = inproc["confirm"]
        rows.append(
            (
                "(info) confirm + redemption, in process, one at a time",
                f"p50 {conf['p50_ms']} / p99 {conf['p99_ms']} ms",
                "—",
                "",
            )
        )
        rows.append(
            (
                "(info) Python CPU per request in process: calculate / confirm / replay",
                f"{inproc['calculate']['python_cpu_ms']} / {conf['python_cpu_ms']} / "
                f"{inproc['replay']['python_cpu_ms']} ms",
                "—",
                "",
            )
        )
        rows.append(
            (
                "(info) SQL queries per request: calculate / confirm / replay",
                f"{inproc['calculate']['queries']} / {conf['queries']} / {inproc['replay']['queries']}",
                "—",
                "",
            )
        )
    rows.extend(promo_rows(results.get("promocodes")))
    if results.get("command") == "all":
        rows.extend((work, "not built yet", budget, "—") for work, budget in NOT_YET)
    return rows


def promo_rows(promo: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    """The promo-code figures: generation and its check, calculate with three codes (in process, via gunicorn)."""
    if not promo:
        return []
    rows: list[tuple[str, str, str, str]] = []
    gen = promo["generation"]
    count, second, first, check = gen["count"], gen["second"], gen["first"], gen["check"]
    at_budget = count == PROMO_GENERATE_COUNT
    rows.append(
        (
            f"promo codes: {count:,} generated into a pool of {count:,} (codes_generate)",
            f"{second['seconds']} s ({second['codes_per_s']:,} codes/s)",
            f"≤ {PROMO_GENERATE_S} s" + ("" if at_budget else f" (for {PROMO_GENERATE_COUNT:,})"),
            _ok(second["seconds"], PROMO_GENERATE_S, at_least=False) if at_budget else "—",
        )
    )
    rows.append(
        (
            f"(info) promo codes: the first {count:,} into the empty pool",
            f"{first['seconds']} s ({first['codes_per_s']:,} codes/s)",
            "—",
            "",
        )
    )
    rows.append(
        (
            "promo codes: the pool's codes afterwards (rows, distinct, total_codes)",
            f"{check['rows']:,} / {check['distinct']:,} distinct / {check['pool_total_codes']:,}"
            + (f"; {check['malformed']} malformed" if check["malformed"] else ""),
            f"exactly {check['expected']:,}, all distinct",
            "ok" if check["exact"] else "FAIL",
        )
    )
    calc = promo["calculate"]
    codes, plain, answers = calc["codes"], calc["plain"], calc["check"]
    rows.append(
        (
            "calculate with 3 promo codes, 20 lines, 50 campaigns + 3 code ones, in process: p50",
            f"{codes['p50_ms']} ms",
            f"≤ {CALC_P50_MS} ms",
            _ok(codes["p50_ms"], CALC_P50_MS, at_least=False),
        )
    )
    rows.append(
        (
            "calculate with 3 promo codes, in process: p99",
            f"{codes['p99_ms']} ms",
            f"≤ {CALC_P99_MS} ms",
            _ok(codes["p99_ms"], CALC_P99_MS, at_least=False),
        )
    )
    rows.append(
        (
            "(info) the same requests without codes, timed interleaved: p50 / p99",
            f"{plain['p50_ms']} / {plain['p99_ms']} ms",
            "—",
            "",
        )
    )
    rows.append(
        (
            "(check) every code sent answered `applied`",
            f"{answers['code_statuses'].get('applied', 0)} of {answers['codes_sent']}"
            + ("" if answers["all_applied"] else f" ({answers['code_statuses']})"),
            f"{answers['codes_sent']} of {answers['codes_sent']}",
            "ok" if answers["all_applied"] else "FAIL",
        )
    )
    rows.append(
        (
            "(info) with / without codes: Python CPU per request; SQL queries",
            f"{codes['python_cpu_ms']} / {plain['python_cpu_ms']} ms; {codes['queries']} / {plain['queries']}",
            "—",
            "",
        )
    )
    http = promo.get("http")
    if http:
        coded, bare = http["codes"], http["plain"]
        cfg = f"gunicorn -w {http['workers']} --threads {http['threads']}"
        failed = f", {coded['failed']} failed" if coded["failed"] else ""
        rows.append(
            (
                f"calculate with 3 promo codes via {cfg}, {coded['clients']} clients: throughput",
                f"{coded['per_s']} req/s{failed}",
                f"≥ {CALC_HTTP_RPS}/s",
                _ok(coded["per_s"], CALC_HTTP_RPS, at_least=True),
            )
        )
        rows.append(
            (
                f"calculate with 3 promo codes via gunicorn, {coded['clients']} clients: p99",
                f"{coded['p99_ms']} ms",
                f"≤ {CALC_HTTP_P99_MS} ms",
                _ok(coded["p99_ms"], CALC_HTTP_P99_MS, at_least=False),
            )
        )
        rows.append(
            (
                "(info) the same gunicorn without codes, just before: throughput; p99",
                f"{bare['per_s']} req/s; {bare['p99_ms']} ms",
                "—",
                "",
            )
        )
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    headers = ("work", "measured", "budget (docs/budgets.md)", "ok?")
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(4)]
    line = "+".join("-" * (w + 2) for w in widths)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    print("|" + line + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")


def print_notes(results: dict[str, Any]) -> None:
    print()
    print("Notes:")
    print("- The brand has 50 active campaigns (all ten mechanics, no limits, no promo codes); limited campaigns would")
    print("  also lock their counters on confirm, a cost these figures leave out. Three more active campaigns apply")
    print("  only with a promo code: they count only in the promo-code rows.")
    before = results.get("machine_before") or {}
    print(
        f"- Load average before the run: {results.get('loadavg_before', '?')}; other work just before measuring:"
        f" {before.get('other_cores', '?')} cores. CPU during each stage, in cores of 2"
    )
    print("  (bench = this process, gunicorn, the load generator and PostgreSQL; other = anything else running):")
    inproc = results.get("inprocess") or {}
    http = results.get("http") or {}
    stages = [(f"in process {name}", inproc[name]) for name in ("calculate", "confirm") if name in inproc]
    stages += [(f"gunicorn {name}", http[name]) for name in HTTP_SCENARIOS if name in http]
    promo = results.get("promocodes") or {}
    if promo:
        stages += [
            ("promo codes: first generation", promo["generation"]["first"]),
            ("promo codes: generation into the full pool", promo["generation"]["second"]),
            ("in process calculate with / without codes, interleaved", promo["calculate"]),
        ]
        stages += [
            (f"gunicorn calculate {name} codes", promo["http"][key])
            for key, name in (("plain", "without"), ("codes", "with"))
            if "http" in promo
        ]
    for label, figures in stages:
        machine = figures.get("machine") or {}
        if machine:
            generator = machine.get("load_generator_cores")
            print(
                f"    {label}: busy {machine['busy_cores']}, bench {machine['own_cores']}"
                + (f" (of which load generator {generator})" if generator is not None else "")
                + f", other {machine['other_cores']}, steal {machine['steal_pct']} %"
            )
    if http:
        from tests.bench.served import worker_class

        config = f"-w {http['workers']} --threads {http['threads']} ({worker_class(http['threads'])})"
        if results.get("sweep"):
            print(f"- Through gunicorn: {config}, chosen from the sweep below: the closest to its budgets (the")
            print("  calculate's rate and p99 and the confirm's rate, each relative to its budget and capped at 1,")
            print("  summed; rates per core the bench got when other work shared the machine during the sweep).")
        else:
            print(f"- Through gunicorn: {config}, as given (no sweep).")
        print("- The machine has 2 cores, shared by gunicorn, PostgreSQL and the load generator (2 Python processes,")
        print("  closed loop, keep-alive connections on loopback; the sync worker closes each after its answer):")
        print("  served figures are a lower bound.")
        errors = [
            (name, http[name]["failed"], http[name]["error_samples"]) for name in HTTP_SCENARIOS if http[name]["failed"]
        ]
        for name, failed, samples in errors:
            print(f"- {name}: {failed} failed requests, e.g. {samples[:1]}")
        shared = http["confirm_shared"]
        print(
            f"- One account: receipts/s in the first and second half of the run {shared['per_s_halves']}; the account's"
            f" lots (every accrual is one) went from {shared['lots'][0]} to {shared['lots'][1]}."
        )
        print(f"- One-account check: {json.dumps(http['confirm_shared']['balance_check'])}")
        print(f"- Distinct-accounts check: {json.dumps(http['confirm_distinct']['balance_check'])}")
        mismatches = http["replay"]["mismatches"] + http["replay_loaded"]["mismatches"]
        if mismatches:
            print(f"- Replays whose answer differed from the first: {mismatches}")
        projected = []
        for name in ("calculate_16", "calculate_32", "confirm_distinct", "replay_loaded"):
            figures = http[name]
            own = (figures.get("machine") or {}).get("own_cores")
            if own:
                projected.append(f"{name} ~{figures['per_s'] / own * 2:.0f}/s")
        if projected:
            print(
                "- Rough projection to two cores free of other work (measured rate ÷ cores the bench used × 2; an"
                " estimate, not a measurement): " + ", ".join(projected) + "."
            )
    if promo:
        gen = promo["generation"]["second"]
        print(
            f"- Promo-code generation into the full pool: this process (drawing the codes, sending the COPY) used"
            f" {gen['python_cpu_s']} s of CPU of the {gen['seconds']} s; the rest is mostly PostgreSQL (COPY, INSERT"
            f" ... ON CONFLICT into the unique index, {gen['wal_mb']} MB of WAL, commits). Before each timing, not"
            " timed: VACUUM ANALYZE and CHECKPOINT."
        )
        http_promo = promo.get("http") or {}
        for name in ("plain", "codes"):
            figures = http_promo.get(name) or {}
            if figures.get("failed"):
                print(
                    f"- gunicorn calculate ({name}): {figures['failed']} failed requests,"
                    f" e.g. {figures['error_samples'][:1]}"
                )
    sweep = results.get("sweep")
    if sweep:
        print()
        print("gunicorn sweep (short runs):")
        print("| workers x threads | calculate req/s | calculate p99 | confirm receipts/s | confirm p99 | other cores")
        for row in sweep:
            calc, conf = row["calculate"], row["confirm"]
            other = [figures.get("machine", {}).get("other_cores", "?") for figures in (calc, conf)]
            print(
                f"| {row['workers']} x {row['threads']} | {calc['per_s']} ({calc['clients']} clients) | "
                f"{calc['p99_ms']} ms | {conf['per_s']} ({conf['clients']} clients) | {conf['p99_ms']} ms | "
                f"{other[0]} / {other[1]} |"
            )


def profile(args: argparse.Namespace) -> None:
    """cProfile over in-process calculate requests, and the SQL of one request with each query's time."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bench import data as bench_data
    from tests.bench.inprocess import CALCULATE, Wsgi, calculate_bodies

    data = bench_data.load()
    wsgi = Wsgi(data.api_key)
    bodies = calculate_bodies(data)
    for i in range(args.warmup):
        wsgi.post(CALCULATE, bodies[i % len(bodies)])
    n = min(args.requests, 1000)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(n):
        wsgi.post(CALCULATE, bodies[i % len(bodies)])
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{n} calculate requests under cProfile: {elapsed / n * 1000:.2f} ms each (profiler overhead included)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    with CaptureQueriesContext(connection) as captured:
        wsgi.post(CALCULATE, bodies[1])
    print(f"SQL of one calculate ({len(captured.captured_queries)} queries):")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:220]}")
    profile_confirm(data, wsgi, n=min(args.confirms, 300))


def profile_confirm(data: Any, wsgi: Any, *, n: int) -> None:
    """cProfile over in-process confirms with redemption, each on another account, and the SQL of one."""
    import cProfile
    import pstats
    import uuid

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.bench.data import baskets
    from tests.bench.inprocess import PURCHASES, REDEEM

    lines = baskets(data.skus, count=64, seed=23)
    run = uuid.uuid4().hex[:8]

    def post(i: int) -> None:
        key = f"prof-{run}-{i}"
        body = {
            "customer": {"card": data.cards[(i * 7 + 5) % len(data.cards)]},
            "lines": lines[i % len(lines)],
            "redeem_points": REDEEM,
            "receipt_number": key,
        }
        status, answer = wsgi.post(PURCHASES, json.dumps(body).encode(), {"Idempotency-Key": key})
        if status != 201:
            raise SystemExit(f"confirm: HTTP {status}: {answer[:300]!r}")

    for i in range(20):
        post(n + i)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(n):
        post(i)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{n} confirms under cProfile: {elapsed / n * 1000:.2f} ms each (profiler overhead included)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    with CaptureQueriesContext(connection) as captured:
        post(n + 20)
    print(f"SQL of one confirm ({len(captured.captured_queries)} queries):")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:220]}")


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = configure_environment(args)
    started = time.perf_counter()
    results: dict[str, Any] = {"command": args.command, "settings": os.environ["DJANGO_SETTINGS_MODULE"]}
    if args.command == "outbox":
        return outbox_main(args, url, results, started)
    if args.command in {"segments", "events", "licence", "metrics"}:
        return segments_main(args, url, results, started)
    if args.command == "analytics":
        return analytics_main(args, url, results, started)
    if args.command == "import":
        return import_main(args, url, results, started)
    results["setup_seconds"] = prepare(args, url)
    if args.command == "setup":
        return 0
    from tests.bench import data as bench_data

    data = bench_data.load()
    results["machine_before"] = machine_idle(args.wait_quiet)
    with contextlib.suppress(OSError):
        results["loadavg_before"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    if args.command == "profile":
        profile(args)
        return 0
    if args.command == "triggers":
        from tests.bench import triggers

        progress("==> what triggers cost a confirm (in process)")
        results["triggers"] = triggers.run(data, confirms=args.confirms, warmup=min(args.warmup, 50), progress=progress)
        print()
        print_table(triggers.rows(results["triggers"]))
        if args.json:
            print(json.dumps(to_jsonable(results), indent=2))
        return 0
    if args.command in {"all", "inprocess"}:
        from tests.bench import inprocess
        from tests.bench.control import control_groups

        progress("==> in process (the WSGI application called directly, full middleware and DRF stack)")
        with control_groups(data, args.control_percent):
            results["inprocess"] = inprocess.run(
                data, requests=args.requests, confirms=args.confirms, warmup=args.warmup, progress=progress
            )
    if args.command in {"all", "http"}:
        from tests.bench import served
        from tests.bench.data import analyze

        analyze(progress)
        configs = parse_configs(args.configs)
        workers, threads = configs[0]
        if len(configs) > 1 and not args.no_sweep:
            progress("==> gunicorn sweep")
            results["sweep"] = served.sweep(
                data,
                configs,
                duration=args.sweep_duration,
                warmup=min(args.http_warmup, 1.5),
                clients=args.clients,
                progress=progress,
            )
            chosen = served.best(results["sweep"], CALC_HTTP_RPS, CONFIRM_DISTINCT_PER_S, CALC_HTTP_P99_MS)
            workers, threads = chosen["workers"], chosen["threads"]
        progress(f"==> through gunicorn -w {workers} --threads {threads}")
        results["http"] = served.run(
            data,
            workers,
            threads,
            clients=args.clients,
            duration=args.duration,
            warmup=args.http_warmup,
            progress=progress,
        )
    if args.command in {"all", "promocodes"}:
        from tests.bench import promo

        http_config = None
        if not args.no_promo_http:
            http_config = parse_configs(args.configs)[0]
            if "http" in results:  # the configuration the HTTP stage chose
                http_config = (results["http"]["workers"], results["http"]["threads"])
        progress("==> promo codes: generation, calculate with three codes")
        results["promocodes"] = promo.run(
            data,
            count=args.codes,
            requests=args.requests,
            warmup=args.warmup,
            http=http_config,
            clients=max(1, args.clients // 2),
            duration=args.duration,
            http_warmup=args.http_warmup,
            progress=progress,
        )
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(table(results))
    print_notes(results)
    print(f"\n(total {results['total_seconds']} s; settings {results['settings']})")
    if args.json:
        print(json.dumps(to_jsonable(results), indent=2))
    failed = any(row[3] in {"FAIL"} for row in table(results))
    return 1 if failed else 0


def outbox_main(args: argparse.Namespace, url: str, results: dict[str, Any], started: float) -> int:
    """The outbox stage alone: its own data in the bench database (migrated, not seeded with the POS data)."""
    from tests.bench import data as bench_data
    from tests.bench import outbox

    if not bench_data.database_exists(url):
        bench_data.recreate_database(url)
    import django

    django.setup()
    bench_data.migrate()
    progress("==> the outbox: log gateway, Celery worker over Redis")
    results["outbox"] = outbox.run(messages=args.messages, concurrency=args.concurrency, progress=progress)
    rows = outbox.rows(results["outbox"])
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(rows)
    print(f"\n(total {results['total_seconds']} s; settings {results['settings']})")
    if args.json:
        print(json.dumps(to_jsonable(results), indent=2))
    return 1 if any(row[3] == "FAIL" for row in rows) else 0


def seeded_database(own: str, args: argparse.Namespace, results: dict[str, Any], *, events: bool) -> Any:
    """A database of its own (`own`), made, migrated and seeded once as the segments bench's (`segdata`: a million
    contacts, ten million purchase lines, and as many events unless `events` is off); its `SegmentsData`."""
    from tests.bench import data as bench_data
    from tests.bench import segdata

    os.environ["DATABASE_URL"] = own
    if not bench_data.database_exists(own):
        progress(f"==> creating the database {bench_data.database_name(own)}")
        bench_data.recreate_database(own)
    import django

    django.setup()
    bench_data.migrate()
    if not segdata.seeded():
        contacts = args.segment_contacts
        made = contacts * 10 if events else 0
        progress(f"==> seeding {contacts:,} contacts, {contacts * 10:,} purchase lines, {made:,} events")
        results["seed_seconds"] = segdata.seed(contacts=contacts, lines=contacts * 10, events=made, progress=progress)
    return segdata.load()


def segments_main(args: argparse.Namespace, url: str, results: dict[str, Any], started: float) -> int:
    """Segments and event ingestion: their own database (the bench database's name + `_segments`), seeded once with
    a million contacts, ten million purchase lines and ten million events (`segdata`), kept between runs."""
    from tests.bench import segdata

    own = segdata.segments_url(url)
    data = seeded_database(own, args, results, events=True)
    results["machine_before"] = machine_idle(args.wait_quiet)
    if args.command == "segments":
        from tests.bench import segments

        progress("==> segments: preview and recompute")
        results["segments"] = segments.run(data, singles=not args.no_singles, progress=progress)
        rows = segments.rows(results["segments"])
    elif args.command == "metrics":
        from tests.bench import metrics

        progress("==> metrics: RFM and ABC/XYZ")
        results["metrics"] = metrics.run(data, progress=progress)
        rows = metrics.rows(results["metrics"])
    elif args.command == "licence":
        from tests.bench import licence

        progress("==> licence use: counting active contacts")
        results["licence"] = licence.run(data, progress=progress)
        rows = licence.rows(results["licence"])
    else:
        from tests.bench import events

        workers, threads = parse_configs(args.events_config)[0]
        progress("==> event ingestion through gunicorn")
        results["events"] = events.run(
            data,
            workers=workers,
            threads=threads,
            clients=args.events_clients,
            duration=args.duration,
            warmup=args.http_warmup,
            progress=progress,
        )
        rows = events.rows(results["events"])
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(rows)
    machine = (
        (results.get("segments") or {}).get("recompute_empty", {}).get("machine")
        or (results.get("events") or {}).get("machine")
        or (results.get("licence") or {}).get("all", {}).get("machine")
        or (results.get("metrics") or {}).get("rfm_all", {}).get("machine")
    )
    if machine:
        print(
            f"\nCPU during the run, in cores of 2: busy {machine.get('busy_cores')}, bench {machine.get('own_cores')},"
            f" other {machine.get('other_cores')} (other work on the machine skews the figures)"
        )
    print(f"\n(total {results['total_seconds']} s; settings {results['settings']}; database {own.rsplit('/', 1)[-1]})")
    if args.json:
        print(json.dumps(to_jsonable(results), indent=2))
    return 1 if any(row[3] in {"FAIL", "OVER", "UNDER"} for row in rows) else 0


def import_main(args: argparse.Namespace, url: str, results: dict[str, Any], started: float) -> int:
    """The contact import through the admin: its own database (the bench database's name + `_import`), copied for
    every run from a template seeded once (`tests/bench/contact_import.py`)."""
    from tests.bench import contact_import

    results["setup_seconds"] = contact_import.prepare(url, progress=progress)
    results["machine_before"] = machine_idle(args.wait_quiet)
    results["import"] = contact_import.run(rows=args.import_rows, profile=args.import_profile, progress=progress)
    rows = contact_import.rows(results["import"])
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(rows)
    machine = results["import"]["confirm_machine"]
    print(
        f"\nCPU during the confirmation, in cores of 2: busy {machine.get('busy_cores')}, bench"
        f" {machine.get('own_cores')}, other {machine.get('other_cores')} (other work on the machine skews the figure)"
    )
    own = contact_import.import_url(url)
    print(f"\n(total {results['total_seconds']} s; settings {results['settings']}; database {own.rsplit('/', 1)[-1]})")
    if args.json:
        print(json.dumps(to_jsonable(results), indent=2))
    return 1 if any(row[3] in {"FAIL", "OVER"} for row in rows) else 0


def analytics_main(args: argparse.Namespace, url: str, results: dict[str, Any], started: float) -> int:
    """The analytics summaries and dashboards: their own database (the bench database's name + `_analytics`),
    seeded once as the segments bench's is (without events), kept between runs (`tests/bench/analytics.py`)."""
    from tests.bench import analytics

    own = analytics.analytics_url(url)
    data = seeded_database(own, args, results, events=False)
    results["machine_before"] = machine_idle(args.wait_quiet)
    progress("==> analytics: the summaries' refresh and the dashboards")
    results["analytics"] = analytics.run(data, day_receipts=args.day_receipts, progress=progress)
    rows = analytics.rows(results["analytics"])
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print_table(rows)
    machine = results["analytics"]["refresh"].get("machine") or {}
    print(
        f"\nCPU during the refresh, in cores of 2: busy {machine.get('busy_cores')}, bench {machine.get('own_cores')},"
        f" other {machine.get('other_cores')}"
    )
    print(f"\n(total {results['total_seconds']} s; settings {results['settings']}; database {own.rsplit('/', 1)[-1]})")
    if args.json:
        print(json.dumps(to_jsonable(results), indent=2))
    return 1 if any(row[3] in {"FAIL", "OVER"} for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
