"""Import and export of contacts (django-import-export).

Every row is normalised like the API's input (phone to E.164, e-mail lower-cased) and checked against the
blacklist and the phones already taken, in the database and earlier in the same file. A row that fails is
reported with its own error and skipped; the others are created in batches through `contact_bulk_create`
(source "import", one audit row each). The blacklist and the taken phones are read once per file, not per row.
"""

import functools
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.results import RowResult

from contacts.choices import ContactSource, Gender
from contacts.models import Contact
from contacts.normalize import normalize_email, normalize_phone
from contacts.services.imports import blacklisted, contact_bulk_create, taken_phones

# The contact's editable fields but the confirmations: a file cannot vouch that a phone or an e-mail was checked
# (a confirmation records who checked it, and when).
NOT_IMPORTED = ("phone_confirmed", "email_confirmed")
COLUMNS = tuple(name for name in Contact.EDITABLE_FIELDS if name not in NOT_IMPORTED)

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
DAY_FIRST_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})", re.ASCII)

# Spellings typed by hand; every value and label the contact form offers (in each language) is added to them.
GENDER_SPELLINGS = {
    "": Gender.UNKNOWN,
    "-": Gender.UNKNOWN,
    "m": Gender.MALE,
    "м": Gender.MALE,
    "муж": Gender.MALE,
    "f": Gender.FEMALE,
    "ж": Gender.FEMALE,
    "жен": Gender.FEMALE,
}


@functools.cache
def gender_values() -> dict[str, str]:
    """A cell's text (lower-cased) → the stored gender: the form's values, their labels in every language, the
    spellings above."""
    values: dict[str, str] = {str(key): str(value) for key, value in GENDER_SPELLINGS.items()}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for choice in Gender:
                values[str(choice.label).lower()] = str(choice.value)
    for choice in Gender:
        values[str(choice.name).lower()] = str(choice.value)
        values[str(choice.value).lower()] = str(choice.value)
    return values


