"""Segment figures over 1,000,000 contacts, 10,000,000 purchase lines and 10,000,000 events (`segdata`).

The segment is the budget's three rules, one over purchases, one over events, one over the contact's fields: "no
purchase in the last 180 days, viewed a product in the last 30, subscribed to e-mail" (Mindbox's example).

- **preview count**: `segment_preview` as `POST /segments/preview` calls it (rules checked, the count, a sample of
  20), once to warm up (the builder asks again and again as the marketer edits), then three times; the budget's
  figure is the slowest of the three.
- **recompute from empty**: `segment_recompute_counts` on the segment with no members (its previous members,
  stays and `segment_entered` events deleted first, not timed): everyone matched enters, each with an event. The
  listeners of recorded events (the messaging dispatcher, inline without a broker) are held back meanwhile and run
  afterwards, timed as an info row: what triggers make of the events is not the recompute.
- **recompute again**: the same a minute later, nothing changed (the steady state of the scheduled job).
- **(info) one rule each**: the preview count of a one-leaf rule per field, at their common settings, for the
  rule builder's live count.
"""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.bench.stats import CpuMeter

RECOMPUTE_S = 30
PREVIEW_S = 2
SEGMENT_NAME = "Bench: lapsed viewers"
RULES = {
    "all": [
        {"field": "days_since_last_purchase", "op": "gte", "value": 180},
        {"field": "event", "op": "eq", "value": "product_viewed", "window_days": 30},
        {"field": "subscribed_email", "op": "eq", "value": True},
    ]
}


def single_rules(data: Any) -> list[tuple[str, dict[str, Any]]]:
    """One leaf per field, at the settings a marketer would start from."""
    hair = data.category_ids.get("Hair care")
    leaves = [
        {"field": "days_since_last_purchase", "op": "gte", "value": 180},
        {"field": "purchases_count", "op": "gte", "value": 3},
        {"field": "purchases_count", "op": "lt", "value": 2, "window_days": 90},
        {"field": "total_spent", "op": "gt", "value": 20000},
        {"field": "bought_category", "op": "eq", "value": hair, "window_days": 90},
        {"field": "bought_sku", "op": "eq", "value": data.skus[0], "window_days": 90},
        {"field": "store", "op": "eq", "value": data.store_ids[0], "window_days": 90},
        {"field": "points_balance", "op": "gte", "value": 1000},
        {"field": "points_expiring", "op": "gt", "value": 0, "days": 30},
        {"field": "tier", "op": "eq", "value": "Gold"},
        {"field": "gender", "op": "eq", "value": "female"},
        {"field": "age", "op": "lt", "value": 30},
        {"field": "birthday_in_days", "op": "lte", "value": 6},
        {"field": "city", "op": "in", "value": ["Moscow", "Kazan"]},
        {"field": "has_email", "op": "eq", "value": True},
        {"field": "subscribed_sms", "op": "eq", "value": True},
        {"field": "registered_days_ago", "op": "lt", "value": 30},
        {"field": "source", "op": "eq", "value": "site"},
        {"field": "event", "op": "eq", "value": "cart_abandoned", "window_days": 7},
        {"field": "opened_email", "op": "gte", "value": 2, "window_days": 90},
        {"field": "clicked_email", "op": "eq", "value": 0, "window_days": 90},
        {"field": "rfm", "op": "eq", "value": "champions"},
        {"field": "churn_risk", "op": "gt", "value": 0.7},
    ]
    return [(f"{leaf['field']} {leaf['op']} {leaf['value']}", {"all": [leaf]}) for leaf in leaves]


def _segment(program_id: int) -> Any:
    from campaigns.models import Segment
    from campaigns.services.segments import segment_save
    from loyalty.models import Program

    segment = Segment.objects.filter(program_id=program_id, name=SEGMENT_NAME).first()
    if segment is None:
        segment = segment_save(
            segment=Segment(),
            data={"name": SEGMENT_NAME, "program": Program.objects.get(pk=program_id), "rules": RULES},
        )
    return segment


