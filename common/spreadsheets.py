"""Files a spreadsheet program opens as they are: the one place where CSV is written and read for people.

Russian Excel reads a CSV as Windows-1251 unless it starts with a byte-order mark, and splits columns on `;` (the
comma is its decimal separator); files saved from it come back in Windows-1251 with `;`. So a CSV for people is
written as UTF-8 with a BOM, `;`-separated when the active language is Russian, times in the server's time zone
without seconds or offset; and a CSV from people is read in UTF-8 (with or without a BOM) or else Windows-1251,
with the delimiter sniffed among `,`, `;` and tab.
"""

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
DELIMITERS = ",;\t"
ENCODINGS = ("utf-8-sig", "cp1251")
SNIFF_SIZE = 64 * 1024  # enough lines to tell the delimiter; sniffing a whole file is slow


def csv_delimiter(language: str | None = None) -> str:
    """`;` for Russian (Excel's list separator there), `,` otherwise."""
    language = language or get_language() or ""
    return ";" if language.split("-")[0].lower() == "ru" else ","


def file_datetime(value: datetime) -> str:
    """A moment as a spreadsheet cell shows it: in the server's time zone (settings.TIME_ZONE), to the minute."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, timezone.get_default_timezone())
    return value.strftime(DATETIME_FORMAT)


def file_cell(value: Any) -> Any:
    """A value for a CSV cell: None as empty, moments by `file_datetime`, the rest as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return file_datetime(value)
    return value


def csv_line(values: Iterable[Any], delimiter: str | None = None) -> str:
    """One CSV line (for streamed files; the first line of a file gets `BOM` in front)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter or csv_delimiter()).writerow([file_cell(value) for value in values])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Iterable[Any]], delimiter: str | None = None) -> bytes:
    """A whole CSV file: UTF-8 with a BOM, the active language's delimiter."""
    delimiter = delimiter or csv_delimiter()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow([file_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def decode_text(content: bytes | str) -> str:
    """An uploaded text file: UTF-8 (a BOM dropped), else Windows-1251 (which decodes any bytes but five)."""
    if isinstance(content, str):
        return content.removeprefix(BOM)
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("cp1251", content, 0, len(content), "neither UTF-8 nor Windows-1251")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text among `,`, `;` and tab; a comma when the text does not tell (one column)."""
    sample = text[:SNIFF_SIZE]
    if len(text) > SNIFF_SIZE:
        sample = sample.rsplit("\n", 1)[0]  # whole lines only: a cut quoted field confuses the sniffer
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.split("\n", 1)[0]
        counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


def read_csv(content: bytes | str) -> tuple[str, str]:
    """(text, delimiter) of an uploaded CSV."""
    text = decode_text(content)
    return text, sniff_delimiter(text)
