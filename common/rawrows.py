"""Model instances from a hand-written join: for the hot paths where one statement must read what the ORM would
read in several (the till's identification), without the ORM's per-query compilation.

`Columns(model, alias)` gives the SELECT list of the model's concrete fields under a table alias and turns the
matching slice of a row back into an instance, through the same converters the ORM applies (the backend's and the
field's), so that the instance is what `Model.objects.get()` would give on PostgreSQL and SQLite alike.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

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
