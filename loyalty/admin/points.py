"""Points accounts (with the manual adjustment) and the ledger: read-only, points change only through the
ledger's services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.forms import BaseDialogForm
from unfold.paginator import InfinitePaginator
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminIntegerFieldWidget, UnfoldAdminTextareaWidget

from common.admin import ReadOnlyAdminMixin, change_link, changelist_link, redirect_after_dialog
from common.admin.formats import display_value
from common.errors import DomainError
from common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from loyalty.admin.base import (
    PURCHASE_ID_MAX_DIGITS,
    ScopedModelAdmin,
    account_ids_of_contacts,
    contact_ids_by_phone,
    entry_status,
)
from loyalty.models import Account, LedgerEntry, Purchase
from loyalty.selectors import balance
from loyalty.services.adjustments import points_adjust


class AdjustPointsForm(BaseDialogForm):
    """A manual correction of an account's points (`loyalty.services.adjustments.points_adjust`)."""

    points = forms.DecimalField(
        label=_("points"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
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
    manual, audited correction (the entry records who, when and why), allowed to whoever may change contacts, and
    made by the API's service (`points_adjust`): the contact is enrolled in the program, and the account of a
    master account's member has its pool corrected.
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
        account = self.get_queryset(request).select_related("program", "contact", "master_account").get(pk=object_id)
        try:
            adjustment = points_adjust(
                program=account.program,
                contact=account.contact,
                master_account=account.master_account,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            adjusted = adjustment.account
            values = {"points": display_value(form.cleaned_data["points"]), "account": adjusted.pk}
            if adjusted.pk == account.pk:
                message = _("%(points)s points adjusted on account #%(account)s.") % values
            else:
                values["name"] = str(adjusted.master_account)
                message = (
                    _(
                        "%(points)s points adjusted on account #%(account)s, the pool of the master account "
                        "“%(name)s”: the contact's points are kept there."
                    )
                    % values
                )
                account = adjusted
            self.message_user(request, message, messages.SUCCESS)
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
            ", ",
            "{}: {}",
            ((display_value(item["date"]), display_value(item["points"])) for item in current["expiring"][:5]),
        )
        return format_html(
            "{}: <b>{}</b> · {}: <b>{}</b> · {}: {}",
            _("active"),
            display_value(current["active"]),
            _("pending"),
            display_value(current["pending"]),
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
