"""Stopping registers that guess promo codes: the unknown codes a register sends are counted per clock minute, in
one row per register and minute (`AttemptCounter`) that every worker process shares through the database.

A request reserves its codes in the count before they are checked, with one atomic upsert, and is refused (429
`too_many_attempts`) when the count before its reservation had already reached the limit; once checked, the codes
that exist are given back, so only unknown codes count. Concurrent requests cannot all pass one look at a count that
none of them has moved yet: in a minute at most the limit plus one request's codes are checked.

Both statements run in autocommit, outside the receipt's transaction (the caller holds none), so the count and the
audit record stay whatever becomes of the receipt, and the counter's row is locked for one statement only.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import F, Field
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError
from promocodes.checkout import CodeCheck
from promocodes.choices import CheckStatus
from promocodes.codes import normalize
from promocodes.models import AttemptBlock, AttemptCounter


def attempts_limit() -> int:
    return int(getattr(settings, "PROMO_CODE_ATTEMPTS_PER_MINUTE", 20))


@dataclass
class Reservation:
    """The codes a request counted in its register's minute, and what the check found (`checked`)."""

    register_id: int | None = None
    minute: datetime | None = None
    codes: int = 0
    checks: list[CodeCheck] | None = field(default=None, repr=False)

    def checked(self, checks: Iterable[CodeCheck]) -> None:
        """Called by the checkout as soon as the codes are checked: the found ones are given back at release."""
        self.checks = list(checks)

    def unused(self) -> int:
        """Codes to give back: those found, or all of them when none was checked (the request failed before)."""
        if self.checks is None:
            return self.codes
        return min(self.codes, sum(1 for check in self.checks if check.status != CheckStatus.NOT_FOUND))


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


# One statement counts the codes, the request and (when the count had reached the limit) the refusal, and answers
# the totals: `codes` less this request's is the count it found, `requests == 1` means the row was just made.
_UPSERT = """
INSERT INTO {table} ({register}, {minute}, {codes}, {requests}, {refusals}) VALUES (%s, %s, %s, 1, %s)
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
    columns = {name: _column(name) for name in ("register", "minute", "codes", "requests", "refusals")}
    return _UPSERT.format(table=connection.ops.quote_name(AttemptCounter._meta.db_table), **columns)


def attempts_reserve(*, register: Any, codes: Sequence[str], now: datetime | None = None) -> Reservation:
    """Count the request's distinct codes in its register's minute before they are checked; 429
    `too_many_attempts` when the minute's count had already reached the limit (with one audit record a minute)."""
    wanted = {normalized for normalized in (normalize(code) for code in codes) if normalized}
    if not wanted or register.pk is None:
        return Reservation()
    now = now or timezone.now()
    minute, limit = _minute(now), attempts_limit()
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(),
            [
                register.pk,
                connection.ops.adapt_datetimefield_value(minute),
                len(wanted),
                int(limit <= 0),  # a new row's refusal: only when no unknown code at all is allowed
                limit,
            ],
        )
        total, requests, refusals = cursor.fetchone()
    if requests == 1:  # the register's first request this minute: its earlier minutes are done with
        AttemptCounter.objects.filter(register_id=register.pk, minute__lt=minute).delete()
    before = total - len(wanted)
    if before < limit:
        return Reservation(register_id=register.pk, minute=minute, codes=len(wanted))
    if refusals == 1:
        sent = [str(code)[:64] for code in codes]
        AttemptBlock.objects.create(register_id=register.pk, at=now, attempts=before, codes=sent)
    raise DomainError(
        _("Too many unknown promo codes from this register; wait a minute."),
        code="too_many_attempts",
        status_code=429,
    )


def attempts_release(reservation: Reservation) -> None:
    """Give back the reserved codes that were found (or never checked): only unknown codes stay counted."""
    unused = reservation.unused()
    if unused and reservation.register_id is not None:
        AttemptCounter.objects.filter(register_id=reservation.register_id, minute=reservation.minute).update(
            codes=F("codes") - unused
        )
