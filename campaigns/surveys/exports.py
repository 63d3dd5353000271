"""The results as a table, for CSV and XLSX: a row per option or value with its count, a row for the NPS score, a row
per text answer. (No shared export helper exists in analytics yet; this one is small: the standard library's csv and
openpyxl's write-only workbook.)"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from campaigns.surveys.choices import QuestionKind
from campaigns.surveys.selectors import option_label

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell a spreadsheet would run as a formula (a customer's text answer "=HYPERLINK(...)") is kept as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def result_rows(results: dict[str, Any]) -> Iterator[list[Any]]:
    """The header, then per question its rows: (number, question, kind, answer, count)."""
    yield [_("question"), _("text"), _("kind"), _("answer"), _("count")]
    for question in results["questions"]:
        head = [question["index"] + 1, question["text"], question["kind"]]
        if question["kind"] == QuestionKind.TEXT:
            for text in question["answers"]:
                yield [*head, text, 1]
            continue
        for value, count in question["counts"].items():
            yield [*head, option_label(question, value), count]
        if question["kind"] == QuestionKind.NPS:
            yield [*head, _("NPS score"), question["score"]]
        if question["kind"] == QuestionKind.RATING:
            yield [*head, _("average"), question["average"]]


def results_csv(results: dict[str, Any], delimiter: str = ",") -> bytes:
    """The admin gives the active language's delimiter (`;` for Russian Excel); the API's files use commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in result_rows(results):
        writer.writerow(["" if value is None else _safe(value) for value in row])
    # With a byte-order mark: spreadsheet programs then read the Cyrillic right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def results_xlsx(results: dict[str, Any]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Results")[:31])
    for row in result_rows(results):
        sheet.append([_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_name(results: dict[str, Any], extension: str) -> str:
    return f"survey-{results['survey']}-results.{extension}"