def cell_text(value: Any) -> str:
    """A cell as text: spreadsheets give numbers for phones (79161234567.0), CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class YesNoWidget(widgets.BooleanWidget):
    """Yes/no cells: 1/0, true/false, yes/no, да/нет; an empty cell is no."""

    TRUE_TEXT = frozenset({"1", "true", "yes", "y", "да", "д", "+"})
    FALSE_TEXT = frozenset({"", "0", "false", "no", "n", "нет", "н", "-", "none", "null"})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in self.TRUE_TEXT:
            return True
        if text in self.FALSE_TEXT:
            return False
        raise ValueError(_("Expected yes or no, got “%(value)s”.") % {"value": value})


class BirthDateWidget(widgets.DateWidget):
    """ISO dates (1990-05-31) and the Russian day-first form (31.05.1990)."""

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")
        self.formats = ("%Y-%m-%d", "%d.%m.%Y")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> date | None:
        if isinstance(value, str):
            value = value.strip()
            exact = _exact_date(value)
            if exact is not None:
                return exact
        try:
            return super().clean(value, row, **kwargs)
        except ValueError as exc:
            raise ValueError(_("Invalid date: “%(value)s”. Use YYYY-MM-DD or DD.MM.YYYY.") % {"value": value}) from exc


def _exact_date(text: str) -> date | None:
    """A date written with every digit (1990-05-31, 31.05.1990) read without strptime, which costs ten times as much
    (a file has 100,000 of them); anything else, or an impossible date, is left to the formats (None)."""
    match = ISO_DATE.fullmatch(text)
    if match is not None:
        year, month, day = match.groups()
    else:
        match = DAY_FIRST_DATE.fullmatch(text)
        if match is None:
            return None
        day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


class GenderWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = cell_text(value).lower()
        values = gender_values()
        if text not in values:
            raise ValueError(_("Unknown gender: “%(value)s”. Use male, female or unknown.") % {"value": value})
        return values[text]


class TextWidget(widgets.CharWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)


class ContactResource(resources.ModelResource):
    """Contacts in and out; import creates new contacts only (a known phone is a duplicate).

    A column's cells are read by the model field's type (`WIDGETS_MAP`): text as typed in a spreadsheet, yes/no,
    dates in either form; the gender by its spellings."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "CharField": TextWidget,
        "BooleanField": YesNoWidget,
        "DateField": BirthDateWidget,
    }

    gender = fields.Field(attribute="gender", column_name="gender", widget=GenderWidget())
    # When the contact was added: exported (in the server's time zone), never imported.
    created_at = fields.Field(
        attribute="created_at", column_name="created_at", readonly=True, widget=widgets.DateTimeWidget()
    )

    # The example row of the import template (common.admin.imports.import_template).
    import_example = {
        "phone": "+79161234567",
        "email": "anna@example.com",
        "first_name": "Anna",
        "last_name": "Smirnova",
        "birth_date": "1990-05-31",
        "gender": "female",
        "city": "Moscow",
        "subscribed_email": "yes",
        "subscribed_sms": "no",
    }

    class Meta:
        model = Contact
        fields = (*COLUMNS, "created_at")
        import_order = COLUMNS
        export_order = (*COLUMNS, "created_at")
        force_init_instance = True  # no id column: every row is a new contact
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # Rows are checked one by one and written in batches (the budget is 100,000 rows in seconds).
        use_bulk = True
        batch_size = 5000
        skip_diff = True

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self._blacklisted_phones: set[str] = set()
        self._blacklisted_emails: set[str] = set()
        self._taken_phones: dict[str, int] = {}
        self._file_phones: dict[str, int] = {}
        self._current: Contact | None = None
        self._phone_cache: dict[str, str | None] = {}
        self._email_cache: dict[str, str | None] = {}
        self._row_fields: list[fields.Field] | None = None

    def get_user_visible_fields(self) -> list[fields.Field]:
        """The columns the import page lists: the importable ones (not `created_at`)."""
        return [field for field in super().get_user_visible_fields() if not field.readonly]

    # Reads done once per file.

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        if kwargs.get("user") is not None:
            self.user = kwargs["user"]
        self._file_phones = {}
        headers = dataset.headers or []
        self._phone_cache = self._normalised_column(dataset, headers, "phone", normalize_phone)
        self._email_cache = self._normalised_column(dataset, headers, "email", normalize_email)
        phones = {phone for phone in self._phone_cache.values() if phone}
        emails = {email for email in self._email_cache.values() if email}
        self._taken_phones = taken_phones(sorted(phones))
        self._blacklisted_phones, self._blacklisted_emails = blacklisted(sorted(phones), sorted(emails))
        self._row_fields = [
            field
            for field in self.get_import_fields()
            if field.attribute
            and not field.readonly
            and field.column_name in headers
            and not isinstance(field.widget, widgets.ManyToManyWidget)
        ]

    @staticmethod
    def _normalised_column(dataset: Any, headers: list[str], column: str, normalizer: Any) -> dict[str, str | None]:
        """Each valid cell of a column and its normalised value (invalid cells are left out)."""
        if column not in headers:
            return {}
        values: dict[str, str | None] = {}
        for raw in dataset[column]:
            text = cell_text(raw)
            if text in values:
                continue
            try:
                values[text] = normalizer(text)
            except ValidationError:
                continue
        return values

    def _normalise_phone(self, text: str) -> str | None:
        if text in self._phone_cache:
            return self._phone_cache[text]
        return normalize_phone(text)

    def _normalise_email(self, text: str) -> str | None:
        if text in self._email_cache:
            return self._email_cache[text]
        return normalize_email(text)

    def _import_cells(self, instance: Contact, row: Any, **kwargs: Any) -> None:
        """The library's `import_instance` over the columns the file has (found once per file in `before_import`):
        each cell through its field's widget, a ValueError its field's error."""
        if self._row_fields is None:
            super().import_instance(instance, row, **kwargs)
            return
        errors: dict[str, ValidationError] = {}
        for field in self._row_fields:
            try:
                field.save(instance, row)
            except ValueError as exc:
                errors[field.attribute] = ValidationError(force_str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    # Per row: the fields, then normalisation, blacklist and duplicates, each failure a row error.

    def import_instance(self, instance: Contact, row: Any, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        try:
            self._import_cells(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        raw_phone = cell_text(row.get("phone"))
        raw_email = cell_text(row.get("email"))
        phone = email = None
        try:
            phone = self._normalise_phone(raw_phone)
        except ValidationError:
            errors["phone"] = [_("Invalid phone: “%(value)s”.") % {"value": raw_phone}]
        try:
            email = self._normalise_email(raw_email)
        except ValidationError:
            errors["email"] = [_("Invalid e-mail: “%(value)s”.") % {"value": raw_email}]
        if "phone" not in errors and "email" not in errors and not phone and not email:
            errors["phone"] = [_("A contact needs a phone or an e-mail.")]
        if phone and "phone" not in errors:
            phone_error = self._phone_error(phone, kwargs.get("row_number"))
            if phone_error:
                errors["phone"] = [phone_error]
        if email and "email" not in errors and email in self._blacklisted_emails:
            errors["email"] = [_("Blacklisted: the e-mail %(value)s is on the blacklist.") % {"value": email}]
        if errors:
            raise ValidationError(errors)
        self._current = instance
        instance.phone = phone
        instance.email = email
        instance.source = ContactSource.IMPORT
        if phone:
            self._file_phones[phone] = kwargs.get("row_number") or 0

    def _phone_error(self, phone: str, row_number: int | None) -> str | None:
        if phone in self._blacklisted_phones:
            return _("Blacklisted: the phone %(value)s is on the blacklist.") % {"value": phone}
        if phone in self._taken_phones:
            return _("Duplicate phone: %(value)s already belongs to contact #%(id)s.") % {
                "value": phone,
                "id": self._taken_phones[phone],
            }
        if phone in self._file_phones:
            return _("Duplicate phone: %(value)s is already in row %(row)s of this file.") % {
                "value": phone,
                "row": self._file_phones[phone],
            }
        return None

    def after_import_row(self, row: Any, row_result: RowResult, **kwargs: Any) -> None:
        # The preview's values (skip_diff spares a deep copy and an HTML diff per row): the normalised fields. The
        # confirmation shows no rows, only counts and errors: it spares them.
        super().after_import_row(row, row_result, **kwargs)
        instance = self._current
        preview = self._is_dry_run(kwargs)
        if preview and instance is not None and row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            row_result.diff = [self._preview_value(field, instance) for field in self.get_import_fields()]
        self._current = None

    @staticmethod
    def _preview_value(field: fields.Field, instance: Contact) -> Any:
        """A value as the preview shows it: a choice by its label in the active language (the gender), else as
        exported."""
        display = getattr(instance, f"get_{field.attribute}_display", None)
        return display() if display is not None else field.export(instance)

    def bulk_create(
        self,
        using_transactions: bool,
        dry_run: bool,
        raise_errors: bool,
        batch_size: int | None = None,
        result: Any = None,
    ) -> None:
        """Create the batch through the service: its checks are the last word (a phone taken meanwhile). A dry run
        (the preview, rolled back) rehearses the checks and the contacts' insert only: the rows that follow them
        could not fail, and would leave as much dead weight in their tables for the confirmation to wade through."""
        if not self.create_instances or not (using_transactions or not dry_run):
            self.create_instances.clear()
            return
        try:
            created = contact_bulk_create(
                contacts=self.create_instances, user=self.user, source=ContactSource.IMPORT, rehearsal=dry_run
            )
            if not dry_run:
                self.after_contacts_created(created)
        except Exception as exc:  # reported as the import's error; the whole import is rolled back
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.create_instances.clear()

    def after_contacts_created(self, contacts: list[Contact]) -> None:
        """A hook for apps above contacts (loyalty enrolls the contacts a brand manager imports); not called in a
        dry run."""