def _empty(segment: Any) -> int:
    """The segment's stays and `segment_entered` events deleted (plain SQL: the bench's own rows), then VACUUM."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaigns_segmentmember WHERE segment_id = %s", [segment.pk])
        deleted = cursor.rowcount
        cursor.execute(
            "DELETE FROM contacts_contactevent WHERE type = 'segment_entered' AND (data ->> 'segment')::bigint = %s",
            [segment.pk],
        )
        cursor.execute("UPDATE campaigns_segment SET size = 0, recomputed_at = NULL WHERE id = %s", [segment.pk])
    _vacuum("campaigns_segmentmember", "contacts_contactevent")
    return deleted


def _vacuum(*tables: str) -> None:
    import psycopg

    from tests.bench.segdata import _dsn

    with psycopg.connect(_dsn(), autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM ANALYZE {table}")  # type: ignore[arg-type]


def _timed(work: Callable[[], Any]) -> tuple[float, Any, dict[str, Any]]:
    meter = CpuMeter()
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result, meter.read()


def run(data: Any, *, singles: bool, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from campaigns.segments.membership import segment_recompute_counts
    from campaigns.segments.selectors import segment_preview
    from common import events_bus
    from loyalty.models import Program

    program = Program.objects.get(pk=data.program_id)
    results: dict[str, Any] = {"contacts": data.contacts}
    with connection.cursor() as cursor:
        for table in ("loyalty_purchaseline", "contacts_contactevent", "loyalty_purchase"):
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            results[table] = cursor.fetchone()[0]

    progress("  preview count of the three-rule segment: once to warm up, then 3 times")
    seconds, found, _machine = _timed(lambda: segment_preview(program=program, rules=RULES))
    results["preview_warmup"] = round(seconds, 2)
    progress(f"    warm-up {seconds:.2f} s")
    previews = []
    for _ in range(3):
        seconds, found, machine = _timed(lambda: segment_preview(program=program, rules=RULES))
        previews.append({"seconds": round(seconds, 2), "count": found["count"], "machine": machine})
        progress(f"    {seconds:.2f} s: {found['count']:,} contacts")
    results["preview"] = previews

    segment = _segment(data.program_id)
    progress("  recompute from empty (the previous stays and events deleted first, not timed)")
    _empty(segment)
    now = timezone.now()
    # The listeners of recorded events (the messaging dispatcher) are held back while the recompute is timed, then
    # run and timed on their own: what they do with the events is not the recompute.
    listeners = list(events_bus._listeners)
    events_bus._listeners.clear()
    try:
        seconds, first, machine = _timed(lambda: segment_recompute_counts(segment=segment, now=now))
    finally:
        events_bus._listeners.extend(listeners)
    results["recompute_empty"] = {
        "seconds": round(seconds, 2),
        "size": first.size,
        "entered": first.entered,
        "left": first.left,
        "machine": machine,
    }
    progress(f"    {seconds:.2f} s: {first.entered:,} entered (and as many segment_entered events)")
    dispatched, _none, _machine = _timed(lambda: [listener() for listener in listeners])
    results["listeners_after"] = round(dispatched, 2)
    progress(f"    then the listeners of recorded events over them (the trigger dispatcher): {dispatched:.2f} s")
    later = now + timedelta(minutes=1)
    seconds, again, machine = _timed(lambda: segment_recompute_counts(segment=segment, now=later))
    results["recompute_again"] = {
        "seconds": round(seconds, 2),
        "size": again.size,
        "entered": again.entered,
        "left": again.left,
        "machine": machine,
    }
    progress(f"    again a minute later: {seconds:.2f} s ({again.entered} entered, {again.left} left)")

    if singles:
        progress("  one rule each: the preview count")
        rows = []
        for label, rules in single_rules(data):
            seconds, found, _machine = _timed(lambda rules=rules: segment_preview(program=program, rules=rules))
            rows.append({"rule": label, "seconds": round(seconds, 2), "count": found["count"]})
            progress(f"    {seconds:5.2f} s  {found['count']:>9,}  {label}")
        results["singles"] = rows
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    def ok(value: float, limit: float) -> str:
        return "ok" if value <= limit else "OVER"

    table: list[tuple[str, str, str, str]] = []
    scale = (
        f"{results['contacts']:,} contacts, {results['loyalty_purchaseline']:,} purchase lines,"
        f" {results['contacts_contactevent']:,} events"
    )
    table.append(("(info) data", scale, "1,000,000 / 10,000,000 / 10,000,000", ""))
    slowest = max(item["seconds"] for item in results["preview"])
    table.append(
        (
            "segment preview count, 3 rules (purchases, events, contact fields): slowest of 3",
            f"{slowest} s ({results['preview'][0]['count']:,} contacts; runs "
            + " / ".join(str(item["seconds"]) for item in results["preview"])
            + f" s; warm-up {results.get('preview_warmup')} s)",
            f"≤ {PREVIEW_S} s",
            ok(slowest, PREVIEW_S),
        )
    )
    empty = results["recompute_empty"]
    table.append(
        (
            "segment recompute, 3 rules, from empty (every member enters, with its event)",
            f"{empty['seconds']} s ({empty['entered']:,} entered)",
            f"≤ {RECOMPUTE_S} s",
            ok(empty["seconds"], RECOMPUTE_S),
        )
    )
    if "listeners_after" in results:
        table.append(
            (
                "(info) then the trigger dispatcher over the segment_entered events (not the recompute)",
                f"{results['listeners_after']} s",
                "—",
                "",
            )
        )
    again = results["recompute_again"]
    table.append(
        (
            "segment recompute again, nothing changed",
            f"{again['seconds']} s ({again['entered']} entered, {again['left']} left)",
            f"≤ {RECOMPUTE_S} s",
            ok(again["seconds"], RECOMPUTE_S),
        )
    )
    for item in results.get("singles", []):
        table.append((f"(info) preview count: {item['rule']}", f"{item['seconds']} s ({item['count']:,})", "—", ""))
    return table
