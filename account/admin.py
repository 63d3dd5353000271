"""The assistants' conversation notes in the admin: read-only, the brand's own, searchable by the contact."""

from django.contrib import admin
from unfold.admin import ModelAdmin

from account.models import ContactNote
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin, ScopedRelatedDropdownFilter


@admin.register(ContactNote)
class ContactNoteAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    list_display = ("created_at", "contact", "brand", "store", "author", "text")
    list_select_related = ("contact", "brand", "store", "author")
    list_filter = (("brand", ScopedRelatedDropdownFilter), ("store", ScopedRelatedDropdownFilter))
    search_fields = ("=contact__phone", "text")
    date_hierarchy = "created_at"
    fields = ("contact", "brand", "store", "author", "text", "created_at")
    readonly_fields = fields
