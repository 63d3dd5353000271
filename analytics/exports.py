"""Every analytics table as a file: the same columns and rows as the JSON answer, as CSV or XLSX.

One `Table` (a name, the column keys, the rows as dicts) is written by `table_csv` or `table_xlsx`; the API serves
it through `CSVRenderer` and `XLSXRenderer` (so that DRF's `?format=csv|xlsx` negotiates them), the admin through
`file_response`. The headers are the JSON keys, so a file and an answer read the same way.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from rest_framework.renderers import BaseRenderer, JSONRenderer

from common.spreadsheets import csv_delimiter

FORMATS = ("csv", "xlsx")
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    """A table to write: `name` (the file's name, without extension), `columns` (keys of the rows, in order)."""

    name: str
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any]]


def _cell(value: Any) -> Any:
    """A value as a spreadsheet holds it: lists joined, None empty, Decimals kept exact (as text in CSV)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(_cell(item)) for item in value)
    if isinstance(value, bool | int | float | Decimal | str):
        return value
    return str(value)


def table_csv(table: Table, delimiter: str = ",") -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Cyrillic right; the API's files use commas,
    the admin's the active language's delimiter (common.spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row.get(column)) for column in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.name[:31] or "table")
    sheet.append(list(table.columns))
    for row in table.rows:
        values = []
        for column in table.columns:
            value = _cell(row.get(column))
            values.append(float(value) if isinstance(value, Decimal) else value)
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _disposition(table: Table, extension: str) -> str:
    return f'attachment; filename="{table.name}.{extension}"'


def file_response(table: Table, fmt: str) -> HttpResponse:
    """The table as a download (`fmt`: csv or xlsx), for the admin's pages."""
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table, delimiter=csv_delimiter()), content_type=f"{CSV_TYPE}; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = _disposition(table, fmt)
    return response


class _TableRenderer(BaseRenderer):
    """Renders a `Table` (what an analytics view answers for `?format=`); anything else (an error body) as JSON."""

    extension = ""

    def write(self, table: Table) -> bytes:
        raise NotImplementedError

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if not isinstance(data, Table):
            return JSONRenderer().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Disposition"] = _disposition(data, self.extension)
        return self.write(data)


class CSVRenderer(_TableRenderer):
    media_type = CSV_TYPE
    format = "csv"
    charset = "utf-8"
    extension = "csv"

    def write(self, table: Table) -> bytes:
        return table_csv(table)


class XLSXRenderer(_TableRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"
    extension = "xlsx"

    def write(self, table: Table) -> bytes:
        return table_xlsx(table)
