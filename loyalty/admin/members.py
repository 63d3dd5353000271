"""Tiers, card types, cards, enrollments and master accounts."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet
from unfold.paginator import InfinitePaginator

from common.admin import BrandScopedInlineMixin, PartialImportMixin, add_domain_error, copy_saved_fields
from common.errors import DomainError
from contacts.admin import phone_search_condition
from loyalty.admin.base import ScopedModelAdmin
from loyalty.choices import CardStatus
from loyalty.models import Card, CardType, Enrollment, MasterAccount, MasterAccountMember, Tier
from loyalty.resources import CardResource, card_save_instance
from loyalty.services.cards import card_block, card_save, enrollment_ensure
from loyalty.services.master_accounts import (
    master_account_create,
    master_account_program_check,
    master_account_set_members,
    master_account_update,
)
from loyalty.services.tiers import tier_manual_validity, tier_set_manually


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
    """A contact's enrollment and its tier set by hand; the rules are `tier_manual_validity`'s (an empty date: the
    tier's `valid_days` from now)."""

    class Meta:
        model = Enrollment
        fields = ("contact", "program", "tier", "tier_valid_until")
        help_texts = {"tier_valid_until": _("Empty: the tier's number of valid days from now.")}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        program = cleaned.get("program") or getattr(self.instance, "program", None)
        setting = manual_tier(self)
        if program is not None and setting is not None:
            try:
                tier_manual_validity(program_id=program.pk, now=timezone.now(), **setting)
            except DomainError as exc:
                add_domain_error(self, exc)
        return cleaned


def manual_tier(form: forms.ModelForm) -> dict[str, Any] | None:
    """The tier the form sets by hand and the date given, or None when it sets none (a new enrollment without a
    tier; neither the tier nor its date changed). The date field shows the stored date: untouched, it is not given."""
    data = form.cleaned_data
    changed = set(form.changed_data)
    adding = form.instance.pk is None
    if (adding and data.get("tier") is None) or (not adding and not {"tier", "tier_valid_until"} & changed):
        return None
    return {
        "tier": data.get("tier"),
        "valid_until": data.get("tier_valid_until") if "tier_valid_until" in changed else None,
    }


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
        enrollment = obj if change else enrollment_ensure(contact=obj.contact, program=obj.program)
        setting = manual_tier(form)
        if setting is not None:
            enrollment = tier_set_manually(enrollment=enrollment, user=request.user, **setting)
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


class MasterAccountAdminForm(forms.ModelForm):
    """An account's name and program; the program changes only as `master_account_program_check` allows."""

    class Meta:
        model = MasterAccount
        fields = ("name", "program")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        program = cleaned.get("program")
        if program is not None and self.instance.pk is not None:
            try:
                master_account_program_check(account=self.instance, program=program)
            except DomainError as exc:
                add_domain_error(self, exc)
        return cleaned


@admin.register(MasterAccount)
class MasterAccountAdmin(ScopedModelAdmin):
    form = MasterAccountAdminForm
    list_display = ("name", "program", "created_at")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fields = ("name", "program", "created_at", "updated_at")
    inlines = [MasterAccountMemberInline]
    ordering = ("name",)

    def save_model(self, request: HttpRequest, obj: MasterAccount, form: forms.ModelForm, change: bool) -> None:
        # The members are the inline's: `save_formset` hands them to the service.
        data = {key: form.cleaned_data[key] for key in ("name", "program")}
        saved = master_account_update(account=obj, data=data) if change else master_account_create(data=data)
        copy_saved_fields(saved, obj)

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
