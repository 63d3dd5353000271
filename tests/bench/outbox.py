"""The outbox to the log gateway with real Celery workers over Redis (`python -m tests.bench outbox`).

Budget (DESIGN.md): ≥ 500 messages/s. The bench makes its own brand, an SMS trigger and `--messages` subscribed
contacts in the bench database (nothing of the POS data is needed), then, with a Celery worker
(`--concurrency` prefork processes, default 2: one per core) on a queue of its own over Redis:

- **relay**: `--messages` queued messages (dispatched here beforehand, not timed) sent by `messaging.relay` tasks
  (one per worker process) until none is due: messages/s from the first task sent to the last message marked sent.
- **(info) events to sent**: as many events recorded at once, then `messaging.dispatch_and_relay` tasks: the
  dispatcher turns them into messages and the relay sends them.
- **(check)** every message sent, one log-gateway delivery per message (by its idempotency key).

Redis: `BENCH_REDIS_URL` (default redis://127.0.0.1:6379/14). The worker runs with the bench's settings and
database; PostgreSQL, the worker and this process share the machine's two cores.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
OUTBOX_PER_S = 500
BRAND = "Outbox bench brand"


def _seed(messages: int) -> Any:
    from django.db import transaction

    from campaigns.messaging.models import Trigger
    from campaigns.messaging.services.triggers import trigger_save
    from contacts.models import Contact
    from loyalty.models import Brand, Enrollment, Program

    with transaction.atomic():
        brand = Brand.objects.filter(name=BRAND).first()
        if brand is None:
            program = Program.objects.create(name="Outbox bench program")
            brand = Brand.objects.create(name=BRAND, program=program)
        trigger = Trigger.objects.filter(brand=brand).first() or trigger_save(
            trigger=Trigger(),
            data={
                "name": "Bench thanks",
                "brand": brand,
                "event": "bench_purchase",
                "channel": "sms",
                "template": "Thank you, {{ contact.first_name }}! Your receipt {{ purchase.receipt_number }}.",
            },
        )
        have = Contact.objects.filter(enrollments__program=brand.program).count()
        if have < messages:
            made = Contact.objects.bulk_create(
                [
                    Contact(phone=f"+7995{n:07d}", first_name=f"Bench{n}", subscribed_sms=True, source="import")
                    for n in range(have, messages)
                ],
                batch_size=1000,
            )
            enrollments = [Enrollment(contact=contact, program=brand.program) for contact in made]
            Enrollment.objects.bulk_create(enrollments, batch_size=1000)
    contact_ids = list(
        Contact.objects.filter(enrollments__program=brand.program).order_by("pk").values_list("pk", flat=True)
    )[:messages]
    return brand, trigger, contact_ids


def _clear(trigger: Any) -> None:
    from campaigns.messaging.models import Delivery, Message
    from contacts.models import ContactEvent

    Delivery.objects.filter(message__trigger=trigger).delete()
    Message.objects.filter(trigger=trigger).delete()
    ContactEvent.objects.filter(type="bench_purchase").delete()


def _events(brand: Any, contact_ids: list[int]) -> None:
    from django.utils import timezone

    from contacts.models import ContactEvent

    now = timezone.now()
    ContactEvent.objects.bulk_create(
        [
            ContactEvent(
                contact_id=contact_id,
                type="bench_purchase",
                at=now,
                brand_id=brand.pk,
                data={"purchase": {"receipt_number": f"B-{index}"}},
            )
            for index, contact_id in enumerate(contact_ids)
        ],
        batch_size=2000,
    )


def _worker(queue: str, concurrency: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CELERY_BROKER_URL": REDIS_URL}
    env.pop("CELERY_RESULT_BACKEND", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--prefetch-multiplier=1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_sent(trigger: Any, expected: int, timeout: float) -> float:
    """Seconds until `expected` messages of the trigger are sent (polling every 20 ms)."""
    from campaigns.messaging.models import Message

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if Message.objects.filter(trigger=trigger, status="sent").count() >= expected:
            return time.perf_counter() - started
        time.sleep(0.02)
    raise SystemExit(f"the outbox did not send {expected} messages within {timeout} s")


def _check(trigger: Any, expected: int) -> dict[str, Any]:
    from django.db.models import Count

    from campaigns.messaging.models import Delivery, Message

    messages = Message.objects.filter(trigger=trigger)
    deliveries = Delivery.objects.filter(message__trigger=trigger)
    repeated = deliveries.values("message_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    sent = messages.filter(status="sent").count()
    return {
        "messages": messages.count(),
        "sent": sent,
        "deliveries": deliveries.count(),
        "repeated": repeated,
        "exact": sent == expected == deliveries.count() and repeated == 0,
    }


def run(*, messages: int, concurrency: int, progress: Any = print) -> dict[str, Any]:
    import redis
    from celery import Celery

    from campaigns.messaging.dispatcher import dispatch_pending

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"the outbox bench needs Redis at {REDIS_URL} (BENCH_REDIS_URL): {exc}") from exc
    brand, trigger, contact_ids = _seed(messages)
    queue = f"outbox-bench-{os.getpid()}"
    client = Celery("outbox-bench", broker=REDIS_URL, set_as_current=False)
    worker = _worker(queue, concurrency)
    results: dict[str, Any] = {"messages": len(contact_ids), "concurrency": concurrency}
    try:
        # warm the worker up (imports, connections) on a handful
        _clear(trigger)
        _events(brand, contact_ids[:50])
        dispatch_pending()
        for _ in range(concurrency):
            client.send_task("messaging.relay", queue=queue)
        _wait_sent(trigger, 50, timeout=120)

        progress(f"    relay: {len(contact_ids)} queued messages, {concurrency} worker processes")
        _clear(trigger)
        _events(brand, contact_ids)
        started = time.perf_counter()
        dispatch_pending()
        dispatch_s = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(concurrency):
            client.send_task("messaging.relay", queue=queue)
        relay_s = _wait_sent(trigger, len(contact_ids), timeout=600)
        results["relay"] = {"seconds": round(relay_s, 2), "per_s": round(len(contact_ids) / relay_s)}
        results["dispatch_in_process"] = {
            "seconds": round(dispatch_s, 2),
            "per_s": round(len(contact_ids) / dispatch_s),
        }
        results["relay_check"] = _check(trigger, len(contact_ids))

        progress("    events to sent: dispatch and relay in the worker")
        _clear(trigger)
        _events(brand, contact_ids)
        started = time.perf_counter()
        for _ in range(concurrency):
            client.send_task("messaging.dispatch_and_relay", queue=queue)
        both_s = _wait_sent(trigger, len(contact_ids), timeout=600)
        results["end_to_end"] = {"seconds": round(both_s, 2), "per_s": round(len(contact_ids) / both_s)}
        results["end_to_end_check"] = _check(trigger, len(contact_ids))
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.close()
    return results


def rows(outbox: dict[str, Any] | None) -> list[tuple[str, str, str, str]]:
    if not outbox:
        return []
    relay, both = outbox["relay"], outbox["end_to_end"]
    checks = (outbox["relay_check"], outbox["end_to_end_check"])
    ok = "ok" if relay["per_s"] >= OUTBOX_PER_S else "UNDER"
    return [
        (
            f"outbox to the log gateway, {outbox['messages']:,} messages, Celery worker over Redis "
            f"({outbox['concurrency']} processes)",
            f"{relay['per_s']:,} messages/s ({relay['seconds']} s)",
            f"≥ {OUTBOX_PER_S}/s",
            ok,
        ),
        (
            "(info) events to sent messages in the worker (dispatch + relay)",
            f"{both['per_s']:,} messages/s ({both['seconds']} s)",
            "—",
            "",
        ),
        (
            "(info) dispatch in process (events to queued messages)",
            f"{outbox['dispatch_in_process']['per_s']:,} messages/s",
            "—",
            "",
        ),
        (
            "(check) every message sent once: sent / deliveries / repeated",
            "; ".join(f"{c['sent']:,} / {c['deliveries']:,} / {c['repeated']}" for c in checks),
            "all, once",
            "ok" if all(c["exact"] for c in checks) else "FAIL",
        ),
    ]
