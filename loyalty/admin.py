"""The admin of the processing centre: organisation, catalogue, tiers, card types, cards, master accounts.

Registration only: saves go through the services (registers, categories, cards, master accounts), actions call
services and report with `message_user`. Every admin is limited to the user's brands (`BrandScopedAdminMixin`).
The contact admin is re-registered here with the contact's cards and enrollments.
"""

import zoneinfo
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet
from unfold.paginator import InfinitePaginator
from unfold.widgets import UnfoldAdminSelectWidget

from common.admin import (
    BrandScopedAdminMixin,
    BrandScopedInlineMixin,
    DomainErrorMessageMixin,
    PartialImportMixin,
    copy_saved_fields,
)
from common.scoping import allowed_brand_ids
from contacts.admin import ContactAdmin, ContactAuditLogInline, phone_search_condition
from contacts.models import Contact
from loyalty.choices import CardStatus
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)
from loyalty.resources import (
    BrandContactResource,
    CardResource,
    ProductResource,
    card_save_instance,
    programs_of_limited_user,
)
from loyalty.services.cards import card_block, card_save, enrollment_ensure
from loyalty.services.catalogue import category_save
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
    inlines = [CardInline, EnrollmentInline, ContactAuditLogInline]
    resource_classes = [BrandContactResource]

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
