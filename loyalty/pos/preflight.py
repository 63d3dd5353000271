"""A confirm's first read, in its transaction: is the receipt already confirmed on the register, and which event
types do listeners hear at the brand (`common.events_bus.heard_sql`: the types of its active triggers). One
statement for both, since a confirm makes the first anyway and records its events at the end."""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from common.events_bus import heard_sql, heard_types
from loyalty.models import Purchase


@dataclass(frozen=True)
class Preflight:
    duplicate: bool
    heard: frozenset[str]


@cache
def _statement(vendor: str) -> tuple[str, int]:
    qn = connection.ops.quote_name
    heard, brand_params = heard_sql(vendor)
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM {qn(Purchase._meta.db_table)}"  # noqa: S608  (the model's table and columns)
        f" WHERE {qn('register_id')} = %s AND {qn('receipt_number')} = %s), {heard}"
    )
    return sql, brand_params


def preflight(*, register_id: int, receipt_number: str, brand_id: int) -> Preflight:
    sql, brand_params = _statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [register_id, receipt_number, *[brand_id] * brand_params])
        duplicate, heard = cursor.fetchone()
    return Preflight(duplicate=bool(duplicate), heard=heard_types(heard))
