"""The ledger's days: per program, day (the project's time zone), kind, partner and owner, the points the entries
moved and how many there were (`LedgerDay`), written again for every program-day an entry touched. The ledger is
append-only, so an entry's day changes only by new entries (an expiry written later carries its lot's expiry time).

Which program-days are touched: PostgreSQL reads the entries' days in SQL (`AT TIME ZONE`), SQLite reads their
times and computes the days in Python; the summing is the same portable SQL on both.
"""

from datetime import date

from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper

from analytics.summaries.days import day_bounds, project_day
from analytics.summaries.fill import analyze, drop_temp, table, temp_table
from analytics.summaries.models import LedgerDay
from loyalty.choices import EntryKind
from loyalty.models import Account, LedgerEntry

ProgramDay = tuple[int, date]


def touched_program_days(low: int, high: int) -> set[ProgramDay]:
    """The program-days of the entries with ids in (low, high]."""
    if high <= low:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT a.program_id, (e.at AT TIME ZONE %s)::date FROM {table(LedgerEntry)} e"  # noqa: S608
                f" JOIN {table(Account)} a ON a.id = e.account_id WHERE e.id > %s AND e.id <= %s",
                [settings.TIME_ZONE, low, high],
            )
            return {(program, day) for program, day in cursor.fetchall()}
    rows = LedgerEntry.objects.filter(pk__gt=low, pk__lte=high).values_list("account__program_id", "at")
    return {(program, project_day(at)) for program, at in rows.iterator()}


def summarise_ledger_days(cursor: CursorWrapper, program_days: set[ProgramDay], *, entry_mark: int) -> None:
    """LedgerDay rows of the program-days, from their entries up to `entry_mark`."""
    temp_table(cursor, "an_ld", "program_id bigint, day date, start_at timestamptz, end_at timestamptz")
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for program, day in sorted(program_days):
        start, end = day_bounds(day, settings.TIME_ZONE)
        rows.append((program, day.isoformat(), adapt(start), adapt(end)))
    cursor.executemany("INSERT INTO an_ld VALUES (%s, %s, %s, %s)", rows)
    analyze(cursor, "an_ld")
    ledger_day, entry = table(LedgerDay), table(LedgerEntry)
    cursor.execute(
        f"DELETE FROM {ledger_day} WHERE ({ledger_day}.program_id, {ledger_day}.day) IN"  # noqa: S608
        " (SELECT program_id, day FROM an_ld)"
    )
    kinds = ", ".join(["%s"] * len(EntryKind.values))
    # Every kind named, so that the entries' (kind, at) index finds a day's entries of all programs.
    cursor.execute(
        f"INSERT INTO {ledger_day} (day, program_id, kind, partner_id, owner_id, points, entries)"  # noqa: S608
        " SELECT d.day, d.program_id, e.kind, e.partner_id,"
        " CASE WHEN e.lot_id IS NULL THEN e.partner_id ELSE l.partner_id END, SUM(e.points), COUNT(*)"
        f" FROM an_ld d JOIN {entry} e ON e.kind IN ({kinds}) AND e.at >= d.start_at AND e.at < d.end_at"
        f" JOIN {table(Account)} a ON a.id = e.account_id AND a.program_id = d.program_id"
        f" LEFT JOIN {entry} l ON l.id = e.lot_id WHERE e.id <= %s"
        " GROUP BY d.day, d.program_id, e.kind, e.partner_id,"
        " CASE WHEN e.lot_id IS NULL THEN e.partner_id ELSE l.partner_id END",
        [*EntryKind.values, entry_mark],
    )
    drop_temp(cursor, "an_ld")
