"""Recording contact events: one at a time (by the services of every app) or a batch (the events API)."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from common.events_bus import events_recorded
from common.rowsinsert import rows_insert
from contacts.events import ContactEvent

# Events the product records itself; anything else posted to the API is a custom type ([a-z0-9_.]{1,64}).
SYSTEM_EVENTS = (
    "purchase_confirmed",
    "purchase_refunded",
    "points_accrued",
    "points_expiring",
    "tier_changed",
    "segment_entered",
    "contact_registered",
    "lead_captured",
    "survey_completed",
    "survey_invited",
    "birthday",
    "email_opened",
    "email_clicked",
)


def event_record(
    *,
    contact_id: int,
    type: str,
    at: datetime,
    data: dict[str, Any] | None = None,
    sku: str = "",
    brand_id: int | None = None,
    origin: str = "system",
) -> ContactEvent:
    """Record one event in the caller's transaction; the dispatcher hears of it after the commit."""
    event = ContactEvent.objects.create(
        contact_id=contact_id, type=type, at=at, data=data or {}, sku=sku, brand_id=brand_id, origin=origin
    )
    events_recorded()
    return event


def events_record(events: Sequence[ContactEvent], *, heard: frozenset[str] | None = None) -> None:
    """Record several events made by a service at once (one insert), in the caller's transaction; the instances are
    not given their ids.

    `heard`: the types some listener hears at the events' brand, read in this transaction
    (`common.events_bus.heard_sql`); an event of another type is written as dispatched, and when none is heard the
    listeners are not kicked after the commit (the till's confirm: with no trigger on its events, the dispatcher's
    claim, its transaction and the broker's kick, 7 statements, are not made). None: every event waits for the
    dispatcher.

    Written as plain rows (`common.rowsinsert.rows_insert`: one JSON statement on PostgreSQL): `bulk_create`'s
    preparation of every field of every instance took 0.45 ms of the 0.6 ms that two events cost, and the checkout
    records its events on every confirm (`tests/bench/triggers.py`)."""
    if not events:
        return
    now = timezone.now()
    rows = [
        [
            *(getattr(event, name) for name in _RECORDED_FIELDS[:-1]),
            None if heard is None or event.type in heard else now,
        ]
        for event in events
    ]
    rows_insert(ContactEvent, _RECORDED_FIELDS, rows)
    if heard is None or any(event.type in heard for event in events):
        events_recorded()


_RECORDED_FIELDS = ("contact_id", "type", "at", "sku", "data", "brand_id", "origin", "client_id", "dispatched_at")


def events_record_select(
    *,
    select: tuple[str, Sequence[Any]],
    type: str,
    at: datetime,
    data: dict[str, Any] | None = None,
    brand_id: int | None = None,
    origin: str = "system",
) -> int:
    """Record one event for each contact id a SELECT returns (its first column), in one INSERT ... SELECT: for a
    service that finds its contacts in SQL (the ones who entered a segment) and may find a million. Returns how
    many were recorded."""
    sql, params = select
    table = ContactEvent._meta.db_table
    ops = connection.ops
    payload = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH chosen (contact_id) AS ({sql})"  # noqa: S608  (the SQL is the caller's compiled query)
            f" INSERT INTO {table} (contact_id, type, at, sku, data, brand_id, origin, client_id, created_at)"
            f" SELECT contact_id, %s, %s, '', {payload}, %s, %s, '', %s FROM chosen",
            [
                *params,
                type,
                ops.adapt_datetimefield_value(at),
                json.dumps(data or {}),
                brand_id,
                origin,
                ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        recorded = cursor.rowcount
    if recorded:
        events_recorded()
    return recorded


@dataclass(frozen=True)
class Ingested:
    accepted: int
    duplicates: int


@transaction.atomic
def events_ingest(*, origin: str, events: Iterable[ContactEvent]) -> Ingested:
    """A batch from a sender: each client id once (a repeat, in the batch or from before, is a duplicate)."""
    batch: dict[str, ContactEvent] = {}
    unnamed: list[ContactEvent] = []
    duplicates = 0
    for event in events:
        event.origin = origin
        if not event.client_id:
            unnamed.append(event)
        elif event.client_id in batch:
            duplicates += 1
        else:
            batch[event.client_id] = event
    # `client_id <> ''` spelled out: without it PostgreSQL cannot prove that the partial unique index (origin,
    # client_id) covers a list of 500 ids, and reads the whole table instead.
    seen = set(
        ContactEvent.objects.filter(origin=origin, client_id__in=list(batch))
        .exclude(client_id="")
        .values_list("client_id", flat=True)
    )
    new = [event for client_id, event in batch.items() if client_id not in seen] + unnamed
    ContactEvent.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        events_recorded()
    return Ingested(accepted=len(new), duplicates=duplicates + len(seen))


class EventRow(NamedTuple):
    """An event of a batch, before it is stored (`events_ingest_rows`)."""

    contact_id: int
    type: str
    at: datetime
    sku: str
    data: dict[str, Any]
    brand_id: int | None
    client_id: str


_INGEST_SQL = """
    INSERT INTO {table} (contact_id, type, at, sku, data, brand_id, origin, client_id, created_at)
    SELECT contact_id, type, at, sku, data::jsonb, brand_id, %s, client_id, %s
    FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::text[], %s::text[], %s::bigint[], %s::text[])
        AS batch (contact_id, type, at, sku, data, brand_id, client_id)
    ON CONFLICT (origin, client_id) WHERE client_id <> '' DO NOTHING
    RETURNING 1
"""


@transaction.atomic
def events_ingest_rows(*, origin: str, rows: Sequence[EventRow]) -> Ingested:
    """A batch from a sender as plain rows (the events API's): each client id once, like `events_ingest`.

    On PostgreSQL one statement, `INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING RETURNING`: no model
    instance per event, no separate look-up of the ids already stored, and what was taken is counted by the
    database, so two batches racing with the same ids are counted right too. Elsewhere, `events_ingest`.
    """
    if not rows:
        return Ingested(accepted=0, duplicates=0)
    if connection.vendor != "postgresql":
        return events_ingest(
            origin=origin,
            events=[ContactEvent(**row._asdict()) for row in rows],
        )
    columns = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            _INGEST_SQL.format(table=ContactEvent._meta.db_table),
            [
                origin,
                timezone.now(),
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                list(columns[3]),
                [json.dumps(data) for data in columns[4]],
                list(columns[5]),
                list(columns[6]),
            ],
        )
        accepted = len(cursor.fetchall())
    if accepted:
        events_recorded()
    return Ingested(accepted=accepted, duplicates=len(rows) - accepted)
