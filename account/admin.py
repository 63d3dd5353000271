"""The assistants' conversation notes in the admin: read-only, the brand's own, found by the customer's phone or card.

Fast with a million notes: the newest first from the (brand, created_at) index, no full count (an endless
paginator, as for purchases), and a search that finds the contacts first (phone or card, each an indexed equality)
and then their notes."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.paginator import InfinitePaginator

from account.models import ContactNote
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, ScopedRelatedDropdownFilter
from contacts.models import Contact
from contacts.normalize import normalize_phone
from loyalty.models import Card


@admin.register(ContactNote)
class ContactNoteAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = ("created_at", "contact", "brand", "store", "author", "text")
    list_select_related = ("contact", "brand", "store", "author")
    list_filter = (("brand", ScopedRelatedDropdownFilter), ("store", ScopedRelatedDropdownFilter))
    search_fields = ("contact__phone",)
    search_help_text = _("A customer's phone or card number.")
    ordering = ("-created_at", "-pk")
    show_full_result_count = False
    paginator = InfinitePaginator
    fields = ("contact", "brand", "store", "author", "text", "created_at")
    readonly_fields = fields

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        holders = set(Card.objects.filter(number=term).exclude(contact=None).values_list("contact_id", flat=True))
        try:
            phone = normalize_phone(term)
        except ValidationError:
            phone = None
        if phone:
            holders |= set(Contact.objects.filter(phone=phone).values_list("pk", flat=True))
        return queryset.filter(contact_id__in=holders), False
