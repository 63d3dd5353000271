"""Stopping registers that guess promo codes: the unknown codes a register sends are counted per clock minute, in
one row per register and minute (`AttemptCounter`) that every worker process shares through the database.

Before a request's codes are checked, those unknown to the register's brand are found (one indexed read) and added
to the count with one atomic upsert, which answers the count as it stood before; the request is refused (429
`too_many_attempts`) when that count had already reached the limit. Concurrent requests cannot all pass one look at
a count that none of them has moved yet: in a minute at most the limit plus one request's codes are checked. Codes
the brand has never count, however many receipts carry them at once: a request whose codes the brand all has only
reads the minute's count (no write, the till's usual case), and is counted only when refused. On PostgreSQL the
read of the codes, the upsert and the read of the count are one statement (CTEs); SQLite runs them one by one.

They run in autocommit, outside the receipt's transaction (the caller holds none), so the count and the audit
record stay whatever becomes of the receipt, and the counter's row is locked for one statement only.
"""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
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
RETURNING {codes}, {requests}, {refusals}
"""


def _column(name: str) -> str:
    field = cast("Field[Any, Any]", AttemptCounter._meta.get_field(name))
    return connection.ops.quote_name(field.column or name)


def _upsert_sql() -> str:
    """The counter's upsert (parameters: register, minute, unknown codes, a new row's refusal, the limit)."""
    columns = {name: _column(name) for name in ("register", "minute", "codes", "requests", "refusals")}
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    return _UPSERT.format(table=table, values="VALUES (%s, %s, %s, 1, %s)", **columns)


@cache
def _guard_sql(count: int) -> str:
    """PostgreSQL, one statement: the brand's known codes among `count` (`known`), the upsert only when some are
    unknown (`up`), and the minute's count as it stood (a CTE's write is not seen by the statement's reads).
    Parameters: the brand and the codes; register, minute, the number of codes, a new row's refusal, the number of
    codes again, the limit; register and minute. Answers: known, the upsert's totals (NULL without it), the count."""
    columns = {name: _column(name) for name in ("register", "minute", "codes", "requests", "refusals")}
    table = connection.ops.quote_name(AttemptCounter._meta.db_table)
    values = "SELECT %s, %s, %s - known.n, 1, %s FROM known WHERE %s - known.n > 0"
    upsert = _UPSERT.format(table=table, values=values, **columns)
    register, minute, codes = columns["register"], columns["minute"], columns["codes"]
    return (
        f"WITH known AS ({known_sql('postgresql', count)}), up AS ({upsert})"  # noqa: S608 (names from the models)
        f" SELECT known.n, up.{codes}, up.{columns['requests']}, up.{columns['refusals']},"
        f" (SELECT c.{codes} FROM {table} c WHERE c.{register} = %s AND c.{minute} = %s)"
        " FROM known LEFT JOIN up ON TRUE"
    )


Totals = tuple[int, int, int]


def _counted(
    cursor: CursorWrapper, brand_id: int, codes: list[str], register_id: int, minute: datetime, refused: int, limit: int
) -> tuple[int, Totals | None, int]:
    """The request's codes the brand does not have, counted in the register's minute when there are some: (their
    number, the counter's totals after the upsert or None without one, the minute's count as it stood)."""
    at = connection.ops.adapt_datetimefield_value(minute)
    if connection.vendor == "postgresql":
        params = [brand_id, *codes, register_id, at, len(codes), refused, len(codes), limit, register_id, at]
        cursor.execute(_guard_sql(len(codes)), params)
        known, codes_total, requests, refusals, count = cursor.fetchone()
        unknown = len(codes) - int(known)
        return unknown, (codes_total, requests, refusals) if unknown > 0 else None, int(count or 0)
    unknown = len(codes) - known_count(brand_id=brand_id, codes=codes)
    if unknown > 0:
        cursor.execute(_upsert_sql(), [register_id, at, unknown, refused, limit])
        return unknown, cursor.fetchone(), 0
    row = AttemptCounter.objects.filter(register_id=register_id, minute=minute).values_list("codes", flat=True).first()
    return 0, None, int(row or 0)


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
        unknown, written, count = _counted(cursor, brand_id, codes_wanted, register.pk, minute, refused, limit)
        if written is None:  # every code known: only a refusal is counted
            if count < limit:
                return
            cursor.execute(_upsert_sql(), [register.pk, at, 0, refused, limit])
            written = cursor.fetchone()
    total, requests, refusals = written
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
