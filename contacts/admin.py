"""The admin of contacts, the blacklist and the contacts' audit trail.

Saving goes through the services (`contact_create`, `contact_update`, `blacklist_add`); the forms call the same
normalisation and checks first, so the user sees a refused phone on the form. `ContactAdmin` is defined here and
registered by loyalty's admin, with cards, enrollments and points (this module knows nothing of loyalty); the
blacklist and the audit trail are registered here.
"""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.admin import ModelAdmin
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from common.admin import (
    BrandScopedAdminMixin,
    DomainErrorMessageMixin,
    PartialImportMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    add_domain_error,
    copy_saved_fields,
)
from common.errors import DomainError
from contacts.choices import ContactSource
from contacts.models import BlacklistEntry, Contact, ContactAuditLog
from contacts.normalize import normalize_phone
from contacts.resources import ContactResource
from contacts.services import blacklist_add, contact_create, contact_delete, contact_update, prepare_contact_data
from contacts.services.blacklist import blacklist_clean

_PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]+$")
MIN_PHONE_SEARCH_DIGITS = 3


def phone_search_condition(term: str, field: str = "phone") -> Q | None:
    """A search term that looks like a phone, as a condition on the E.164 column; None for other terms.

    A whole number in any common spelling ("8 916 123-45-67", "+7 (916) 1234567") finds its exact E.164
    value; the start of one ("8916", "+7 916") finds the numbers that begin so.
    """
    term = term.strip()
    if not _PHONE_LIKE.match(term):
        return None
    digits = re.sub(r"\D", "", term)
    if len(digits) < MIN_PHONE_SEARCH_DIGITS:
        return None
    try:
        phone = normalize_phone(term)
    except ValidationError:
        phone = None
    if phone:
        return Q(**{field: phone})
    russian = settings.PHONENUMBER_DEFAULT_REGION == "RU"
    if term.startswith("+"):
        prefix = "+" + digits
    elif russian and digits[0] == "8":
        prefix = "+7" + digits[1:]
    elif russian and digits[0] == "7":
        prefix = "+" + digits
    else:
        return Q(**{f"{field}__contains": digits})
    return Q(**{f"{field}__startswith": prefix})


ADDRESS_CELL_TEMPLATE = "admin/contacts/contact/address_cell.html"


def address_cell(value: str | None, *, confirmed: bool, mark: Any) -> str:
    """A phone or an e-mail in the contact list, with a mark when it is confirmed (`mark` names it)."""
    return render_to_string(ADDRESS_CELL_TEMPLATE, {"value": value, "confirmed": confirmed, "mark": mark})


# The contact page's sections; every other editable field (`Contact.EDITABLE_FIELDS`) is under "Person", so a field
# declared there is on the page without a change here.
IDENTITY_FIELDS = ("phone", "email")
CONFIRMATION_FIELDS = (
    ("phone_confirmed", "phone_confirmed_at", "phone_confirmed_by"),
    ("email_confirmed", "email_confirmed_at", "email_confirmed_by"),
)
SUBSCRIPTION_FIELDS = ("subscribed_email", "subscribed_sms", "subscribed_push", "subscribed_messenger")
PERSON_FIELDS = tuple(
    name
    for name in Contact.EDITABLE_FIELDS
    if name not in {*IDENTITY_FIELDS, *(row[0] for row in CONFIRMATION_FIELDS), *SUBSCRIPTION_FIELDS}
)


class ContactAdminForm(forms.ModelForm):
    """Runs the service's normalisation, blacklist and duplicate checks as form validation."""

    class Meta:
        model = Contact
        fields = Contact.EDITABLE_FIELDS

    service_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if any(field in self.errors for field in ("phone", "email")):
            return cleaned
        data = {field: cleaned[field] for field in Contact.EDITABLE_FIELDS if field in cleaned}
        try:
            prepared = prepare_contact_data(data, instance=self.instance if self.instance.pk else None)
        except DomainError as exc:
            add_domain_error(self, exc)
            return cleaned
        phone = prepared.get("phone")
        if phone:
            taken_by = (
                Contact.objects.filter(phone=phone).exclude(pk=self.instance.pk).values_list("pk", flat=True).first()
            )
            if taken_by is not None:
                self.add_error("phone", _("This phone belongs to another contact (#%(id)s).") % {"id": taken_by})
                return cleaned
        for field in ("phone", "email"):
            if field in prepared:
                cleaned[field] = prepared[field]
        self.service_data = prepared
        return cleaned


class ContactAuditLogInline(ReadOnlyInline):
    """The contact's history, newest first; written by the services, never edited."""

    model = ContactAuditLog
    fields = ("at", "action", "source", "user", "changes")
    ordering = ("-at", "-pk")
    per_page = 10
    show_change_link = False
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")


# Inlines that apps above contacts add to the contact's page (messaging: the contact's messages), registered from
# their admin modules; contacts knows none of them.
CONTACT_PAGE_INLINES: list[type] = []


class ContactAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin, PartialImportMixin):
    form = ContactAdminForm
    resource_classes = [ContactResource]
    # An imported contact's history is its `created` row in the contact audit log (who, when, from an import); the
    # admin's log would repeat it once per row, a tenth of a 100,000-row import's time.
    skip_admin_log = True
    # The phone and the e-mail carry their confirmation as a mark (two columns fewer: the list fits a laptop's
    # screen); the filters still pick the confirmed or unconfirmed ones.
    list_display = (
        "id",
        "display_name",
        "phone_column",
        "email_column",
        "city",
        "source",
        "created_at",
    )
    list_display_links = ("id", "display_name")
    list_filter = (
        "source",
        "phone_confirmed",
        "email_confirmed",
        "subscribed_email",
        "subscribed_sms",
        "gender",
        "created_at",
    )
    search_fields = ("=phone", "^email", "^last_name")
    search_help_text = _("Phone (any spelling, or its beginning), e-mail or last name (their beginning).")
    readonly_fields = (
        "phone_confirmed_at",
        "phone_confirmed_by",
        "email_confirmed_at",
        "email_confirmed_by",
        "source",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": IDENTITY_FIELDS}),
        (_("Person"), {"fields": PERSON_FIELDS}),
        (_("Confirmation"), {"fields": CONFIRMATION_FIELDS}),
        (_("Subscriptions"), {"fields": SUBSCRIPTION_FIELDS}),
        (_("Record"), {"fields": ("source", "created_at", "updated_at")}),
    )
    inlines = [ContactAuditLogInline]
    list_select_related = False
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator
    list_per_page = 50

    def get_inlines(self, request: HttpRequest, obj: Contact | None) -> Any:
        return [*super().get_inlines(request, obj), *CONTACT_PAGE_INLINES]

    @display(description=pgettext_lazy("person", "name"), ordering="last_name")
    def display_name(self, obj: Contact) -> str:
        return obj.full_name or "—"

    @display(description=_("phone"), ordering="phone")
    def phone_column(self, obj: Contact) -> str:
        return address_cell(obj.phone, confirmed=obj.phone_confirmed, mark=_("phone confirmed"))

    @display(description=_("e-mail"), ordering="email")
    def email_column(self, obj: Contact) -> str:
        return address_cell(obj.email, confirmed=obj.email_confirmed, mark=_("e-mail confirmed"))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        condition = phone_search_condition(search_term)
        if condition is not None:
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Contact, form: ContactAdminForm, change: bool) -> None:
        if change:
            current = Contact.objects.get(pk=obj.pk)  # the form has already written its values into obj
            saved = contact_update(contact=current, data=form.service_data, user=request.user, source="admin")
        else:
            saved = contact_create(data=form.service_data, user=request.user, source=ContactSource.ADMIN)
        copy_saved_fields(saved, obj)
        self.after_contact_saved(request, obj, created=not change)

    def after_contact_saved(self, request: HttpRequest, contact: Contact, *, created: bool) -> None:
        """A hook for apps above contacts (loyalty enrolls the contacts a brand manager creates)."""

    def delete_model(self, request: HttpRequest, obj: Contact) -> None:
        contact_delete(contact=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for contact in queryset:
            contact_delete(contact=contact, user=request.user)


class BlacklistEntryAdminForm(forms.ModelForm):
    class Meta:
        model = BlacklistEntry
        fields = ("phone", "email", "reason")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            normalised = blacklist_clean(cleaned)
        except DomainError as exc:
            add_domain_error(self, exc)
            return cleaned
        for field in ("phone", "email"):
            value = normalised[field]
            if value and BlacklistEntry.objects.filter(**{field: value}).exclude(pk=self.instance.pk).exists():
                self.add_error(field, _("%(value)s is already on the blacklist.") % {"value": value})
            else:
                cleaned[field] = value
        return cleaned


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    form = BlacklistEntryAdminForm
    list_display = ("__str__", "phone", "email", "reason", "created_by", "created_at")
    list_select_related = ("created_by",)
    search_fields = ("=phone", "^email", "reason")
    readonly_fields = ("created_by", "created_at", "updated_at")
    fields = ("phone", "email", "reason", "created_by", "created_at", "updated_at")
    ordering = ("-pk",)
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        condition = phone_search_condition(search_term)
        if condition is not None:
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: BlacklistEntry, form: forms.ModelForm, change: bool) -> None:
        data = {field: form.cleaned_data.get(field) for field in ("phone", "email", "reason")}
        instance = BlacklistEntry.objects.get(pk=obj.pk) if change else None
        saved = blacklist_add(data=data, user=request.user, instance=instance)
        copy_saved_fields(saved, obj)


@admin.register(ContactAuditLog)
class ContactAuditLogAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """The audit trail: read-only; a brand manager sees the history of their brands' contacts only."""

    list_display = ("at", "contact", "action", "source", "user")
    list_select_related = ("contact", "user")
    list_filter = ("action", "source")
    search_fields = ("=contact__phone", "^contact__email")
    readonly_fields = ("contact", "at", "user", "action", "source", "changes")
    fields = readonly_fields
    ordering = ("-at", "-pk")
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        condition = phone_search_condition(search_term, field="contact__phone")
        if condition is not None:
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)
