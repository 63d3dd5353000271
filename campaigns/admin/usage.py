"""The campaigns' uses (read-only)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import AutocompleteSelectFilter
from unfold.paginator import InfinitePaginator

from campaigns.models import CampaignUsage
from common.admin import BrandScopedAdminMixin, ReadOnlyAdminMixin


@admin.register(CampaignUsage)
class CampaignUsageAdmin(ReadOnlyAdminMixin, BrandScopedAdminMixin, ModelAdmin):
    """What each confirmed receipt got from each campaign: written by the tills, never edited."""

    list_display = ("at", "campaign", "purchase_id", "contact", "discount", "points", "value")
    list_select_related = ("campaign", "contact")
    list_filter = (("campaign", AutocompleteSelectFilter), "campaign__brand")
    search_fields = ("=purchase_id",)
    search_help_text = _("A purchase id.")
    fields = ("campaign", "purchase_id", "contact", "at", "discount", "points", "value")
    readonly_fields = fields
    ordering = ("-pk",)
    show_full_result_count = False
    paginator = InfinitePaginator
