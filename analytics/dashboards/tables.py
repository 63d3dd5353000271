"""A dashboard's table declared once: its columns (key, label, kind) serve the page, the CSV and the XLSX."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analytics.exports import Table


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    kind: str = "text"  # text, int, money, share, percent, date, datetime, bool


@dataclass
class PageTable:
    """A table of a page: `name` (its export's name), `title`, `columns` and `rows` (dicts by column key)."""

    name: str
    title: Any
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def cells(self) -> list[list[tuple[Any, str]]]:
        """The rows as (value, kind) pairs in column order, for the template."""
        return [[(row.get(column.key), column.kind) for column in self.columns] for row in self.rows]

    def export(self) -> Table:
        return Table(name=self.name, columns=[column.key for column in self.columns], rows=self.rows)
