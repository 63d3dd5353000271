"""Import and export in the admin as a person does it with Russian Excel: CSV with a BOM and `;`, Windows-1251
uploads, XLSX both ways, a template to fill in, the program the imported contacts join."""

import io
from datetime import UTC, datetime

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from common.admin.file_formats import SpreadsheetCSV, SpreadsheetXLSX
from contacts.models import Contact
from tests.factories import BlacklistEntryFactory, BrandFactory, ContactFactory, ProgramFactory

pytestmark = pytest.mark.django_db

HEADER = ["phone", "email", "first_name", "last_name", "birth_date", "gender", "city", "subscribed_email"]
IMPORTED = [*HEADER, "subscribed_sms", "subscribed_push", "subscribed_messenger"]
# Windows-1251, `;`, as Russian Excel saves it; rows 2 and 4 are bad.
CP1251_FILE = (
    "phone;email;first_name;last_name;birth_date;gender;city;subscribed_email\r\n"
    "8 916 111-00-01;anna@example.com;Анна;Смирнова;31.05.1990;женский;Москва;да\r\n"
    "12345;;Плохой;Телефон;;;;\r\n"
    "+79162220002;;Иван;Петров;;не указан;Казань;нет\r\n"
    ";;Никого;Нет;;;;\r\n"
    "+79162220003;;Пётр;;;unknown;;\r\n"
).encode("cp1251")


def format_index(model, format_class, kind: str = "import") -> str:
    model_admin = admin.site._registry[model]
    formats = model_admin.get_import_formats() if kind == "import" else model_admin.get_export_formats()
    return str(formats.index(format_class))


def export(client: Client, format_class) -> bytes:
    response = client.post(
        reverse("admin:contacts_contact_export"),
        {"format": format_index(Contact, format_class, "export"), "resource": "0"},
    )
    assert response.status_code == 200
    return response.content


@pytest.fixture
def exported_contacts():
    first = ContactFactory(
        phone="+79161234567", email="anna@example.com", first_name="Анна", last_name="Смирнова", city="Москва"
    )
    second = ContactFactory(phone="+79161234568", email=None, first_name="Иван", last_name="Петров", city="Казань")
    Contact.objects.filter(pk=first.pk).update(created_at=datetime(2026, 12, 5, 11, 3, 40, tzinfo=UTC))
    Contact.objects.filter(pk=second.pk).update(created_at=datetime(2026, 12, 5, 21, 30, tzinfo=UTC))
    return first, second


def test_csv_export_in_russian_has_a_bom_semicolons_and_local_times(admin_client, exported_contacts):
    with translation.override("ru"):
        admin_client.cookies["django_language"] = "ru"
        content = export(admin_client, SpreadsheetCSV)

    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == ";".join([*IMPORTED, "created_at"])
    assert sorted(lines[1:]) == [
        "+79161234567;anna@example.com;Анна;Смирнова;;;Москва;0;0;0;0;2026-12-05 14:03",
        "+79161234568;;Иван;Петров;;;Казань;0;0;0;0;2026-12-06 00:30",
    ]


def test_csv_export_in_english_uses_commas(admin_client, exported_contacts):
    content = export(admin_client, SpreadsheetCSV)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[0].startswith("phone,email,first_name")


def test_xlsx_export_opens_in_openpyxl_with_the_same_rows(admin_client, exported_contacts):
    book = openpyxl.load_workbook(io.BytesIO(export(admin_client, SpreadsheetXLSX)))

    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [*IMPORTED, "created_at"]
    flags = (False, False, False, False)
    assert sorted(rows[1:]) == [
        (
            "+79161234567",
            "anna@example.com",
            "Анна",
            "Смирнова",
            None,
            None,
            "Москва",
            *flags,
            datetime(2026, 12, 5, 14, 3, 40),
        ),
        ("+79161234568", None, "Иван", "Петров", None, None, "Казань", *flags, datetime(2026, 12, 6, 0, 30)),
    ]


def upload(client: Client, content: bytes, name: str, format_class, **extra):
    preview = client.post(
        reverse("admin:contacts_contact_import"),
        {
            "format": format_index(Contact, format_class),
            "import_file": SimpleUploadedFile(name, content),
            "resource": "0",
            **extra,
        },
    )
    assert preview.status_code == 200
    return preview


def confirm(client: Client, preview):
    assert "confirm_form" in preview.context, preview.context["form"].errors
    return client.post(reverse("admin:contacts_contact_process_import"), preview.context["confirm_form"].initial)


