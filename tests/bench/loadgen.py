"""A closed-loop HTTP load generator: processes × threads, one keep-alive connection each (a new one when the server
closes it). Requests and answers through `rawhttp`, JSON by orjson (a confirm's answer is ~30 KB): the generator
shares the two cores with the server it measures, and spends as little of them as it can.

Every client sends a request, waits for the whole answer, and sends the next, until the deadline; requests that
start in the warm-up are run but left out of the figures. Bounded: at most `clients` connections, to loopback only,
for `warmup + duration` seconds (plus one in-flight request per client, itself bounded by a 30 s socket timeout).
"""

import multiprocessing
import os
import resource
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from tests.bench import rawhttp
from tests.bench.stats import CpuMeter, summary_ms

HOST = "127.0.0.1"
SOCKET_TIMEOUT = 30.0


@dataclass
class Scenario:
    """What each client sends. `kind`: calculate, confirm (fresh receipt number and key each time) or replay."""

    kind: str
    path: str
    api_key: str
    expect: int
    baskets: list[list[dict[str, str]]]
    cards: list[list[str]]  # per client: the cards it takes turns with
    redeem: str = "0"
    replays: list[tuple[bytes, str, Any]] = field(default_factory=list)  # per client: body, key, first answer
    promo_codes: list[list[str]] = field(default_factory=list)  # if any: the codes of each request, taking turns
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])


@dataclass
class ClientResult:
    records: list[tuple[float, float, int]] = field(default_factory=list)  # start, latency, status
    redeemed: Decimal = Decimal(0)
    accrued: Decimal = Decimal(0)
    ok: int = 0
    mismatches: int = 0
    errors: list[str] = field(default_factory=list)


def _body(scenario: Scenario, client: int, seq: int) -> tuple[bytes, dict[str, str]]:
    headers = {"Authorization": f"Api-Key {scenario.api_key}", "Content-Type": "application/json"}
    if scenario.kind == "replay":
        body, key, _answer = scenario.replays[client % len(scenario.replays)]
        headers["Idempotency-Key"] = key
        return body, headers
    cards = scenario.cards[client]
    payload: dict[str, Any] = {
        "customer": {"card": cards[seq % len(cards)]},
        "lines": scenario.baskets[(client * 7 + seq) % len(scenario.baskets)],
        "redeem_points": scenario.redeem,
    }
    if scenario.promo_codes:
        payload["promo_codes"] = scenario.promo_codes[(client * 7919 + seq) % len(scenario.promo_codes)]
    if scenario.kind == "confirm":
        reference = f"{scenario.run_id}-{client}-{seq}"
        payload["receipt_number"] = reference
        headers["Idempotency-Key"] = reference
    return orjson.dumps(payload), headers


def _client(scenario: Scenario, client: int, port: int, start_at: float, deadline: float, out: ClientResult) -> None:
    conn = rawhttp.Connection(HOST, port, SOCKET_TIMEOUT)
    seq = 0
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    while time.monotonic() < deadline:
        body, headers = _body(scenario, client, seq)
        seq += 1
        started = time.monotonic()
        try:
            status, payload = conn.request(scenario.path, body, headers)
        except (OSError, ValueError, rawhttp.HttpError) as exc:
            conn.close()
            status, payload = 0, repr(exc).encode()
        out.records.append((started, time.monotonic() - started, status))
        if status != scenario.expect:
            if len(out.errors) < 3:
                out.errors.append(f"HTTP {status}: {payload[:300]!r}")
            continue
        out.ok += 1
        if scenario.kind == "confirm":
            totals = orjson.loads(payload)["totals"]
            out.redeemed += Decimal(totals["redeemed_points"])
            out.accrued += Decimal(totals["points"])
        elif scenario.kind == "replay" and orjson.loads(payload) != scenario.replays[client % len(scenario.replays)][2]:
            out.mismatches += 1
    conn.close()


def _process(scenario: Scenario, clients: list[int], port: int, start_at: float, deadline: float, queue: Any) -> None:
    results = {client: ClientResult() for client in clients}
    threads = [
        threading.Thread(target=_client, args=(scenario, client, port, start_at, deadline, results[client]))
        for client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((list(results.values()), usage.ru_utime + usage.ru_stime))


def run(scenario: Scenario, *, port: int, clients: int, duration: float, warmup: float) -> dict[str, Any]:
    """Run the scenario with `clients` concurrent clients in up to two processes (the machine has two cores)."""
    processes = min(os.cpu_count() or 2, 2, clients)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start_at = time.monotonic() + 0.5
    measure_from = start_at + warmup
    deadline = measure_from + duration
    workers = [
        context.Process(
            target=_process,
            args=(scenario, list(range(p, clients, processes)), port, start_at, deadline, queue),
            daemon=True,
        )
        for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    meter = CpuMeter()
    collected: list[ClientResult] = []
    generator_cpu = 0.0
    for _ in workers:
        part, seconds = queue.get(timeout=deadline - time.monotonic() + SOCKET_TIMEOUT + 30)
        collected.extend(part)
        generator_cpu += seconds
    for worker in workers:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.terminate()
    machine = meter.read(extra_seconds=generator_cpu)
    machine["load_generator_cores"] = round(generator_cpu / (deadline - start_at), 2)
    records = [record for result in collected for record in result.records]
    measured = [
        latency for started, latency, status in records if started >= measure_from and status == scenario.expect
    ]
    completed = sum(
        1
        for started, latency, status in records
        if measure_from <= started + latency <= deadline and status == scenario.expect
    )
    middle = measure_from + duration / 2
    halves = [
        sum(1 for started, latency, status in records if low <= started + latency < high and status == scenario.expect)
        for low, high in ((measure_from, middle), (middle, deadline))
    ]
    errors = [error for result in collected for error in result.errors]
    return summary_ms(measured) | {
        "clients": clients,
        "seconds": duration,
        "per_s": round(completed / duration, 1),
        "per_s_halves": [round(count / (duration / 2), 1) for count in halves],
        "requests": len(records),
        "ok": sum(result.ok for result in collected),
        "failed": sum(1 for _s, _l, status in records if status != scenario.expect),
        "error_samples": errors[:3],
        "redeemed": sum((result.redeemed for result in collected), Decimal(0)),
        "accrued": sum((result.accrued for result in collected), Decimal(0)),
        "mismatches": sum(result.mismatches for result in collected),
        "machine": machine,
    }
