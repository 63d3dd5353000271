"""Purchases with their lines and refunds, refunds, tier changes: read-only, as the tills and the services
wrote them."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display
from unfold.paginator import InfinitePaginator

from common.admin import ReadOnlyAdminMixin, ReadOnlyInline, changelist_link
from loyalty.admin.base import ScopedModelAdmin, contact_ids_by_phone
from loyalty.models import Card, LedgerEntry, Purchase, PurchaseLine, Refund, RefundLine, TierChange

APPLIED_TEMPLATE = "admin/loyalty/purchase/applied.html"


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except InvalidOperation:
        return Decimal(0)


def line_applied_campaigns(line: PurchaseLine) -> list[dict[str, Any]]:
    """A line's campaigns as the till was answered (`PurchaseLine.applied`: name, discount and points as two-place
    strings), each with its amounts as numbers for the page to format."""
    items = line.applied if isinstance(line.applied, list) else []
    return [
        {
            "name": item.get("name") or f"#{item.get('campaign_id', '')}",
            "discount": _amount(item.get("discount")),
            "points": _amount(item.get("points")),
        }
        for item in items
        if isinstance(item, dict)
    ]


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
        "applied_campaigns",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("product")

    @display(description=_("applied campaigns"))
    def applied_campaigns(self, obj: PurchaseLine) -> str:
        """One line per campaign: its name, then the discount and the points it gave (those that are not zero)."""
        return render_to_string(APPLIED_TEMPLATE, {"applied": line_applied_campaigns(obj)})


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

    class Media:
        css = {"all": ("loyalty/purchase_admin.css",)}

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

    @display(description=_("store"), ordering="purchase__store__name")
    def purchase_store(self, obj: Refund) -> str:
        return str(obj.purchase.store)


@admin.register(TierChange)
class TierChangeAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("at", "contact", "program", "from_tier", "to_tier", "reason", "created_by")
    list_select_related = ("enrollment__contact", "enrollment__program", "from_tier", "to_tier", "created_by")
    list_filter = ("enrollment__program", "reason")
    search_fields = ("=enrollment__contact__phone",)
    search_help_text = _("Phone of the contact.")
    fields = ("enrollment", "at", "from_tier", "to_tier", "reason", "created_by")
    readonly_fields = fields
    ordering = ("-at", "-pk")
    show_full_result_count = False
    paginator = InfinitePaginator

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