def test_cp1251_semicolon_csv_imports_good_rows_into_the_chosen_program(admin_client):
    program = ProgramFactory(name="Клуб")
    ProgramFactory(name="Other")

    preview = upload(admin_client, CP1251_FILE, "контакты.csv", SpreadsheetCSV, program=str(program.pk))
    done = confirm(admin_client, preview)

    html = preview.content.decode()
    assert f'<input type="hidden" name="program" value="{program.pk}"' in html  # carried to the confirmation
    assert (preview.context["valid_count"], preview.context["invalid_count"]) == (3, 2)

    assert done.status_code == 302
    contacts = Contact.objects.order_by("phone")
    assert [(c.phone, c.first_name, c.gender, c.city) for c in contacts] == [
        ("+79161110001", "Анна", "female", "Москва"),
        ("+79162220002", "Иван", "", "Казань"),
        ("+79162220003", "Пётр", "", ""),
    ]
    assert {c.phone: list(c.enrollments.values_list("program_id", flat=True)) for c in contacts} == {
        "+79161110001": [program.pk],
        "+79162220002": [program.pk],
        "+79162220003": [program.pk],
    }
    assert [str(message) for message in get_messages(done.wsgi_request)] == [
        "Import of contacts finished: 3 new, 0 updated.",
        "2 rows were not imported because of errors.",
        "Row 2: phone: Invalid phone: “12345”.",
        "Row 4: phone: A contact needs a phone or an e-mail.",
    ]


def test_the_preview_in_russian_names_the_columns_errors_and_choices_in_russian(admin_client):
    admin_client.cookies["django_language"] = "ru"

    preview = upload(admin_client, CP1251_FILE, "контакты.csv", SpreadsheetCSV)

    result = preview.context["result"]
    assert result.diff_headers[:3] == ["Телефон", "E-mail", "Имя"]
    assert [list(row.field_specific_errors) for row in result.invalid_rows] == [["телефон"], ["телефон"]]
    assert [row.diff[5] for row in result.valid_rows()] == ["женский", "не указан", "не указан"]
    html = preview.content.decode()
    assert '<span class="font-semibold">телефон:</span>' in html
    assert "<th>phone</th>" not in html


def test_xlsx_import_works(admin_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["phone", "email", "first_name", "gender"])
    sheet.append([79161234567, "Anna@Example.com", "Анна", "Female"])
    sheet.append([None, "x@example.com", "Икс", "Мужской"])
    buffer = io.BytesIO()
    book.save(buffer)

    done = confirm(admin_client, upload(admin_client, buffer.getvalue(), "contacts.xlsx", SpreadsheetXLSX))

    assert done.status_code == 302
    assert list(Contact.objects.order_by("email").values_list("phone", "email", "first_name", "gender")) == [
        ("+79161234567", "anna@example.com", "Анна", "female"),
        (None, "x@example.com", "Икс", "male"),
    ]


@pytest.mark.parametrize(("extension", "format_class"), [("csv", SpreadsheetCSV), ("xlsx", SpreadsheetXLSX)])
def test_import_template_downloads_and_imports_back(admin_client, extension, format_class):
    page = admin_client.get(reverse("admin:contacts_contact_import"))
    url = reverse("admin:contacts_contact_import_template", args=[extension])
    assert url in page.content.decode()

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="contact-import-template.{extension}"'
    dataset = format_class().create_dataset(response.content)
    assert dataset.headers == IMPORTED
    assert dataset[0][:3] == ("+79161234567", "anna@example.com", "Anna")
    done = confirm(admin_client, upload(admin_client, response.content, f"template.{extension}", format_class))
    assert done.status_code == 302
    assert list(Contact.objects.values_list("phone", "gender")) == [("+79161234567", "female")]


@pytest.fixture
def manager_admin(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def test_manager_cannot_choose_another_brands_program(manager_admin, manager_brand):
    other = BrandFactory(name="Other brand")

    page = manager_admin.get(reverse("admin:contacts_contact_import"))
    preview = upload(manager_admin, CP1251_FILE, "contacts.csv", SpreadsheetCSV, program=str(other.program_id))

    choices = [value for value, _label in page.context["form"].fields["program"].choices if value]
    assert [int(str(value)) for value in choices] == [manager_brand.program_id]
    assert "program" in preview.context["form"].errors
    assert "confirm_form" not in preview.context
    assert Contact.objects.count() == 0


def test_manager_import_into_their_program(manager_admin, manager_brand):
    BlacklistEntryFactory(phone="+79162220002")

    preview = upload(manager_admin, CP1251_FILE, "contacts.csv", SpreadsheetCSV, program=str(manager_brand.program_id))
    confirm(manager_admin, preview)

    assert sorted(Contact.objects.values_list("phone", "enrollments__program_id")) == [
        ("+79161110001", manager_brand.program_id),
        ("+79162220003", manager_brand.program_id),
    ]
