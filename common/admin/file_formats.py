"""The file formats of every import and export in the admin: CSV as a spreadsheet program writes and reads it, and
XLSX (common.spreadsheets says why CSV needs care)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import tablib
from django.conf import settings
from import_export.formats.base_formats import CSV, XLSX

from common.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_bytes, file_datetime, read_csv


def csv_cell(value: Any) -> Any:
    """A native value (`force_native_type`) as a CSV cell: moments to the minute, yes/no as 1/0, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return file_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


class SpreadsheetCSV(CSV):
    """CSV in and out as bytes: written with a BOM and the language's delimiter, read in UTF-8 or Windows-1251
    with a sniffed delimiter. Bytes (`is_binary`) so that the upload reaches `create_dataset` undecoded."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def get_content_type(self) -> str:
        return CSV_CONTENT_TYPE

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        text, delimiter = read_csv(in_stream)
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        if getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is True:
            self._escape_formulae(dataset)
        rows = [[csv_cell(value) for value in row] for row in dataset]
        return csv_bytes([dataset.headers or [], *rows], delimiter=kwargs.get("delimiter"))


class SpreadsheetXLSX(XLSX):
    """XLSX as django-import-export writes it (native values: numbers, dates and times in the server's zone)."""

    def get_content_type(self) -> str:
        return XLSX_CONTENT_TYPE


SPREADSHEET_FORMATS: list[type[Any]] = [SpreadsheetCSV, SpreadsheetXLSX]
