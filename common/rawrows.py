"""Model instances from a hand-written join: for the hot paths where one statement must read what the ORM would
read in several (the till's identification), without the ORM's per-query compilation.

`Columns(model, alias)` gives the SELECT list of the model's concrete fields under a table alias and turns the
matching slice of a row back into an instance, through the same converters the ORM applies (the backend's and the
field's), so that the instance is what `Model.objects.get()` would give on PostgreSQL and SQLite alike.
`locked_instance` and `fields_update` are the ORM's locking read of one row and its `save(update_fields=...)`,
written so for the rows a confirm locks and updates; `locked_instances` locks rows of several tables in one read.
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model

Converter = Callable[[Any, Any, Any], Any]


class Columns:
    """A model's concrete columns as read by one alias of a hand-written query."""

    def __init__(self, model: type[Model], alias: str, *, only: tuple[str, ...] = ()) -> None:
        """`only`: the names of the fields to read (the primary key always), the others deferred as `.only()`
        defers them; every concrete field by default."""
        self.model = model
        fields = [field for field in model._meta.concrete_fields if not only or field.primary_key or field.name in only]
        quote = connection.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(str(field.column))}" for field in fields)
        self.attnames = [field.attname for field in fields]
        self.width = len(fields)
        pk = model._meta.pk
        assert pk is not None
        self.pk_position = self.attnames.index(pk.attname)
        self._converters: list[tuple[int, list[Converter], Any]] = []
        for position, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                self._converters.append((position, converters, column))

    def build(self, row: Sequence[Any], start: int) -> Model | None:
        """The instance in `row[start:start + width]`; None when an outer join found nothing (a null key)."""
        values = list(row[start : start + self.width])
        if values[self.pk_position] is None:
            return None
        for position, converters, column in self._converters:
            for converter in converters:
                values[position] = converter(values[position], column, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def _columns(model: type[Model], position: int, vendor: str) -> Columns:
    return Columns(model, f"t{position}")


def locked_instance[M: Model](model: type[M], pk: Any) -> M:
    """`model.objects.select_for_update().get(pk=pk)` as one hand-written statement (the row locked until the
    transaction ends where the database locks rows); `model.DoesNotExist` when there is no such row. For the rows
    a confirm locks (the account, the enrollment): the ORM's compilation of the query cost more than the query."""
    [instance] = locked_instances((model, pk))
    assert isinstance(instance, model)
    return instance


def locked_instances(*rows: tuple[type[Model], Any]) -> list[Model]:
    """Several `locked_instance` reads in one statement, each (model, pk) a row of its own table, locked in the
    order given; `DoesNotExist` of the first model whose row is missing. Each row is its own table's, so a waiting
    lock re-reads every one of them (PostgreSQL re-reads the locked rows, not what a join found through them)."""
    parts = [(_columns(model, position, connection.vendor), model, pk) for position, (model, pk) in enumerate(rows)]
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    tables = ", ".join(f"{quote(model._meta.db_table)} t{position}" for position, (_c, model, _pk) in enumerate(parts))
    where = " AND ".join(
        f"t{position}.{quote(str(model._meta.pk.column))} = %s"  # type: ignore[union-attr]
        for position, (_c, model, _pk) in enumerate(parts)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns.sql for columns, _m, _pk in parts)} FROM {tables} WHERE {where}{lock}",  # noqa: S608
            [pk for _c, _m, pk in parts],
        )
        row = cursor.fetchone()
    if row is None:  # of several, which one is missing: a read each (never on the paths that lock them)
        missing = (
            rows[0]
            if len(rows) == 1
            else next((r for r in rows if not r[0]._default_manager.filter(pk=r[1]).exists()), rows[0])
        )
        raise missing[0].DoesNotExist(f"No {missing[0]._meta.object_name} {missing[1]}")  # type: ignore[attr-defined]
    instances, start = [], 0
    for columns, _model, _pk in parts:
        instances.append(columns.build(row, start))
        start += columns.width
    return instances  # type: ignore[return-value]


@cache
def _update_sql(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple[Field, ...]]:
    meta, quote = model._meta, connection.ops.quote_name
    assert meta.pk is not None
    fields = tuple(field for name in names if isinstance(field := meta.get_field(name), Field))
    assert len(fields) == len(names), f"{names} are not all columns of {meta.label}"
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s", fields  # noqa: S608


def fields_update(instance: Model, names: Sequence[str]) -> None:
    """`instance.save(update_fields=names)` as one hand-written statement: each field prepared as the ORM prepares
    it (`pre_save`, which stamps an `auto_now` field, then `get_db_prep_save`); no signals (the models written so
    have none). For the rows a confirm updates (the account's cached balance, the enrollment's tier)."""
    sql, fields = _update_sql(type(instance), tuple(names), connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])


@cache
def _fields(model: type[Model]) -> tuple[tuple[tuple[str, Field], ...], frozenset[str]]:
    fields = tuple((field.attname, field) for field in model._meta.concrete_fields)
    return fields, frozenset(name for name, _field in fields)


def new_instance[M: Model](model: type[M], values: dict[str, Any]) -> M:
    """`model(**values)` for the hot paths that build many instances a request (a receipt's ledger entries): the
    values by attribute name (`partner_id`, not `partner`), the fields not given their defaults as the ORM gives them,
    the instance built through the positional path of `Model.__init__` (no keyword matching, no related-object
    descriptors): about 6 µs instead of 17 for a ledger entry."""
    fields, names = _fields(model)
    assert names.issuperset(values), f"not attributes of {model._meta.label}: {set(values) - names}"
    return model(*[values[name] if name in values else field.get_default() for name, field in fields])
