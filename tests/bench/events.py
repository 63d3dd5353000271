"""Event ingestion through gunicorn: `POST /api/v1/events` with batches of 500, by a register's key, on the segments
bench database (1,000,000 contacts with cards; `segdata`).

Each batch names its contacts as a web shop would: two in five by card, two by phone, one by contact id, spread over
the million; every event has an id of its own (no duplicates), a SKU and a time. Clients run closed loops (send a
batch, read the answer, send the next) in two processes; the figure is the events accepted per second in the
measured window (every answer must accept all 500). The events the run wrote are deleted afterwards (not timed),
so the segment figures keep their 10,000,000.
"""

import http.client
import json
import multiprocessing
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tests.bench.stats import CpuMeter, summary_ms

INGEST_PER_S = 5000
BATCH = 500
BODIES_PER_CLIENT = 8


@dataclass
class Target:
    """What `served.gunicorn` needs to know the server is up: a card of the register's program and its key."""

    cards: list[str]
    api_key: str


def _keys(data: Any, n: int) -> dict[str, Any]:
    from tests.bench.segdata import CARD_PREFIX, PHONE_PREFIX

    number = 1 + n % data.contacts
    kind = n % 5
    if kind < 2:
        return {"card": f"{CARD_PREFIX}{number:011d}"}
    if kind < 4:
        return {"phone": f"{PHONE_PREFIX}{number:07d}"}
    return {"contact_id": data.first_contact_id + number - 1}


def bodies(data: Any, client: int, run: str) -> list[str]:
    """Batch bodies for one client, `@@` in every id standing for the send's sequence number."""
    at = datetime.now(UTC).isoformat()
    made = []
    for body in range(BODIES_PER_CLIENT):
        events = []
        for i in range(BATCH):
            n = (client * 7919 + body * 104729 + i * 15485863) % (data.contacts * 7)
            events.append(
                {
                    "id": f"{run}-{client}-@@-{i}",
                    "type": "product_viewed",
                    "contact": _keys(data, n),
                    "sku": data.skus[n % len(data.skus)],
                    "at": at,
                    "data": {"page": "/catalog"},
                }
            )
        made.append(json.dumps({"events": events}))
    return made


def _client(port: int, api_key: str, templates: list[str], start: float, deadline: float, out: list[Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Api-Key {api_key}", "Content-Type": "application/json"}
    seq = 0
    time.sleep(max(0.0, start - time.monotonic()))
    while time.monotonic() < deadline:
        body = templates[seq % len(templates)].replace("@@", str(seq)).encode()
        seq += 1
        began = time.monotonic()
        try:
            conn.request("POST", "/api/v1/events", body, headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            status, payload = 0, repr(exc).encode()
        accepted = json.loads(payload).get("accepted", 0) if status == 202 else 0
        out.append((began, time.monotonic() - began, status, accepted, payload[:200] if status != 202 else b""))
    conn.close()


def _process(port: int, api_key: str, per_client: list[list[str]], start: float, deadline: float, queue: Any) -> None:
    outs: list[list[Any]] = [[] for _ in per_client]
    threads = [
        threading.Thread(target=_client, args=(port, api_key, templates, start, deadline, out))
        for templates, out in zip(per_client, outs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put([record for out in outs for record in out])


def load(port: int, api_key: str, all_bodies: list[list[str]], *, duration: float, warmup: float) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.monotonic() + 0.5
    measure_from = start + warmup
    deadline = measure_from + duration
    groups = [all_bodies[p::2] for p in range(2)]
    workers = [
        context.Process(target=_process, args=(port, api_key, group, start, deadline, queue), daemon=True)
        for group in groups
        if group
    ]
    for worker in workers:
        worker.start()
    meter = CpuMeter()
    records: list[Any] = []
    for _ in workers:
        records.extend(queue.get(timeout=deadline - time.monotonic() + 120))
    for worker in workers:
        worker.join(timeout=10)
    machine = meter.read()
    done = [record for record in records if measure_from <= record[0] + record[1] <= deadline]
    accepted = sum(record[3] for record in done)
    failed = [record for record in records if record[2] != 202 or record[3] != BATCH]
    return summary_ms([record[1] for record in done if record[2] == 202]) | {
        "events_per_s": round(accepted / duration),
        "batches": len(done),
        "failed": len(failed),
        "error_samples": [repr(record[4]) for record in failed[:3]],
        "machine": machine,
    }


def run(
    data: Any, *, workers: int, threads: int, clients: int, duration: float, warmup: float, progress: Any
) -> dict[str, Any]:
    from django.db import connection, connections

    from loyalty.models import Register
    from loyalty.services.registers import register_rotate_key
    from tests.bench import served
    from tests.bench.segdata import CARD_PREFIX

    register = Register.objects.get(pk=data.register_id)
    api_key = register_rotate_key(register=register)
    run_id = uuid.uuid4().hex[:8]
    all_bodies = [bodies(data, client, run_id) for client in range(clients)]
    connections.close_all()
    target = Target(cards=[f"{CARD_PREFIX}{1:011d}"], api_key=api_key)
    progress(f"  gunicorn -w {workers} --threads {threads}, {clients} clients, batches of {BATCH}, {duration:g} s")
    with served.gunicorn(workers, threads, target) as port:  # type: ignore[arg-type]
        result = load(port, api_key, all_bodies, duration=duration, warmup=warmup)
    result |= {"workers": workers, "threads": threads, "clients": clients}
    progress(
        f"    {result['events_per_s']:,} events/s ({result['batches']} batches, p50 {result['p50_ms']} ms,"
        f" p99 {result['p99_ms']} ms, {result['failed']} failed)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM contacts_contactevent WHERE origin = %s AND client_id LIKE %s",
            [f"register:{register.pk}", f"{run_id}-%"],
        )
        result["written"] = cursor.rowcount
    progress(f"    {result['written']:,} events written by the run, deleted")
    return result


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    failed = f", {result['failed']} batches failed" if result["failed"] else ""
    table = [
        (
            f"event ingestion via gunicorn -w {result['workers']} --threads {result['threads']},"
            f" {result['clients']} clients, batches of {BATCH}",
            f"{result['events_per_s']:,} events/s (p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms{failed})",
            f"≥ {INGEST_PER_S:,}/s",
            "ok" if result["events_per_s"] >= INGEST_PER_S and not result["failed"] else "UNDER",
        )
    ]
    machine = result.get("machine") or {}
    own = machine.get("own_cores")
    if own:
        table.append(
            (
                "(info) cores the bench got (gunicorn, PostgreSQL, the clients); rate ÷ those × 2",
                f"{own} of 2 (other work {machine.get('other_cores')}); ~{round(result['events_per_s'] / own * 2):,}/s",
                "—",
                "",
            )
        )
    return table
