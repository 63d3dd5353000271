"""Contact import: normalisation, blacklist and duplicates reported per row, the good rows imported."""

from datetime import date

import pytest
import tablib
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from common.admin.file_formats import SpreadsheetCSV
from contacts.choices import AuditAction, ContactSource
from contacts.models import Contact, ContactAuditLog
from contacts.resources import ContactResource
from tests.factories import BlacklistEntryFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "phone,email,first_name,last_name,birth_date,gender,city,subscribed_email,subscribed_sms\n"
MIXED_FILE = (
    HEADER
    + "8 916 111-00-01,Anna@Example.com,Anna,Smirnova,1990-05-31,female,Moscow,yes,1\n"
    + "+7 916 000 00 00,,Black,Listed,,,,,\n"
    + "+79162220001,,Taken,Phone,,,,,\n"
    + "12345,,Bad,Phone,,,,,\n"
    + "89161110001,,Again,Anna,,,,,\n"
    + ",only@example.com,Email,Only,31.12.1985,м,Kazan,0,no\n"
)


def dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def errors_by_row(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


@pytest.fixture
def mixed_world():
    BlacklistEntryFactory(phone="+79160000000")
    return ContactFactory(phone="+79162220001", email=None)


def test_import_imports_good_rows_and_reports_each_bad_one(mixed_world):
    user = UserFactory(username="importer", is_staff=True)

    result = ContactResource(user=user).import_data(dataset(MIXED_FILE), dry_run=False, user=user)

    assert not result.has_errors()
    assert result.totals["new"] == 2
    assert result.totals["invalid"] == 4
    assert errors_by_row(result) == {
        2: {"phone": ["Blacklisted: the phone +79160000000 is on the blacklist."]},
        3: {"phone": [f"Duplicate phone: +79162220001 already belongs to contact #{mixed_world.pk}."]},
        4: {"phone": ["Invalid phone: “12345”."]},
        5: {"phone": ["Duplicate phone: +79161110001 is already in row 1 of this file."]},
    }
    anna = Contact.objects.get(phone="+79161110001")
    assert (anna.email, anna.first_name, anna.last_name, anna.city) == (
        "anna@example.com",
        "Anna",
        "Smirnova",
        "Moscow",
    )
    assert (anna.birth_date, anna.gender, anna.subscribed_email, anna.subscribed_sms) == (
        date(1990, 5, 31),
        "female",
        True,
        True,
    )
    assert anna.source == ContactSource.IMPORT
    only_email = Contact.objects.get(email="only@example.com")
    assert (only_email.phone, only_email.birth_date, only_email.gender, only_email.subscribed_sms) == (
        None,
        date(1985, 12, 31),
        "male",
        False,
    )
    assert Contact.objects.count() == 3
    audit = ContactAuditLog.objects.filter(source=ContactSource.IMPORT).order_by("pk")
    assert [(row.contact_id, row.action, row.user_id) for row in audit] == [
        (anna.pk, AuditAction.CREATED, user.pk),
        (only_email.pk, AuditAction.CREATED, user.pk),
    ]


def test_dry_run_reports_the_same_and_writes_nothing(mixed_world):
    result = ContactResource().import_data(dataset(MIXED_FILE), dry_run=True)

    assert (result.totals["new"], result.totals["invalid"]) == (2, 4)
    assert Contact.objects.count() == 1
    assert ContactAuditLog.objects.count() == 0


@pytest.mark.parametrize(
    "spelling",
    ["89161234567", "8 (916) 123-45-67", "+7 916 123 45 67", "9161234567", "79161234567"],
)
def test_phone_spellings_are_stored_in_e164(spelling):
    result = ContactResource().import_data(dataset(HEADER + f"{spelling},,,,,,,,\n"), dry_run=False)

    assert result.totals["new"] == 1
    assert list(Contact.objects.values_list("phone", flat=True)) == ["+79161234567"]


@pytest.mark.parametrize(
    ("row", "errors"),
    [
        (",not-an-email,,,,,,,", {"email": ["Invalid e-mail: “not-an-email”."]}),
        (",,Nobody,,,,,,", {"phone": ["A contact needs a phone or an e-mail."]}),
        (
            "+79161234567,,,,31/31/2000,,,,",
            {"birth_date": ["Invalid date: “31/31/2000”. Use YYYY-MM-DD or DD.MM.YYYY."]},
        ),
        ("+79161234567,,,,,robot,,,", {"gender": ["Unknown gender: “robot”. Use male, female or unknown."]}),
        ("+79161234567,,,,,,,maybe,", {"subscribed_email": ["Expected yes or no, got “maybe”."]}),
    ],
)
def test_invalid_cells_are_row_errors(row, errors):
    result = ContactResource().import_data(dataset(HEADER + row + "\n"), dry_run=False)

    assert result.totals["new"] == 0
    assert errors_by_row(result) == {1: errors}
    assert Contact.objects.count() == 0


def test_blacklisted_email_is_a_row_error():
    BlacklistEntryFactory(phone=None, email="spam@example.com")

    result = ContactResource().import_data(dataset(HEADER + ",SPAM@example.com,,,,,,,\n"), dry_run=False)

    assert errors_by_row(result) == {1: {"email": ["Blacklisted: the e-mail spam@example.com is on the blacklist."]}}


def test_export_has_the_import_columns():
    ContactFactory(phone="+79161234567", email="a@example.com", first_name="Anna", last_name="S", city="Moscow")

    contact = Contact.objects.get()

    exported = ContactResource().export()

    assert exported.headers == [*HEADER.strip().split(","), "subscribed_push", "subscribed_messenger", "created_at"]
    assert exported[0][:-1] == ("+79161234567", "a@example.com", "Anna", "S", "", "", "Moscow", "0", "0", "0", "0")
    assert exported[0][-1] == timezone.localtime(contact.created_at).strftime("%Y-%m-%d %H:%M:%S")


def csv_format_index() -> str:
    formats = admin.site._registry[Contact].get_import_formats()
    return str(formats.index(SpreadsheetCSV))


def test_admin_import_confirms_the_valid_rows_and_lists_the_skipped_ones(admin_client, mixed_world):
    import_url = reverse("admin:contacts_contact_import")
    upload = SimpleUploadedFile("contacts.csv", MIXED_FILE.encode(), content_type="text/csv")

    preview = admin_client.post(import_url, {"format": csv_format_index(), "import_file": upload})

    assert preview.status_code == 200
    assert Contact.objects.count() == 1  # the preview is a dry run
    assert (preview.context["valid_count"], preview.context["invalid_count"]) == (2, 4)
    confirm_form = preview.context["confirm_form"]
    assert "will be skipped" in preview.content.decode()

    done = admin_client.post(reverse("admin:contacts_contact_process_import"), confirm_form.initial)

    assert done.status_code == 302
    assert set(Contact.objects.values_list("phone", "email")) == {
        ("+79162220001", None),
        ("+79161110001", "anna@example.com"),
        (None, "only@example.com"),
    }
    texts = [str(message) for message in get_messages(done.wsgi_request)]
    assert texts == [
        "Import of contacts finished: 2 new, 0 updated.",
        "4 rows were not imported because of errors.",
        "Row 2: phone: Blacklisted: the phone +79160000000 is on the blacklist.",
        f"Row 3: phone: Duplicate phone: +79162220001 already belongs to contact #{mixed_world.pk}.",
        "Row 4: phone: Invalid phone: “12345”.",
        "Row 5: phone: Duplicate phone: +79161110001 is already in row 1 of this file.",
    ]
    # Each new contact's history is its audit row, with who imported it; the admin's log does not repeat it per row.
    imported = ContactAuditLog.objects.filter(source=ContactSource.IMPORT, action=AuditAction.CREATED)
    assert imported.count() == 2
    assert set(imported.values_list("user__username", flat=True)) == {done.wsgi_request.user.username}
    assert not LogEntry.objects.filter(content_type__model="contact").exists()


def test_admin_import_of_only_bad_rows_offers_no_confirmation(admin_client):
    BlacklistEntryFactory(phone="+79160000000")
    upload = SimpleUploadedFile("bad.csv", (HEADER + "89160000000,,,,,,,,\n").encode(), content_type="text/csv")

    preview = admin_client.post(
        reverse("admin:contacts_contact_import"), {"format": csv_format_index(), "import_file": upload}
    )

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    assert preview.context["invalid_count"] == 1
    assert Contact.objects.count() == 0
