"""Promo-code figures: generating a million codes into a pool that already holds a million, and calculate with
three promo codes on each receipt (in process and, unless told not to, through gunicorn).

Generation: `codes_generate(pool=..., count=...)` exactly as the admin or a background job calls it, in the bench's
own process on the bench database. The pool is the bench's generation pool (single-use, 8 random characters, no
prefix) of the "10 % off" code campaign (`data.CODE_CAMPAIGNS`). A previous run's codes are deleted first and the
table compacted (`VACUUM FULL`), so every run starts from the same state.

Calculate with codes: the in-process calculate requests (same baskets, cards, 50 campaigns and redemption), each
carrying three valid codes: one of each single-use pool's 5,000 codes (10 % off; 200 points) and the multi-use code
(300 off). All three are known, so the brute-force guard (unknown codes per register per minute) never counts them.
The same requests without codes are timed interleaved with them, so both see the same machine.
"""

import json
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any, LiteralString

import psycopg

from tests.bench.data import BenchData, CodeData, _django_dsn, load_codes
from tests.bench.inprocess import CALCULATE, Wsgi, _expect, calculate_bodies, query_count
from tests.bench.stats import CpuMeter, summary_ms

GENERATED = 1_000_000
GENERATION_POOL = "Bench generation pool"
GENERATION_LENGTH = 8
GENERATION_CAMPAIGN = "Bench code: 10 % off"
ALPHABET_RE = "^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{%d}$"


