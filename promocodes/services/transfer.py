"""Import of externally printed codes (CSV) into a single-use pool, and export of a pool's codes (CSV or XLSX).

Import reports every bad row (malformed, repeated in the file, already in the system: codes are unique across all
pools) and imports the good ones.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.spreadsheets import BOM, file_datetime, sniff_delimiter
from promocodes.choices import PoolKind
from promocodes.codes import normalize, well_formed
from promocodes.models import PromoCode, PromoPool
from promocodes.selectors import code_uses, last_use, pool_expired
from promocodes.services.generation import codes_insert

CHUNK = 5_000
MAX_ROWS = 1_000_000
MAX_REPORTED = 1_000  # error rows listed in the answer (all are counted)


def _rows(text: str) -> Iterator[tuple[int, str]]:
    """(row number, code) from a CSV with the code in the `code` column, or in the first one without a header; the
    delimiter is sniffed (Russian Excel saves with `;`)."""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    column = 0
    for number, row in enumerate(reader, start=1):
        if number == 1:
            header = [cell.strip().lower() for cell in row]
            if "code" in header:
                column = header.index("code")
                continue
        if not row or not any(cell.strip() for cell in row):
            continue
        yield number, row[column] if column < len(row) else ""


def decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The file is not text (UTF-8 or Windows-1251)."), fields={"file": [_("Not a CSV file.")]})


def codes_import(*, pool: PromoPool, content: bytes | str) -> dict[str, Any]:
    """Add the file's codes to a single-use pool.

    Answers `{imported, total, error_count, errors: [{row, code, error}]}`.
    """
    if pool.kind != PoolKind.SINGLE_USE:
        raise InvalidInput(
            _("Codes are imported into single-use pools."), fields={"file": [_("Not for a multi-use pool.")]}
        )
    try:
        rows = list(_rows(decode(content)))
    except csv.Error as exc:
        message = _("The file is not a readable CSV: %(error)s") % {"error": exc}
        raise InvalidInput(message, fields={"file": [str(exc)]}) from exc
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            _("At most %(max)s codes per file.") % {"max": MAX_ROWS}, fields={"file": [_("Too many rows.")]}
        )
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    good: list[tuple[int, str]] = []
    for number, raw in rows:
        code = normalize(raw)
        if not well_formed(code):
            errors.append({"row": number, "code": raw[:64], "error": "malformed"})
        elif code in seen:
            errors.append({"row": number, "code": code, "error": "duplicate_in_file"})
        else:
            seen.add(code)
            good.append((number, code))
    imported = 0
    with transaction.atomic():
        for start in range(0, len(good), CHUNK):
            chunk = good[start : start + CHUNK]
            wanted = [code for _n, code in chunk]
            existing = set(PromoCode.objects.filter(code__in=wanted).values_list("code", flat=True))
            fresh = [code for _n, code in chunk if code not in existing]
            errors.extend({"row": n, "code": code, "error": "duplicate"} for n, code in chunk if code in existing)
            inserted = codes_insert(pool.pk, fresh) if fresh else 0
            imported += inserted
        if imported:
            PromoPool.objects.filter(pk=pool.pk).update(total_codes=F("total_codes") + imported)
    pool.refresh_from_db(fields=["total_codes"])
    errors.sort(key=lambda item: item["row"])
    return {
        "imported": imported,
        "total": pool.total_codes,
        "error_count": len(errors),
        "errors": errors[:MAX_REPORTED],
    }


EXPORT_HEADER = ["code", "status", "uses", "used_at", "store", "register", "purchase_id", "receipt_number"]


def _line(values: Iterable[Any], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(["" if value is None else value for value in values])
    return buffer.getvalue()


def _code_rows(pool: PromoPool) -> Iterator[list[Any]]:
    """The pool's codes as export rows (`EXPORT_HEADER`), `used_at` a moment or None: status as of now, and when and
    where last used."""
    now = timezone.now()
    expired = pool_expired(pool, now)
    multi = pool.kind == PoolKind.MULTI_USE
    latest = last_use(pool) if multi else None
    standing_uses = code_uses(pool) if multi else 0
    rows = (
        PromoCode.objects.filter(pool=pool)
        .order_by("pk")
        .values_list(
            "code",
            "status",
            "uses",
            "used_at",
            "purchase__store__name",
            "purchase__register__code",
            "purchase_id",
            "purchase__receipt_number",
        )
        .iterator(chunk_size=CHUNK)
    )
    for code, status, uses, used_at, store, register, purchase_id, receipt in rows:
        shown = "expired" if expired and status == "active" else status
        if multi:  # one code: its uses and its last receipt come from the uses recorded
            uses = standing_uses
            if latest is not None:
                used_at, store, register = latest.at, latest.store.name, latest.register.code
                purchase_id, receipt = latest.purchase_id, latest.purchase.receipt_number
        yield [code, shown, uses, used_at, store, register, purchase_id, receipt]


def codes_export(pool: PromoPool, *, for_people: bool = False, delimiter: str = ",") -> Iterator[str]:
    """The pool's codes as CSV lines (header first), streamed.

    `for_people` (the admin's download): a byte-order mark first and the times in the server's zone to the minute,
    for spreadsheet programs (common.spreadsheets); else ISO times, as the API documents."""
    yield (BOM if for_people else "") + _line(EXPORT_HEADER, delimiter)
    for row in _code_rows(pool):
        used_at = row[3]
        row[3] = "" if not used_at else file_datetime(used_at) if for_people else used_at.isoformat()
        yield _line(row, delimiter)


def codes_export_xlsx(pool: PromoPool) -> bytes:
    """The pool's codes as an XLSX workbook (header first; times as dates in the server's zone). Written row by row
    (openpyxl's write-only mode); a sheet holds at most 1,048,576 rows, so a larger pool is exported as CSV."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="codes")
    sheet.append(EXPORT_HEADER)
    zone = timezone.get_default_timezone()
    for row in _code_rows(pool):
        used_at = row[3]
        row[3] = timezone.localtime(used_at, zone).replace(tzinfo=None) if used_at else None
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
