"""Keeping `SpendDay`, the money spent by day: every writer of a purchase or a refund calls `spend_add` in its
transaction; the bulk seeders write the purchases first and `spend_rebuild` the figure from them."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.db import connection, transaction

from loyalty.models import SpendDay
from loyalty.selectors.spend import derived_spend_days, spend_day


@cache
def _add_sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    table, spend = qn(SpendDay._meta.db_table), qn("spend")
    keys = ", ".join(qn(name) for name in ("contact_id", "program_id", "day"))
    return (
        f"INSERT INTO {table} ({keys}, {spend}) VALUES (%s, %s, %s, %s)"  # noqa: S608
        f" ON CONFLICT ({keys}) DO UPDATE SET {spend} = {table}.{spend} + EXCLUDED.{spend}"
    )


def spend_add(*, contact_id: int, program_id: int, at: datetime, amount: Decimal) -> None:
    """Count `amount` (negative for a refund) on the day of a purchase made at `at`: one upsert that adds in the
    database, so that two writers of the same day never lose each other's money."""
    if not amount:
        return
    day = connection.ops.adapt_datefield_value(spend_day(at))
    amount_value = connection.ops.adapt_decimalfield_value(amount)
    with connection.cursor() as cursor:
        cursor.execute(_add_sql(connection.vendor), [contact_id, program_id, day, amount_value])


_CHUNK = 5000  # contacts per statement: well under SQLite's limit of bound values


@transaction.atomic
def spend_rebuild(*, contact_ids: Iterable[int] | None = None) -> int:
    """Write the figure of `contact_ids` (every contact: None) from their purchases and refunds, replacing what was
    there. For the bulk seeders and for repairs; returns how many days were written."""
    if contact_ids is None:
        SpendDay.objects.all().delete()
        return _write(derived_spend_days())
    ids, written = sorted(set(contact_ids)), 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        SpendDay.objects.filter(contact_id__in=chunk).delete()
        written += _write(derived_spend_days(contact_ids=chunk))
    return written


def _write(days: dict[tuple[int, int, date], Decimal]) -> int:
    rows = [
        SpendDay(contact_id=contact_id, program_id=program_id, day=day, spend=spend)
        for (contact_id, program_id, day), spend in days.items()
        if spend
    ]
    SpendDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
