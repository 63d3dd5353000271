"""The admin of the processing centre: organisation, catalogue, tiers, card types, cards, master accounts, and
the points: accounts, the ledger, purchases, refunds and tier changes (read-only).

Registration only: saves go through the services (registers, categories, cards, master accounts), actions call
services and report with `message_user`. Every admin is limited to the user's brands (`BrandScopedAdminMixin`).
The contact admin is re-registered here with the contact's cards, enrollments and points.
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import action, display
from unfold.forms import BaseDialogForm, PaginationInlineFormSet
from unfold.paginator import InfinitePaginator
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from common.admin import (
    BrandScopedAdminMixin,
    BrandScopedInlineMixin,
    DomainErrorMessageMixin,
    PartialImportMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    change_link,
    changelist_link,
    copy_saved_fields,
    redirect_after_dialog,
)
from common.errors import DomainError
from common.scoping import allowed_brand_ids, scope_queryset
from contacts.admin import ContactAdmin, ContactAuditLogInline, phone_search_condition
from contacts.models import Contact
from loyalty.choices import CardStatus, EntryStatus
from loyalty.models import (
    Account,
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    LedgerEntry,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
    RefundLine,
    Register,
    Store,
    Tier,
    TierChange,
)
from loyalty.resources import (
    BrandContactResource,
    CardResource,
    ProductResource,
    card_save_instance,
    programs_of_limited_user,
)
from loyalty.selectors import ProgramPoints, balance, contact_points
from loyalty.services.cards import card_block, card_save, enrollment_ensure
from loyalty.services.catalogue import category_save
from loyalty.services.ledger import adjust
from loyalty.services.master_accounts import master_account_set_members
from loyalty.services.registers import register_create, register_rotate_key


class ScopedModelAdmin(BrandScopedAdminMixin, DomainErrorMessageMixin, ModelAdmin):
    """The base of this app's admins: brand scoping, service errors as messages, unfold's look."""


# Organisation


@admin.register(Program)
class ProgramAdmin(ScopedModelAdmin):
    list_display = ("name", "point_value", "max_redeem_percent", "activation_days", "expires_in_days")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name",)}),
        (
            _("Points"),
            {"fields": ("point_value", "max_redeem_percent", "activation_days", "expires_in_days")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("name",)


@admin.register(Partner)
class PartnerAdmin(ScopedModelAdmin):
    list_display = ("name", "legal_name", "created_at")
    search_fields = ("name", "legal_name")
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "legal_name", "created_at", "updated_at")
    ordering = ("name",)


@admin.register(Brand)
class BrandAdmin(ScopedModelAdmin):
    list_display = ("name", "program", "currency", "created_at")
    list_select_related = ("program",)
    list_filter = ("program", "currency")
    search_fields = ("name",)
    filter_horizontal = ("managers",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "program", "currency")}),
        (_("Managers"), {"fields": ("managers",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Brand | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if allowed_brand_ids(request.user) is not None:
            # A brand manager who could edit the managers could also take themself out and become unlimited.
            readonly.append("managers")
        return readonly


TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class StoreAdminForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("time zone"), choices=TIMEZONE_CHOICES, initial="Europe/Moscow", widget=UnfoldAdminSelectWidget
    )

    class Meta:
        model = Store
        fields = ("brand", "partner", "name", "code", "timezone", "city")


@admin.register(Store)
class StoreAdmin(ScopedModelAdmin):
    form = StoreAdminForm
    list_display = ("name", "code", "brand", "partner", "city", "timezone")
    list_select_related = ("brand", "partner")
    list_filter = ("brand", "partner", "timezone")
    search_fields = ("name", "code", "city")
    autocomplete_fields = ("partner",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "partner", "name", "code")}),
        (_("Place"), {"fields": ("city", "timezone")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("brand", "name")


REGISTER_FIELDS = ("store", "code", "model", "serial_number", "software_version", "is_active")
REGISTER_KEY_MESSAGE = _(
    "The API key of register “{register}” is <code>{key}</code>. Copy it now: it is not shown again."
)


@admin.register(Register)
class RegisterAdmin(ScopedModelAdmin):
    """Cash registers; the API key is shown once, when the register is made or its key is rotated."""

    list_display = ("code", "store", "store_brand", "model", "is_active", "api_key_prefix", "last_seen_at")
    list_select_related = ("store__brand",)
    list_filter = ("is_active", "store__brand", ("store", AutocompleteSelectFilter))
    search_fields = ("code", "serial_number", "store__name", "store__code")
    autocomplete_fields = ("store",)
    readonly_fields = ("api_key_prefix", "last_seen_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("store", "code", "is_active")}),
        (_("Device"), {"fields": ("model", "serial_number", "software_version")}),
        (_("API"), {"fields": ("api_key_prefix", "last_seen_at")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    actions = ("rotate_api_key",)
    ordering = ("store", "code")

    @display(description=_("brand"), ordering="store__brand__name")
    def store_brand(self, obj: Register) -> str:
        return str(obj.store.brand)

    def save_model(self, request: HttpRequest, obj: Register, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save()
            return
        data = {field: form.cleaned_data[field] for field in REGISTER_FIELDS if field in form.cleaned_data}
        register, key = register_create(data=data)
        copy_saved_fields(register, obj)
        self._show_key(request, register, key)

    def _show_key(self, request: HttpRequest, register: Register, key: str) -> None:
        self.message_user(
            request,
            format_html(
                str(
                    _("The API key of register “{register}” is <code>{key}</code>. Copy it now: it is not shown again.")
                ),
                register=register,
                key=key,
            ),
            messages.SUCCESS,
        )

    @admin.action(description=_("Rotate API key"), permissions=["change"])
    def rotate_api_key(self, request: HttpRequest, queryset: QuerySet) -> None:
        for register in queryset.select_related("store"):
            key = register_rotate_key(register=register)
            self._show_key(request, register, key)


# Catalogue


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ("name", "parent")

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        pk = self.instance.pk
        if parent is not None and pk is not None and (parent.pk == pk or f"/{pk}/" in parent.path):
            raise forms.ValidationError(_("A category cannot be inside itself."))
        return parent


@admin.register(Category)
class CategoryAdmin(DomainErrorMessageMixin, ModelAdmin):
    """The category tree, shared by all brands; ordered by path so that children follow their parent."""

    form = CategoryAdminForm
    list_display = ("tree_name", "parent", "path")
    list_select_related = ("parent",)
    search_fields = ("name",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    fields = ("name", "parent", "path", "created_at", "updated_at")
    ordering = ("path",)
    show_full_result_count = False

    @display(description=_("name"), ordering="path")
    def tree_name(self, obj: Category) -> str:
        depth = max(obj.path.count("/") - 2, 0)
        return "— " * depth + obj.name

    def save_model(self, request: HttpRequest, obj: Category, form: forms.ModelForm, change: bool) -> None:
        category_save(category=obj)


@admin.register(Product)
class ProductAdmin(ScopedModelAdmin, PartialImportMixin):
    resource_classes = [ProductResource]
    list_display = ("sku", "name", "brand", "category", "price", "accrual_excluded", "redemption_excluded")
    list_display_links = ("sku", "name")
    list_select_related = ("brand", "category")
    list_filter = ("brand", ("category", AutocompleteSelectFilter), "accrual_excluded", "redemption_excluded")
    search_fields = ("^sku", "name")
    autocomplete_fields = ("category",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("brand", "sku", "name", "category", "price")}),
        (_("Points"), {"fields": ("accrual_excluded", "redemption_excluded")}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    ordering = ("pk",)
    show_full_result_count = False
    paginator = InfinitePaginator


# Tiers, card types, cards


@admin.register(Tier)
class TierAdmin(ScopedModelAdmin):
    list_display = ("name", "program", "min_spend", "accrual_percent", "valid_days", "window_days")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "program",
        "name",
        "min_spend",
        "accrual_percent",
        "valid_days",
        "window_days",
        "created_at",
        "updated_at",
    )
    ordering = ("program", "min_spend")


@admin.register(CardType)
class CardTypeAdmin(ScopedModelAdmin):
    list_display = ("name", "program", "number_prefix", "number_length", "next_serial")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name", "number_prefix")
    readonly_fields = ("next_serial", "created_at", "updated_at")
    fields = ("program", "name", "number_prefix", "number_length", "next_serial", "created_at", "updated_at")
    ordering = ("program", "pk")


@admin.register(Card)
class CardAdmin(ScopedModelAdmin, PartialImportMixin):
    resource_classes = [CardResource]
    list_display = ("number", "card_type", "card_program", "contact", "status", "bound_at", "created_at")
    list_select_related = ("card_type__program", "contact")
    list_filter = ("status", "card_type", ("contact", AutocompleteSelectFilter))
    search_fields = ("=number",)
    search_help_text = _("Card number, or the phone of its holder.")
    autocomplete_fields = ("card_type", "contact")
    readonly_fields = ("bound_at", "created_at", "updated_at")
    fields = ("number", "card_type", "contact", "status", "bound_at", "created_at", "updated_at")
    actions = ("block_cards", "unblock_cards")
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    @display(description=_("program"), ordering="card_type__program__name")
    def card_program(self, obj: Card) -> str:
        return str(obj.card_type.program)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        condition = phone_search_condition(search_term, field="contact__phone")
        if condition is not None:
            by_phone = queryset.filter(condition)
            by_number = queryset.filter(number=search_term.strip())
            return by_phone | by_number, False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Card, form: forms.ModelForm, change: bool) -> None:
        card_save_instance(obj)

    @admin.action(description=_("Block selected cards"), permissions=["change"])
    def block_cards(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for card in queryset.exclude(status=CardStatus.BLOCKED):
            card_block(card=card)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d card blocked.", "%(count)d cards blocked.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unblock selected cards"), permissions=["change"])
    def unblock_cards(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for card in queryset.select_related("card_type__program", "contact").exclude(status=CardStatus.ACTIVE):
            card_save(card=card, data={"status": CardStatus.ACTIVE})
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d card unblocked.", "%(count)d cards unblocked.", count) % {"count": count},
            messages.SUCCESS,
        )


class EnrollmentAdminForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        fields = ("contact", "program", "tier", "tier_valid_until")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        program = cleaned.get("program") or getattr(self.instance, "program", None)
        tier = cleaned.get("tier")
        if tier is not None and program is not None and tier.program_id != program.pk:
            self.add_error("tier", _("The tier belongs to another program."))
        return cleaned


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedModelAdmin):
    """A contact's membership of a program and its tier (the tier may be set by hand)."""

    form = EnrollmentAdminForm
    list_display = ("contact", "program", "tier", "tier_valid_until", "created_at")
    list_select_related = ("contact", "program", "tier")
    list_filter = ("program", "tier")
    search_fields = ("=contact__phone", "^contact__email")
    autocomplete_fields = ("contact",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("contact", "program", "tier", "tier_valid_until", "created_at", "updated_at")
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_readonly_fields(self, request: HttpRequest, obj: Enrollment | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["contact", "program"]
        return readonly

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        condition = phone_search_condition(search_term, field="contact__phone")
        if condition is not None:
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Enrollment, form: forms.ModelForm, change: bool) -> None:
        if change:
            obj.save()
            return
        enrollment = enrollment_ensure(contact=obj.contact, program=obj.program)
        enrollment.tier = obj.tier
        enrollment.tier_valid_until = obj.tier_valid_until
        enrollment.save()
        copy_saved_fields(enrollment, obj)


# Master accounts


class MemberInlineFormSet(PaginationInlineFormSet):
    """One master account per contact and program: a contact held by another account is refused here."""

    def clean(self) -> None:
        super().clean()
        account: MasterAccount = self.instance
        if not account.program_id:
            return
        seen: set[int] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            contact = data.get("contact")
            if contact is None or data.get("DELETE"):
                continue
            if contact.pk in seen:
                form.add_error("contact", _("This contact is listed twice."))
                continue
            seen.add(contact.pk)
            other = (
                MasterAccountMember.objects.filter(contact=contact, program_id=account.program_id)
                .exclude(master_account_id=account.pk)
                .select_related("master_account")
                .first()
            )
            if other is not None:
                form.add_error(
                    "contact",
                    _("Already in the master account “%(name)s” of this program.")
                    % {"name": other.master_account.name},
                )


class MasterAccountMemberInline(BrandScopedInlineMixin, TabularInline):
    model = MasterAccountMember
    formset = MemberInlineFormSet
    fields = ("contact", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("contact",)
    extra = 0
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("contact")


@admin.register(MasterAccount)
class MasterAccountAdmin(ScopedModelAdmin):
    list_display = ("name", "program", "created_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "program", "created_at", "updated_at")
    inlines = [MasterAccountMemberInline]
    ordering = ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: MasterAccount | None = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("program")  # the members' program is copied from the account
        return readonly

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not MasterAccountMember:
            super().save_formset(request, form, formset, change)
            return
        formset.save(commit=False)  # fills new/changed/deleted_objects for the change message; writes nothing
        contacts = [
            data["contact"]
            for data in (getattr(member_form, "cleaned_data", None) or {} for member_form in formset.forms)
            if data.get("contact") is not None and not data.get("DELETE")
        ]
        master_account_set_members(account=form.instance, contacts=contacts)


# Points: accounts, the ledger, purchases, refunds, tier changes. All read-only: points and receipts change only
# through the services (the tills, refunds, the ledger's jobs), never by editing rows.


def program_ids_of_limited_user(user: Any) -> list[int] | None:
    """The programs of a brand-limited user's brands; None for users who are not limited."""
    brand_ids = allowed_brand_ids(user)
    if brand_ids is None:
        return None
    return list(Brand.objects.filter(pk__in=brand_ids).values_list("program_id", flat=True).distinct())


def entry_status(entry: LedgerEntry, now: Any) -> str:
    return str(EntryStatus(entry.status(now)).label)


# A search term of up to this many digits is a purchase id; a longer one, a phone.
PURCHASE_ID_MAX_DIGITS = 9
# A phone search by a number's beginning finds at most this many contacts.
PHONE_SEARCH_CONTACTS = 1000


def contact_ids_by_phone(term: str) -> list[int] | None:
    """The contacts a phone-like search term finds (None when the term is not a phone): ids first, so that the
    big tables are then searched by an indexed `contact_id IN (...)` instead of a join."""
    condition = phone_search_condition(term)
    if condition is None:
        return None
    return list(Contact.objects.filter(condition).order_by("pk").values_list("pk", flat=True)[:PHONE_SEARCH_CONTACTS])


def account_ids_of_contacts(contacts: list[int]) -> list[int]:
    """The contacts' own points accounts and the pools of their master accounts (where a member's points are)."""
    pools = list(
        MasterAccountMember.objects.filter(contact_id__in=contacts).values_list("master_account_id", flat=True)
    )
    own = list(Account.objects.filter(contact_id__in=contacts).values_list("pk", flat=True))
    if pools:
        own += Account.objects.filter(master_account_id__in=pools).values_list("pk", flat=True)
    return own


class AdjustPointsForm(BaseDialogForm):
    """A manual correction of an account's points (`loyalty.services.ledger.adjust`)."""

    points = forms.DecimalField(
        label=_("points"),
        max_digits=14,
        decimal_places=2,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
        help_text=_("Above zero adds points, active at once; below zero takes active points, never below zero."),
    )
    reason = forms.CharField(label=_("reason"), max_length=1000, widget=UnfoldAdminTextareaWidget)
    expires_in_days = forms.IntegerField(
        label=_("expires in days"),
        required=False,
        min_value=1,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Of points added; empty = never."),
    )


@admin.register(Account)
class AccountAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Points accounts with their cached balance; the balance as of now and the entries on the account's page.

    The balance changes only through the ledger's services: the "Adjust points" button on an account's page is a
    manual, audited correction (the entry records who, when and why), allowed to whoever may change contacts, as
    in the API.
    """

    list_display = ("id", "owner", "program", "active", "pending", "balance_at", "entries_link")
    list_display_links = ("id", "owner")
    list_select_related = ("program", "contact", "master_account")
    list_filter = ("program",)
    search_fields = ("=contact__phone", "^master_account__name")
    search_help_text = _("Phone of the contact, or the beginning of the master account's name.")
    fields = (
        "program",
        "contact",
        "master_account",
        "current_balance",
        "active",
        "pending",
        "balance_at",
        "entries_link",
        "created_at",
    )
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator
    actions_detail = ("adjust_points",)

    def has_adjust_permission(self, request: HttpRequest, object_id: Any = None) -> bool:
        if not request.user.has_perm("contacts.change_contact"):
            return False
        return object_id is None or self.get_queryset(request).filter(pk=object_id).exists()

    @action(
        description=_("Adjust points"),
        url_path="adjust-points",
        permissions=["adjust"],
        icon="tune",
        dialog={
            "title": _("Adjust points"),
            "description": _("A manual correction, recorded with your name and the reason."),
            "form_class": AdjustPointsForm,
            "form_submit_text": _("Adjust"),
        },
    )
    def adjust_points(self, request: HttpRequest, form: AdjustPointsForm, object_id: str) -> HttpResponse:
        account = self.get_queryset(request).get(pk=object_id)
        try:
            adjust(
                account=account,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(points)s points adjusted on account #%(account)s.")
                % {"points": _cell(form.cleaned_data["points"]), "account": account.pk},
                messages.SUCCESS,
            )
        return redirect_after_dialog(request, reverse("admin:loyalty_account_change", args=[account.pk]))

    @display(description=_("owner"))
    def owner(self, obj: Account) -> str:
        if obj.master_account_id is not None:
            return str(obj.master_account)
        return str(obj.contact)

    @display(description=_("entries"))
    def entries_link(self, obj: Account) -> str:
        return changelist_link(LedgerEntry, _("entries"), account__id__exact=obj.pk)

    @display(description=_("balance as of now"))
    def current_balance(self, obj: Account) -> str:
        current = balance(account=obj)
        expiring = format_html_join(
            ", ", "{}: {}", ((_cell(item["date"]), _cell(item["points"])) for item in current["expiring"][:5])
        )
        return format_html(
            "{}: <b>{}</b> · {}: <b>{}</b> · {}: {}",
            _("active"),
            _cell(current["active"]),
            _("pending"),
            _cell(current["pending"]),
            _("expiring"),
            expiring or "—",
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        contacts = contact_ids_by_phone(search_term)
        if contacts is not None:
            return queryset.filter(pk__in=account_ids_of_contacts(contacts)), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The points ledger: append-only, read-only. Fast on millions of rows: ordered by the primary key, no counts,
    no date hierarchy, searches that use an index (the phone of the account's contact, a purchase id)."""

    list_display = (
        "id",
        "at",
        "account_link",
        "kind",
        "points",
        "status",
        "expires_at",
        "purchase_link",
        "partner",
    )
    list_select_related = ("account__contact", "account__master_account", "partner")
    list_filter = ("kind", "account__program")
    search_fields = ("=purchase_id",)
    search_help_text = _("Phone of the account's contact, or a purchase id.")
    fieldsets = (
        (None, {"fields": ("account", "at", "kind", "points", "status", "reason")}),
        (_("Lot"), {"fields": ("activation_at", "expires_at", "lot", "source", "partner")}),
        (_("Origin"), {"fields": ("purchase_link", "campaign_id", "created_by", "created_at")}),
    )
    readonly_fields = (
        "account",
        "at",
        "kind",
        "points",
        "status",
        "reason",
        "activation_at",
        "expires_at",
        "lot",
        "source",
        "partner",
        "purchase_link",
        "campaign_id",
        "created_by",
        "created_at",
    )
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        programs = program_ids_of_limited_user(request.user)
        return queryset if programs is None else queryset.filter(account__program_id__in=programs)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip().lstrip("#")
        if not term:
            return queryset, False
        if term.isdigit() and len(term) <= PURCHASE_ID_MAX_DIGITS:
            return queryset.filter(purchase_id=int(term)), False
        contacts = contact_ids_by_phone(term)
        if contacts is None:
            return queryset.none(), False
        return queryset.filter(account_id__in=account_ids_of_contacts(contacts)), False

    @display(description=_("account"), ordering="account")
    def account_link(self, obj: LedgerEntry) -> str:
        account = obj.account
        owner = account.master_account if account.master_account_id is not None else account.contact
        return change_link(Account, account.pk, f"#{account.pk} {owner}")

    @display(description=_("status"))
    def status(self, obj: LedgerEntry) -> str:
        return entry_status(obj, timezone.now())

    @display(description=_("purchase"), ordering="purchase_id")
    def purchase_link(self, obj: LedgerEntry) -> str:
        if obj.purchase_id is None:
            return "—"
        return change_link(Purchase, obj.purchase_id, f"#{obj.purchase_id}")


class PurchaseLineInline(ReadOnlyInline):
    model = PurchaseLine
    fields = (
        "index",
        "sku",
        "product",
        "quantity",
        "price",
        "base",
        "discount",
        "total",
        "redeemed_points",
        "paid",
        "points",
        "applied",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("product")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("at", "refund_amount", "points_revoked", "points_returned")
    show_change_link = True


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Confirmed receipts with their lines and refunds, as the tills sent them."""

    list_display = (
        "receipt_number",
        "at",
        "store",
        "register",
        "contact",
        "total",
        "redeemed_points",
        "payable",
        "points",
    )
    list_select_related = ("store", "register__store", "contact")
    list_filter = ("brand", "store")
    search_fields = ("=receipt_number",)
    search_help_text = _("Receipt number, card number or the customer's phone.")
    fieldsets = (
        (None, {"fields": ("receipt_number", "at", "brand", "store", "register")}),
        (_("Customer"), {"fields": ("contact", "card_number", "account", "tier_name")}),
        (_("Totals"), {"fields": ("base", "discount", "total", "redeemed_points", "payable", "points")}),
        (_("Points"), {"fields": ("entries_link",)}),
        (_("Record"), {"fields": ("created_at",)}),
    )
    readonly_fields = (
        "receipt_number",
        "at",
        "brand",
        "store",
        "register",
        "contact",
        "card_number",
        "account",
        "tier_name",
        "base",
        "discount",
        "total",
        "redeemed_points",
        "payable",
        "points",
        "entries_link",
        "created_at",
    )
    inlines = [PurchaseLineInline, RefundInline]
    ordering = ("-at", "-pk")
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        # Each alternative is an indexed lookup: the receipt number, or purchases of the contacts found first.
        condition = Q(receipt_number=term)
        holders = list(Card.objects.filter(number=term).exclude(contact=None).values_list("contact_id", flat=True))
        if holders:
            condition |= Q(contact_id__in=holders, card_number=term)
        contacts = contact_ids_by_phone(term)
        if contacts:
            condition |= Q(contact_id__in=contacts)
        return queryset.filter(condition), False

    @display(description=_("ledger entries"))
    def entries_link(self, obj: Purchase) -> str:
        return changelist_link(LedgerEntry, _("entries of this purchase"), purchase_id=obj.pk)


class RefundLineInline(ReadOnlyInline):
    model = RefundLine
    fields = ("line", "quantity", "amount", "points_revoked", "points_returned")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("line")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("id", "purchase", "purchase_store", "at", "refund_amount", "points_revoked", "points_returned")
    list_select_related = ("purchase__store",)
    list_filter = ("purchase__brand",)
    search_fields = ("=purchase__receipt_number",)
    search_help_text = _("Receipt number of the purchase.")
    fields = ("purchase", "at", "refund_amount", "points_revoked", "points_returned", "created_at")
    readonly_fields = fields
    inlines = [RefundLineInline]
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        brand_ids = allowed_brand_ids(request.user)
        return queryset if brand_ids is None else queryset.filter(purchase__brand_id__in=brand_ids)

    @display(description=_("store"), ordering="purchase__store__name")
    def purchase_store(self, obj: Refund) -> str:
        return str(obj.purchase.store)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("at", "contact", "program", "from_tier", "to_tier", "reason")
    list_select_related = ("enrollment__contact", "enrollment__program", "from_tier", "to_tier")
    list_filter = ("enrollment__program", "reason")
    search_fields = ("=enrollment__contact__phone",)
    search_help_text = _("Phone of the contact.")
    fields = ("enrollment", "at", "from_tier", "to_tier", "reason")
    readonly_fields = fields
    ordering = ("-at", "-pk")
    show_full_result_count = False
    paginator = InfinitePaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        programs = program_ids_of_limited_user(request.user)
        return queryset if programs is None else queryset.filter(enrollment__program_id__in=programs)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        contacts = contact_ids_by_phone(search_term)
        if contacts is not None:
            return queryset.filter(enrollment__contact_id__in=contacts), False
        return super().get_search_results(request, queryset, search_term)

    @display(description=_("contact"), ordering="enrollment__contact")
    def contact(self, obj: TierChange) -> str:
        return str(obj.enrollment.contact)

    @display(description=_("program"), ordering="enrollment__program")
    def program(self, obj: TierChange) -> str:
        return str(obj.enrollment.program)


# The contact's points, per program: a read-only panel on the contact's page.

CONTACT_PANEL_LIMIT = 50  # entries, purchases, lots and tier changes shown; the change lists have the rest
CELL = '<td class="px-3 py-2">{}</td>'
HEAD = '<th class="px-3 py-2 text-left font-semibold">{}</th>'


def _cell(value: Any) -> Any:
    """A table cell's text: dates in the current time zone, numbers localised, links as given, blanks as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2)
    return value


def html_table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], empty: Any) -> str:
    rows = list(rows)
    if not rows:
        return format_html('<p class="text-font-subtle-light mb-4">{}</p>', empty)
    head = format_html_join("", HEAD, ((header,) for header in headers))
    body = format_html_join(
        "",
        '<tr class="border-b border-base-200 dark:border-base-800">{}</tr>',
        ((format_html_join("", CELL, ((_cell(value),) for value in row)),) for row in rows),
    )
    return format_html(
        '<div class="overflow-x-auto mb-4"><table class="w-full text-sm">'
        '<thead><tr class="border-b border-base-200 dark:border-base-800">{}</tr></thead><tbody>{}</tbody>'
        "</table></div>",
        head,
        body,
    )


def _heading(text: Any, more: Any = "") -> str:
    return format_html('<h4 class="font-semibold mb-2">{} {}</h4>', text, more)


def program_points_html(item: ProgramPoints, now: datetime) -> str:
    """One program's part of the contact's points panel."""
    account, enrollment = item.account, item.enrollment
    tier = "—"
    if enrollment is not None and enrollment.tier is not None:
        tier = enrollment.tier.name
        if enrollment.tier_valid_until is not None:
            tier = format_html("{} ({} {})", tier, _("valid until"), _cell(enrollment.tier_valid_until.date()))
    pool = ""
    if account is not None:
        text = (
            _("the pool of the contact's master account")
            if account.master_account_id is not None
            else _("points account #%(id)s") % {"id": account.pk}
        )
        pool = format_html(" · {}", change_link(Account, account.pk, text))
    next_expiry = item.balance["expiring"][0] if item.balance["expiring"] else None
    figures = format_html_join(
        "",
        '<div><div class="text-font-subtle-light text-xs">{}</div><div class="text-lg font-semibold">{}</div></div>',
        (
            (_("active"), _cell(item.balance["active"])),
            (_("pending"), _cell(item.balance["pending"])),
            (_("expiring within 30 days"), _cell(item.expiring_soon)),
            (
                _("next expiry"),
                format_html("{}: {}", _cell(next_expiry["date"]), _cell(next_expiry["points"])) if next_expiry else "—",
            ),
            (_("tier"), tier),
        ),
    )
    entries_more = purchases_more = ""
    if account is not None:
        entries_more = changelist_link(LedgerEntry, _("all entries"), account__id__exact=account.pk)
    if item.purchases:
        purchases_more = changelist_link(
            Purchase,
            _("all purchases"),
            contact__id__exact=item.purchases[0].contact_id,
            program__id__exact=item.program.pk,
        )
    lots = html_table(
        (_("earned"), _("kind"), _("points"), _("remaining"), _("active from"), _("expires at"), _("partner")),
        (
            (
                lot.at,
                lot.get_kind_display(),
                lot.points,
                lot.remaining,  # type: ignore[attr-defined]
                lot.activation_at,
                lot.expires_at,
                lot.partner,
            )
            for lot in item.lots
        ),
        _("No points."),
    )
    entries = html_table(
        ("#", _("at"), _("kind"), _("points"), _("status"), _("expires at"), _("purchase"), _("partner")),
        (
            (
                change_link(LedgerEntry, entry.pk, entry.pk),
                entry.at,
                entry.get_kind_display(),
                entry.points,
                entry_status(entry, now),
                entry.expires_at,
                change_link(Purchase, entry.purchase_id, f"#{entry.purchase_id}") if entry.purchase_id else None,
                entry.partner,
            )
            for entry in item.entries
        ),
        _("No entries."),
    )
    purchases = html_table(
        (_("receipt number"), _("at"), _("store"), _("total"), _("redeemed points"), _("payable"), _("points")),
        (
            (
                change_link(Purchase, purchase.pk, purchase.receipt_number),
                purchase.at,
                purchase.store,
                purchase.total,
                purchase.redeemed_points,
                purchase.payable,
                purchase.points,
            )
            for purchase in item.purchases
        ),
        _("No purchases."),
    )
    changes = html_table(
        (_("at"), _("from"), _("to"), _("reason")),
        ((change.at, change.from_tier, change.to_tier, change.reason) for change in item.tier_changes),
        _("No tier changes."),
    )
    lots_title: Any = _("Lots holding points")
    if item.lots_total > len(item.lots):
        lots_title = format_html(
            "{} ({})", lots_title, _("%(shown)d of %(total)d") % {"shown": len(item.lots), "total": item.lots_total}
        )
    return format_html(
        '<div class="mb-6"><h3 class="font-semibold text-base mb-2">{}{}</h3>'
        '<div class="flex flex-wrap gap-8 mb-4">{}</div>{}{}{}{}{}{}{}{}</div>',
        item.program,
        pool,
        figures,
        _heading(lots_title),
        lots,
        _heading(_("Latest entries"), entries_more),
        entries,
        _heading(_("Latest purchases"), purchases_more),
        purchases,
        _heading(_("Tier history")),
        changes,
    )


# Contacts, with their cards and enrollments


class CardInline(BrandScopedInlineMixin, TabularInline):
    model = Card
    fields = ("number", "card_type", "status", "bound_at")
    readonly_fields = ("bound_at",)
    autocomplete_fields = ("card_type",)
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("card_type__program")


class EnrollmentInline(BrandScopedInlineMixin, TabularInline):
    """Programs the contact is in, with the tier; tiers are changed in the enrollment's own page."""

    model = Enrollment
    fields = ("program", "tier", "tier_valid_until")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("program", "tier")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


if admin.site.is_registered(Contact):
    admin.site.unregister(Contact)


@admin.register(Contact)
class LoyaltyContactAdmin(ContactAdmin):
    """The contact with cards, enrollments and, per program, the points: balance, lots, entries, purchases, tiers."""

    inlines = [CardInline, EnrollmentInline, ContactAuditLogInline]
    resource_classes = [BrandContactResource]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Contact | None:
        contact = super().get_object(request, object_id, from_field)
        if contact is not None:
            contact._admin_user = request.user  # type: ignore[attr-defined]
        return contact

    def get_readonly_fields(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "points_panel")

    def get_fieldsets(self, request: HttpRequest, obj: Contact | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Points"), {"fields": ("points_panel",)}))
        return fieldsets

    @display(description=_("points by program"), wrapper_class="max-w-none min-w-0 grow")
    def points_panel(self, obj: Contact) -> str:
        """Per program the contact is in (of the user's brands): bounded queries, `CONTACT_PANEL_LIMIT` rows each."""
        if obj.pk is None:
            return "—"
        # The user comes with the object (`get_object`): the panel shows only the programs of the user's brands.
        programs = scope_queryset(Program.objects.all(), getattr(obj, "_admin_user", None))
        now = timezone.now()
        items = contact_points(contact=obj, programs=programs, now=now, limit=CONTACT_PANEL_LIMIT)
        if not items:
            return format_html("<p>{}</p>", _("Not in any program."))
        return format_html_join("", "{}", ((program_points_html(item, now),) for item in items))

    def after_contact_saved(self, request: HttpRequest, contact: Contact, *, created: bool) -> None:
        # A contact made by a brand manager joins the manager's programs; otherwise it would be out of sight.
        if created:
            for program in programs_of_limited_user(request.user):
                enrollment_ensure(contact=contact, program=program)

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not Card:
            super().save_formset(request, form, formset, change)
            return
        for card in formset.save(commit=False):
            card_save_instance(card)