def _maintenance(*statements: LiteralString) -> None:
    """Statements that cannot run in a transaction (VACUUM, CHECKPOINT), on a connection of their own."""
    with psycopg.connect(_django_dsn(), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _generation_pool(data: BenchData, progress: Callable[[str], None]) -> Any:
    """The bench's generation pool, empty: made through `pool_save` the first time; a previous run's codes deleted
    (plain SQL: they are the bench's own rows) and the table and its indexes rebuilt by VACUUM FULL."""
    from django.db import connection

    from campaigns.models import Campaign
    from promocodes.choices import PoolKind
    from promocodes.models import PromoPool
    from promocodes.services.pools import pool_save

    pool = PromoPool.objects.filter(brand_id=data.brand_id, name=GENERATION_POOL).first()
    if pool is None:
        campaign = Campaign.objects.get(brand_id=data.brand_id, name=GENERATION_CAMPAIGN, requires_code=True)
        return pool_save(
            pool=PromoPool(
                name=GENERATION_POOL,
                brand_id=data.brand_id,
                campaign=campaign,
                kind=PoolKind.SINGLE_USE,
                length=GENERATION_LENGTH,
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM promocodes_promocode WHERE pool_id = %s", [pool.pk])
        (existing,) = cursor.fetchone()
        if existing or pool.total_codes:
            progress(f"  deleting the {existing:,} codes a previous run generated, then VACUUM FULL (not timed)")
            cursor.execute("DELETE FROM promocodes_promocode WHERE pool_id = %s", [pool.pk])
            cursor.execute("UPDATE promocodes_promopool SET total_codes = 0 WHERE id = %s", [pool.pk])
            _maintenance("VACUUM FULL ANALYZE promocodes_promocode")
    pool.refresh_from_db()
    return pool


def _timed_generation(pool: Any, count: int) -> dict[str, Any]:
    from django.db import connection

    from promocodes.services.generation import codes_generate

    # A settled table and no checkpoint pending from the earlier writes: each timing starts from the same state.
    _maintenance("VACUUM ANALYZE promocodes_promocode", "CHECKPOINT")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (wal_before,) = cursor.fetchone()
    meter = CpuMeter()
    cpu = time.process_time()
    started = time.perf_counter()
    total = codes_generate(pool=pool, count=count)
    seconds = time.perf_counter() - started
    python_cpu = time.process_time() - cpu
    machine = meter.read()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [wal_before])
        (wal_bytes,) = cursor.fetchone()
    return {
        "seconds": round(seconds, 2),
        "codes_per_s": round(count / seconds),
        "pool_total_after": total,
        "python_cpu_s": round(python_cpu, 2),
        "wal_mb": round(float(wal_bytes) / 2**20),  # the whole server's WAL in the meantime, mostly this
        "machine": machine,
    }


def generation(data: BenchData, *, count: int, progress: Callable[[str], None]) -> dict[str, Any]:
    """`count` codes into an empty pool (the first batch, timed on its own), then `count` more (the figure), then a
    check that the pool holds 2 × `count` distinct, well-formed codes."""
    from django.db import connection

    pool = _generation_pool(data, progress)
    progress(f"  codes_generate: the first {count:,} codes into the empty pool")
    first = _timed_generation(pool, count)
    progress(f"    {first['seconds']} s ({first['codes_per_s']:,} codes/s, {first['wal_mb']} MB of WAL)")
    progress(f"  codes_generate: {count:,} more into the pool of {count:,} (the budget's figure)")
    second = _timed_generation(pool, count)
    progress(f"    {second['seconds']} s ({second['codes_per_s']:,} codes/s, {second['wal_mb']} MB of WAL)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT code), count(*) FILTER (WHERE code !~ %s) "
            "FROM promocodes_promocode WHERE pool_id = %s",
            [ALPHABET_RE % GENERATION_LENGTH, pool.pk],
        )
        rows, distinct, malformed = cursor.fetchone()
    pool.refresh_from_db(fields=["total_codes"])
    expected = 2 * count
    check = {
        "expected": expected,
        "rows": rows,
        "distinct": distinct,
        "malformed": malformed,
        "pool_total_codes": pool.total_codes,
        "exact": rows == distinct == pool.total_codes == expected and malformed == 0,
    }
    progress(
        f"  the pool holds {rows:,} codes, {distinct:,} distinct, {malformed} malformed; total_codes"
        f" {pool.total_codes:,}: {'exact' if check['exact'] else 'MISMATCH'}"
    )
    return {"count": count, "pool_id": pool.pk, "first": first, "second": second, "check": check}


def code_lists(codes: CodeData, count: int) -> list[list[str]]:
    """`count` lists of three codes: a code of each single-use pool (taking turns) and the multi-use code."""
    first, second = codes.single
    return [[first[i % len(first)], second[(i * 7 + 3) % len(second)], codes.multi] for i in range(count)]


def _with_codes(plain: list[bytes], lists: list[list[str]]) -> list[bytes]:
    """Request i: the plain calculate body i (modulo their number) with the i-th list of codes."""
    bodies = []
    for i, codes in enumerate(lists):
        payload = json.loads(plain[i % len(plain)])
        payload["promo_codes"] = codes
        bodies.append(json.dumps(payload).encode())
    return bodies


def _timed_pairs(wsgi: Wsgi, plain: list[bytes], coded: list[bytes], n: int) -> dict[str, tuple[list[float], float]]:
    """n requests without codes and n with, interleaved (the order switching each time); latencies and this
    process's CPU milliseconds per request, for each."""
    latencies: dict[str, list[float]] = {"plain": [], "codes": []}
    cpu = {"plain": 0.0, "codes": 0.0}
    for i in range(n):
        pair = [("plain", plain[i % len(plain)]), ("codes", coded[i % len(coded)])]
        for name, body in pair if i % 2 == 0 else pair[::-1]:
            cpu_started = time.process_time()
            started = time.perf_counter()
            status, answer = wsgi.post(CALCULATE, body)
            latencies[name].append(time.perf_counter() - started)
            cpu[name] += time.process_time() - cpu_started
            _expect(status, 200, answer, f"calculate ({name})")
    return {name: (latencies[name], round(cpu[name] / max(n, 1) * 1000, 2)) for name in latencies}


def _answers_check(wsgi: Wsgi, plain: list[bytes], coded: list[bytes], codes: CodeData) -> dict[str, Any]:
    """Each basket with and without its codes: the codes' statuses, and the distinct campaigns applied (the code
    campaigns among them)."""
    statuses: Counter[str] = Counter()
    applied_plain, applied_codes, code_campaigns = [], [], []
    for body, body_codes in zip(plain, coded, strict=False):
        status, answer = wsgi.post(CALCULATE, body)
        _expect(status, 200, answer, "calculate")
        lines = json.loads(answer)["lines"]
        applied_plain.append(len({item["campaign_id"] for line in lines for item in line["applied"]}))
        status, answer = wsgi.post(CALCULATE, body_codes)
        _expect(status, 200, answer, "calculate with codes")
        parsed = json.loads(answer)
        statuses.update(entry["status"] for entry in parsed["promo_codes"])
        ids = {item["campaign_id"] for line in parsed["lines"] for item in line["applied"]}
        applied_codes.append(len(ids))
        code_campaigns.append(len(ids & set(codes.campaign_ids)))
    sent = 3 * len(applied_codes)
    return {
        "baskets": len(applied_codes),
        "codes_sent": sent,
        "code_statuses": dict(statuses),
        "all_applied": statuses.get("applied", 0) == sent,
        "campaigns_applied_without_codes": round(sum(applied_plain) / len(applied_plain), 1),
        "campaigns_applied_with_codes": round(sum(applied_codes) / len(applied_codes), 1),
        "code_campaigns_applied": round(sum(code_campaigns) / len(code_campaigns), 1),
    }


def calculate_inprocess(
    data: BenchData, codes: CodeData, *, requests: int, warmup: int, progress: Callable[[str], None]
) -> dict[str, Any]:
    wsgi = Wsgi(data.api_key)
    plain = calculate_bodies(data)
    coded = _with_codes(plain, code_lists(codes, max(requests, len(plain))))
    check = _answers_check(wsgi, plain, coded, codes)
    progress(
        f"  calculate with 3 codes: statuses {check['code_statuses']}; campaigns applied per basket"
        f" {check['campaigns_applied_with_codes']} (without codes {check['campaigns_applied_without_codes']})"
    )
    progress(
        f"  calculate, in process: {warmup} warm-up + {requests} requests with 3 codes,"
        " interleaved with as many without"
    )
    _timed_pairs(wsgi, plain, coded, warmup)
    meter = CpuMeter()
    timed = _timed_pairs(wsgi, plain, coded, requests)
    machine = meter.read()
    results: dict[str, Any] = {"check": check, "machine": machine}
    for name, body in (("plain", plain[0]), ("codes", coded[0])):
        latencies, cpu_ms = timed[name]
        results[name] = summary_ms(latencies) | {
            "python_cpu_ms": cpu_ms,
            "queries": query_count(partial(wsgi.post, CALCULATE, body)),
        }
    progress(
        f"    with codes p50 {results['codes']['p50_ms']} / p99 {results['codes']['p99_ms']} ms;"
        f" without p50 {results['plain']['p50_ms']} / p99 {results['plain']['p99_ms']} ms"
    )
    return results


def calculate_served(
    data: BenchData,
    codes: CodeData,
    workers: int,
    threads: int,
    *,
    clients: int,
    duration: float,
    warmup: float,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Through one gunicorn: calculate without codes, then with 3 codes, `clients` clients each."""
    from tests.bench import served

    lists = code_lists(codes, 4096)
    results: dict[str, Any] = {"workers": workers, "threads": threads}
    with served.gunicorn(workers, threads, data) as port:
        bench = served.Bench(data, port, warmup=warmup, progress=progress)
        progress(f"  gunicorn -w {workers} --threads {threads}: calculate, {clients} clients, {duration:g} s")
        results["plain"] = bench.calculate(clients, duration)
        progress(f"  the same with 3 promo codes on each request, {duration:g} s")
        results["codes"] = bench.calculate(clients, duration, promo_codes=lists)
    for name in ("plain", "codes"):
        figures = results[name]
        progress(f"    {name}: {figures['per_s']} req/s, p99 {figures['p99_ms']} ms, {figures['failed']} failed")
    return results


def run(
    data: BenchData,
    *,
    count: int,
    requests: int,
    warmup: int,
    http: tuple[int, int] | None,
    clients: int,
    duration: float,
    http_warmup: float,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    """Generation, in-process calculate with codes, and (`http` = workers, threads) the same through gunicorn."""
    results: dict[str, Any] = {}
    codes = load_codes(data.brand_id)
    results["generation"] = generation(data, count=count, progress=progress)
    results["calculate"] = calculate_inprocess(data, codes, requests=requests, warmup=warmup, progress=progress)
    if http is not None:
        workers, threads = http
        results["http"] = calculate_served(
            data,
            codes,
            workers,
            threads,
            clients=clients,
            duration=duration,
            warmup=http_warmup,
            progress=progress,
        )
    return results
