"""The contact import through the admin (`python -m tests.bench import`): a CSV of `--import-rows` rows (100,000)
uploaded to the contact admin's import page as a person does it, the preview, then the confirmation, into a program.

Its own database, the bench database's name + `_import` (default `loyalty_bench_import`), made afresh for every run
from a seeded template (+ `_import_seed`, made once and kept): one program with a brand, `EXISTING` contacts enrolled
in it, `BLACKLISTED_PHONES` phones and `BLACKLISTED_EMAILS` e-mails on the blacklist. The file (made by `make_file`,
seeded, the same every run) is as Russian Excel saves it (UTF-8 with a BOM, `;`): Russian names and cities, phones in
mixed spellings (+7 916 …, 8 (916) …, 8916…, 916…), e-mails in mixed case, birth dates in both forms, and

- about 2 % phones of existing contacts, 2 % phones repeated from earlier rows, 1 % blacklisted phones, 0.5 %
  blacklisted e-mails, 1 % bad rows (bad phone, bad e-mail, bad date, unknown gender, neither phone nor e-mail).

Timed, each through `django.test.Client` against the real admin URLs (`LoyaltyContactAdmin`, a superuser, the
program chosen on the form):

- **preview**: the upload (`admin:contacts_contact_import`): the file read, every row checked in a dry run that is
  rolled back, the preview page rendered;
- **confirm**: `admin:contacts_contact_process_import`: the file read again, every row checked, the valid ones
  created through `contact_bulk_create` with their audit rows, subscription changes and events, and enrolled.

The budget (≤ 30 s, DESIGN.md) is held against the confirmation, the import proper; preview + confirm is printed too.
Checks: the contacts created and enrolled match the rows the preview called valid, and the closing message counts
the rows not imported; otherwise FAIL.
"""

import io
import os
import random
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from tests.bench import data as bench_data

BUDGET_S = 30.0
PROFILE_FILE = "/tmp/contact_import.prof"
EXISTING = 20_000
BLACKLISTED_PHONES = 1_000
BLACKLISTED_EMAILS = 500
PROGRAM_NAME = "Import bench program"
HEADER = ["phone", "email", "first_name", "last_name", "birth_date", "gender", "city", "subscribed_email",
          "subscribed_sms"]  # fmt: skip

FIRST = ["Анна", "Мария", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Иван", "Сергей", "Алексей",
         "Дмитрий", "Андрей", "Михаил", "Пётр", "Николай", "Юлия", "Ксения", "Артём", "Егор"]  # fmt: skip
LAST = ["Смирнов", "Иванов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"]  # fmt: skip
CITIES = ["Москва", "Санкт-Петербург", "Казань", "Новосибирск", "Екатеринбург", "Нижний Новгород", "Самара", ""]
MAILBOXES = ["anna", "Ivan.Petrov", "ELENA", "sergey_k", "olga1985", "Dmitry"]
DOMAINS = ["mail.ru", "Yandex.RU", "gmail.com", "bk.ru", "example.com"]
GENDERS = ["женский", "мужской", "f", "m", "ж", "м", "", "female", "male", "не указан"]
YES_NO = ["да", "нет", "1", "0", "yes", "no", ""]
BAD = [
    ("phone", "12345"),
    ("email", "ivan@@mail"),
    ("birth_date", "31.13.1990"),
    ("gender", "средний"),
    ("phone_email", ""),
]


SKIPPED = re.compile(r"(\d+) rows? ha(?:s|ve) errors and will be skipped; the (\d+) valid rows")


