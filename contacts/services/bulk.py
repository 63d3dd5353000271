"""Rows written in bulk, for the writes of a file import (100,000 contacts, each with its audit row, event and
subscription changes): on PostgreSQL one COPY per table, elsewhere `bulk_create`.

Django's preparation of every value of every row (and, for plain rows, a model instance per row) costs more than
the database's own work for such a batch; COPY takes the rows as tuples of values (django-import-export's authors
point PostgreSQL users the same way for large imports). `rows_insert` takes plain rows and reads no id back;
`instances_insert` takes model instances and gives them their ids, drawn from the table's sequence beforehand.
"""

import functools
import json
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from psycopg import sql
from psycopg.types.json import Jsonb

INSERT_BATCH_SIZE = 2000  # rows per INSERT off PostgreSQL (SQLite: Django caps it at its own limit)


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (tuples of values, in the order of `columns`: attribute names such as `contact_id`) into
    `model`'s table in the caller's transaction. JSON columns take Python values (dicts, lists)."""
    fields = [model._meta.get_field(column) for column in columns]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=INSERT_BATCH_SIZE
        )
        return
    json_at = {index: _json_dumps(field) for index, field in enumerate(fields) if isinstance(field, models.JSONField)}
    names: list[sql.Composable] = [sql.Identifier(str(getattr(field, "column", ""))) for field in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(names)
    )
    started, count = time.monotonic(), 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for index, dumps in json_at.items():
                        row[index] = Jsonb(row[index], dumps=dumps)
                copy.write_row(row)
                count += 1
        if connection.queries_logged:  # as Django logs its own queries (tests, the debug toolbar)
            connection.queries_log.append(
                {
                    "sql": f"{statement.as_string(cursor.cursor)} -- {count} rows",
                    "time": f"{time.monotonic() - started:.3f}",
                }
            )


def _json_dumps(field: models.JSONField) -> Callable[[Any], str] | None:
    """The field's own encoder, as Django's insert would use it."""
    return functools.partial(json.dumps, cls=field.encoder) if field.encoder is not None else None


def instances_insert(model: type[models.Model], instances: Sequence[models.Model]) -> None:
    """Insert new instances of `model` as `bulk_create` does (defaults, `auto_now` moments, the ids set on them),
    in the caller's transaction; on PostgreSQL the ids are drawn from the table's sequence first, then one COPY.

    The values go as the instances hold them: for models of the stock field types (a field that stores something
    other than its Python value, a custom `get_db_prep_value`, is not for this path)."""
    fields = model._meta.concrete_fields
    computed = any(field.generated or field.db_default is not NOT_PROVIDED for field in fields)
    if connection.vendor != "postgresql" or computed:  # values the database computes: Django's insert knows them
        model._default_manager.bulk_create(instances, batch_size=INSERT_BATCH_SIZE)
        return
    if not instances:
        return
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(instances)],
        )
        for instance, (pk_value,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk_value
    rows_insert(
        model,
        [field.attname for field in fields],
        ([field.pre_save(instance, True) for field in fields] for instance in instances),
    )
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias
