"""Stopping registers that guess promo codes: the unknown codes a register sends are counted per clock minute, in
one row per register and minute (`AttemptCounter`) that every worker process shares through the database.

Before a request's codes are checked, those unknown to the register's brand are found (one indexed read) and added
to the count with one atomic upsert, which answers the count as it stood before; the request is refused (429
`too_many_attempts`) when that count had already reached the limit. Concurrent requests cannot all pass one look at
a count that none of them has moved yet: in a minute at most the limit plus one request's codes are checked. Codes
the brand has never count, however many receipts carry them at once. On PostgreSQL the read and the upsert are one
statement (the read as a CTE); SQLite runs them one after the other.

They run in autocommit, outside the receipt's transaction (the caller holds none), so the count and the audit
record stay whatever becomes of the receipt, and the counter's row is locked for one statement only.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from promocodes.codes import normalize
from promocodes.lookup import known_count, known_sql
from promocodes.models import AttemptBlock, AttemptCounter


def attempts_limit() -> int:
    return int(getattr(settings, "PROMO_CODE_ATTEMPTS_PER_MINUTE", 20))


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


# One statement counts the codes, the request and (when the count had reached the limit) the refusal, and answers
# the totals: `codes` less this request's is the count it found, `requests == 1` means the row was just made.
_UPSERT = """
INSERT INTO {table} ({register}, {minute}, {codes}, {requests}, {refusals}) {values}
ON CONFLICT ({register}, {minute}) DO UPDATE SET
    {codes} = {table}.{codes} + excluded.{codes},
    {requests} = {table}.{requests} + 1,
    {refusals} = {table}.{refusals} + CASE WHEN {table}.{codes} >= %s THEN 1 ELSE 0 END
RETURNING {codes}, {requests}, {refusals}{known}
"""


def _column(name: str) -> str:
    field = cast("Field[Any, Any]", AttemptCounter._meta.get_field(name))
    return connection.ops.quote_name(field.column or name)


@cache
def _upsert_sql(vendor: str, count: int) -> str:
    """The upsert of the counter; on PostgreSQL with the brand's known codes among `count` read in it (`known`, a
    CTE whose count it answers last; its parameters the brand and the codes, then the upsert's with the number of
    codes for its `codes`)."""
    columns = {name: _column(name) for name in ("register", "minute", "codes", "requests", "refusals")}
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    if vendor != "postgresql":
        return _UPSERT.format(table=table, values="VALUES (%s, %s, %s, 1, %s)", known="", **columns)
    values = "SELECT %s, %s, %s - known.n, 1, %s FROM known"
    upsert = _UPSERT.format(table=table, values=values, known=", (SELECT n FROM known)", **columns)
    return f"WITH known AS ({known_sql(vendor, count)}) {upsert}"


def attempts_guard(*, register: Any, codes: Sequence[str], now: datetime | None = None) -> None:
    """Count the request's codes that the register's brand does not have in its register's minute, before any is
    checked; 429 `too_many_attempts` when the minute's count had already reached the limit (with one audit record a
    minute)."""
    wanted = {normalized for normalized in (normalize(code) for code in codes) if normalized}
    if not wanted or register.pk is None:
        return
    brand_id, codes_wanted = register.store.brand_id, sorted(wanted)
    now = now or timezone.now()
    minute, limit = _minute(now), attempts_limit()
    at = connection.ops.adapt_datetimefield_value(minute)
    refused = int(limit <= 0)  # a new row's refusal: only when no unknown code at all is allowed
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                _upsert_sql(connection.vendor, len(codes_wanted)),
                [brand_id, *codes_wanted, register.pk, at, len(codes_wanted), refused, limit],
            )
            total, requests, refusals, known = cursor.fetchone()
            unknown = len(codes_wanted) - int(known)
        else:
            unknown = len(codes_wanted) - known_count(brand_id=brand_id, codes=codes_wanted)
            cursor.execute(_upsert_sql(connection.vendor, 0), [register.pk, at, unknown, refused, limit])
            total, requests, refusals = cursor.fetchone()
    if requests == 1:  # the register's first request this minute: its earlier minutes are done with
        AttemptCounter.objects.filter(register_id=register.pk, minute__lt=minute).delete()
    before = total - unknown
    if before < limit:
        return
    if refusals == 1:
        sent = [str(code)[:64] for code in codes]
        AttemptBlock.objects.create(register_id=register.pk, at=now, attempts=before, codes=sent)
    raise DomainError(
        _("Too many unknown promo codes from this register; wait a minute."),
        code="too_many_attempts",
        status_code=429,
    )