class _ConfirmForm(HTMLParser):
    """The hidden fields of the page's confirmation form (what the browser posts when the person confirms)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.inside = "process_import" in (values.get("action") or "")
        elif tag == "input" and self.inside and values.get("name") and values.get("type") == "hidden":
            self.fields[str(values["name"])] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def confirm_fields(html: str) -> dict[str, str]:
    parser = _ConfirmForm()
    parser.feed(html)
    return parser.fields


def import_url(url: str) -> str:
    name = bench_data.database_name(url)
    return url.rsplit("/", 1)[0] + f"/{name}_import"


def seed_url(url: str) -> str:
    return import_url(url) + "_seed"


def existing_phone(n: int) -> str:
    return f"+7925{n:07d}"


def blacklisted_phone(n: int) -> str:
    return f"+7926{n:07d}"


def new_phone(n: int) -> str:
    return f"+7916{n:07d}"


def spell(phone: str, rng: random.Random) -> str:
    """An E.164 Russian mobile as people type it."""
    digits = phone[2:]
    kind = rng.randrange(5)
    if kind == 0:
        return phone
    if kind == 1:
        return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    if kind == 2:
        return f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    if kind == 3:
        return "8" + digits
    return digits


def make_file(rows: int, *, seed: int = 5) -> tuple[bytes, dict[str, int]]:
    """The CSV (UTF-8 with a BOM, `;`) and how many rows of each kind it holds."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("\ufeff" + ";".join(HEADER) + "\r\n")
    kinds = {"new": 0, "existing": 0, "repeated": 0, "blacklisted_phone": 0, "blacklisted_email": 0, "bad": 0}
    used: list[str] = []
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if first.endswith(("а", "я")) and not last.endswith("а"):
            last += "а"
        phone = new_phone(n)
        email = f"{rng.choice(MAILBOXES)}.{n}@{rng.choice(DOMAINS)}" if rng.random() < 0.6 else ""
        birth = ""
        if rng.random() >= 0.3:
            birth = f"{rng.randint(1950, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if birth and rng.random() < 0.5:
            year, month, day = birth.split("-")
            birth = f"{day}.{month}.{year}"
        row = {
            "phone": phone,
            "email": email,
            "first_name": first,
            "last_name": last,
            "birth_date": birth,
            "gender": rng.choice(GENDERS),
            "city": rng.choice(CITIES),
            "subscribed_email": rng.choice(YES_NO),
            "subscribed_sms": rng.choice(YES_NO),
        }
        draw = rng.random()
        if draw < 0.02:
            row["phone"], kind = existing_phone(rng.randrange(EXISTING)), "existing"
        elif draw < 0.04 and used:
            row["phone"], kind = rng.choice(used), "repeated"
        elif draw < 0.05:
            row["phone"], kind = blacklisted_phone(rng.randrange(BLACKLISTED_PHONES)), "blacklisted_phone"
        elif draw < 0.055:
            row["email"], kind = f"spam{rng.randrange(BLACKLISTED_EMAILS)}@example.com", "blacklisted_email"
        elif draw < 0.065:
            column, value = rng.choice(BAD)
            if column == "phone_email":
                row["phone"] = row["email"] = ""
            else:
                row[column] = value
            kind = "bad"
        else:
            kind = "new"
            used.append(phone)
        kinds[kind] += 1
        if row["phone"]:
            row["phone"] = spell(row["phone"], rng)
        out.write(";".join(row[column] for column in HEADER) + "\r\n")
    return out.getvalue().encode("utf-8"), kinds


def _close_django() -> None:
    from django.db import connections

    connections.close_all()


def prepare(url: str, *, progress: Callable[[str], None]) -> dict[str, float]:
    """The import database, copied from the seeded template (made first if missing); Django set up on it."""
    import psycopg
    from psycopg import sql

    own, template = import_url(url), seed_url(url)
    seconds: dict[str, float] = {}
    os.environ["DATABASE_URL"] = own
    import django

    if not bench_data.database_exists(template):
        progress(f"==> seeding the template {bench_data.database_name(template)} (once)")
        started = time.perf_counter()
        bench_data.recreate_database(own)
        django.setup()
        bench_data.migrate()
        seed()
        _close_django()
        with psycopg.connect(bench_data.maintenance_url(url), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(bench_data.database_name(template)), sql.Identifier(bench_data.database_name(own))
                )
            )
        seconds["seed"] = round(time.perf_counter() - started, 1)
        return seconds
    started = time.perf_counter()
    with psycopg.connect(bench_data.maintenance_url(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(bench_data.database_name(own)))
        )
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(bench_data.database_name(own)), sql.Identifier(bench_data.database_name(template))
            )
        )
    django.setup()
    bench_data.migrate()  # a no-op unless migrations were added since the template was made
    seconds["copy"] = round(time.perf_counter() - started, 1)
    return seconds


