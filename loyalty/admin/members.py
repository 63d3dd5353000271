"""Tiers, card types, cards, enrollments and master accounts."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.decorators import display
from unfold.forms import PaginationInlineFormSet
from unfold.paginator import InfinitePaginator

from common.admin import BrandScopedInlineMixin, PartialImportMixin, copy_saved_fields
from contacts.admin import phone_search_condition
from loyalty.admin.base import ScopedModelAdmin
from loyalty.choices import CardStatus
from loyalty.models import Card, CardType, Enrollment, MasterAccount, MasterAccountMember, Tier
from loyalty.resources import CardResource, card_save_instance
from loyalty.services.cards import card_block, card_save, enrollment_ensure
from loyalty.services.master_accounts import master_account_set_members


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
