"""Plain rows into a model's table in one statement, for the hot paths that write many rows a request (a confirm's
receipt lines and campaign uses), without a model instance per row.

On PostgreSQL the rows go as one JSON parameter, `INSERT ... SELECT FROM jsonb_to_recordset(%s) AS r(column type,
...)`: the database parses the JSON and casts each value by the column's own type, where `bulk_create` prepares
every field of every instance and psycopg quotes every value (20 receipt lines of 13 columns: 3.1 ms with
`bulk_create`, 1.9 ms as quoted VALUES, 0.8 ms as JSON, measured on the bench database). Elsewhere, instances
through `bulk_create`, so the rows are the ORM's on both databases (`tests/common/test_rowsinsert.py` compares them).

The caller names the fields it writes; `auto_now` and `auto_now_add` timestamps are filled with the time of the
call, and a field not named gets what the ORM would give it (its constant default, `dict` or `list`; else "" for
text); a field whose default is made per row, or that would be NULL where it may not, must be named. Values may
be Decimals (written as their strings), times (ISO 8601 with their offset and every microsecond), dicts and lists
for JSON columns, and what JSON has. The rows get no ids back.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import DateField, DateTimeField, Field, Model
from django.utils import timezone

_NOW = object()  # a field filled with the time of the call


def _default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(f"{type(o).__name__} is not JSON")


def _encoded(records: list[dict[str, Any]]) -> str:
    """The rows as JSON by orjson: times in ISO 8601 with their offset and every microsecond (as `isoformat()`),
    Decimals as their strings; about 4× faster than the standard library's encoder with a `default` (a confirm's
    rows hold ~400 Decimals and times)."""
    return orjson.dumps(records, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), f"{name} is not a column of {model._meta.label}"
    return field


def _stamped(field: Field) -> bool:
    return isinstance(field, DateField | DateTimeField) and bool(field.auto_now or field.auto_now_add)  # type: ignore[attr-defined]


@cache
def _plan(
    model: type[Model], names: tuple[str, ...], vendor: str
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[Any, ...]]:
    """The statement, the columns of the fields named, the columns of the fields filled in and their values
    (`_NOW`: the time of the call)."""
    meta = model._meta
    given = [_field(model, name) for name in names]
    extra: list[Field] = []
    extra_values: list[Any] = []
    for field in meta.concrete_fields:
        if field.primary_key or field in given:
            continue
        if _stamped(field):
            value: Any = _NOW
        elif field.has_default() and callable(field.default) and field.default not in (dict, list):
            raise ValueError(f"{meta.label}.{field.name} must be given: its default is made per row")
        else:
            value = field.get_default()  # the ORM's: the default, else "" for text, else None
            if value is None and not field.null:
                raise ValueError(f"{meta.label}.{field.name} must be given: it has no default")
        extra.append(field)
        extra_values.append(value)
    fields = [*given, *extra]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    selected = ", ".join(f"r.{quote(str(field.column))}" for field in fields)
    typed = ", ".join(f"{quote(str(field.column))} {field.db_type(connection)}" for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {selected} "  # noqa: S608 (names from the model)
        f"FROM jsonb_to_recordset(%s::jsonb) AS r({typed})"
    )
    return (
        sql,
        tuple(str(field.column) for field in given),
        tuple(str(field.column) for field in extra),
        tuple(extra_values),
    )


def rows_insert(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (values in the order of `names`, the fields' attribute or field names) into `model`'s table in
    the caller's transaction; returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    sql, columns, extra_columns, extra_values = _plan(model, tuple(names), connection.vendor)  # checks the names
    if connection.vendor != "postgresql":
        attnames = [_field(model, name).attname for name in names]
        model._default_manager.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows])
        return len(rows)
    now = timezone.now()
    extra = dict(zip(extra_columns, (now if value is _NOW else value for value in extra_values), strict=True))
    records = [dict(zip(columns, row, strict=True)) | extra for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, [_encoded(records)])
    return len(rows)


def instances_insert(instances: Sequence[Model]) -> None:
    """`bulk_create` for new instances of one model whose values are final, in the caller's transaction: on
    PostgreSQL one statement as `rows_insert` writes it, `RETURNING` the ids, and each instance is given its id and
    the timestamps as stored (the ledger's entries, about 20 a receipt, whose ids its callers read); `bulk_create`
    elsewhere."""
    if not instances:
        return
    model = type(instances[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(instances)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key and not _stamped(field)]
    sql, columns, extra_columns, extra_values = _plan(model, tuple(field.name for field in fields), connection.vendor)
    now = timezone.now()
    extra = {column: now if value is _NOW else value for column, value in zip(extra_columns, extra_values, strict=True)}
    records = [
        {column: getattr(instance, field.attname) for column, field in zip(columns, fields, strict=True)} | extra
        for instance in instances
    ]
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {connection.ops.quote_name(str(pk.column))}", [_encoded(records)])
        ids = [row[0] for row in cursor.fetchall()]
    stamps = [field.attname for field in model._meta.concrete_fields if _stamped(field)]
    for instance, new_id in zip(instances, ids, strict=True):
        instance.pk = new_id
        for attname in stamps:
            setattr(instance, attname, now)
        instance._state.adding = False
        instance._state.db = connection.alias