def seed() -> None:
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from contacts.models import BlacklistEntry, Contact
    from loyalty.models import Brand, Enrollment, Program

    with transaction.atomic():
        program = Program.objects.create(name=PROGRAM_NAME, point_value=Decimal("1.00"))
        Brand.objects.create(name="Import bench brand", program=program, currency="RUB")
        contacts = Contact.objects.bulk_create(
            [Contact(phone=existing_phone(n), first_name="Существующий", source="api") for n in range(EXISTING)],
            batch_size=2000,
        )
        Enrollment.objects.bulk_create([Enrollment(contact=c, program=program) for c in contacts], batch_size=2000)
        BlacklistEntry.objects.bulk_create(
            [BlacklistEntry(phone=blacklisted_phone(n), reason="bench") for n in range(BLACKLISTED_PHONES)]
            + [BlacklistEntry(email=f"spam{n}@example.com", reason="bench") for n in range(BLACKLISTED_EMAILS)],
            batch_size=2000,
        )
        get_user_model().objects.create_superuser("import-bench", "import-bench@example.com", "import-bench")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(*, rows: int, profile: bool, progress: Callable[[str], None]) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.messages import get_messages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from common.admin.file_formats import SpreadsheetCSV
    from contacts.models import Contact
    from loyalty.models import Enrollment, Program
    from tests.bench.stats import CpuMeter

    content, kinds = make_file(rows)
    program = Program.objects.get(name=PROGRAM_NAME)
    before = Contact.objects.count()
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username="import-bench"))
    from django.contrib import admin

    formats = admin.site._registry[Contact].get_import_formats()  # type: ignore[attr-defined]
    form = {"format": str(formats.index(SpreadsheetCSV)), "resource": "0", "program": str(program.pk)}
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    results: dict[str, Any] = {"rows": rows, "kinds": kinds, "file_mb": round(len(content) / 1e6, 1)}
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()

    progress(f"==> preview: uploading {rows:,} rows ({results['file_mb']} MB)")
    meter = CpuMeter()
    started = time.perf_counter()
    preview = client.post(
        reverse("admin:contacts_contact_import"),
        {**form, "import_file": SimpleUploadedFile("контакты.csv", content)},
        secure=True,
    )
    results["preview_s"] = round(time.perf_counter() - started, 1)
    results["preview_machine"] = meter.read()
    html = preview.content.decode()
    counts = SKIPPED.search(" ".join(html.split()))
    initial = confirm_fields(html)
    if preview.status_code != 200 or counts is None or not initial:
        raise SystemExit(f"the preview offers no confirmation: {preview.status_code} {html[-3000:]}")
    invalid, valid = int(counts[1]), int(counts[2])
    results |= {"valid": valid, "invalid": invalid, "preview_html_mb": round(len(preview.content) / 1e6, 1)}

    progress(f"==> confirm: importing {valid:,} valid rows ({invalid:,} with errors)")
    meter = CpuMeter()
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    done = client.post(reverse("admin:contacts_contact_process_import"), initial, secure=True)
    if profiler is not None:
        profiler.disable()
    results["confirm_s"] = round(time.perf_counter() - started, 1)
    results["confirm_cpu_s"] = round(time.process_time() - cpu, 1)
    results["confirm_machine"] = meter.read()
    messages = [str(message) for message in get_messages(done.wsgi_request)]
    created = Contact.objects.count() - before
    enrolled = Enrollment.objects.filter(program=program).count() - EXISTING
    expected_message = f"{invalid} rows were not imported because of errors."
    results |= {
        "status": done.status_code,
        "created": created,
        "enrolled": enrolled,
        "messages": messages[:3],
        "check": done.status_code == 302
        and created == valid
        and enrolled == valid
        and valid == kinds["new"]
        and expected_message in messages,
    }
    if profiler is not None:
        import pstats
        import sys

        profiler.dump_stats(PROFILE_FILE)
        progress(f"==> the profile of the confirmation is in {PROFILE_FILE} (pstats)")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    return results


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    confirm, preview = results["confirm_s"], results["preview_s"]
    n = results["rows"]
    return [
        (
            f"contact import: {n:,} rows, normalisation, blacklist, duplicates (admin, confirm)",
            f"{confirm} s",
            f"≤ {BUDGET_S:.0f} s",
            "ok" if confirm <= BUDGET_S else "OVER",
        ),
        (
            "(info) the confirmation: CPU of the bench's process (PostgreSQL not counted)",
            f"{results['confirm_cpu_s']} s",
            "—",
            "",
        ),
        ("(info) the preview (upload, dry run, page)", f"{preview} s", "—", ""),
        ("(info) preview + confirm", f"{round(preview + confirm, 1)} s", "—", ""),
        (
            "(check) created = enrolled = valid rows = new rows of the file; the message counts the rest",
            f"{results['created']:,} / {results['enrolled']:,} / {results['valid']:,} / {results['kinds']['new']:,};"
            f" {results['invalid']:,} with errors",
            "—",
            "ok" if results["check"] else "FAIL",
        ),
    ]
