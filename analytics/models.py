"""Analytics' own records: the daily count of active contacts (licence use)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, brand_scoped


@brand_scoped("brand")
class LicenceUsage(TimeStampedModel):
    """One day's count of active contacts as the daily `licence` job saw it: of one brand (the active contacts
    enrolled in its program), or of the whole installation (no brand; with the licence of that day and whether its
    90 % e-mail went out). The licence-use chart draws them over time."""

    day = models.DateField(_("day"))
    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.PositiveIntegerField(_("active contacts"))
    licensed = models.PositiveIntegerField(
        _("licensed active contacts"), default=0, help_text=_("The licence on that day; 0 = unlimited.")
    )
    alerted = models.BooleanField(
        _("e-mail sent"), default=False, help_text=_("Superusers were told that 90 percent of the licence was used.")
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("licence use")
        verbose_name_plural = _("licence use")
        ordering = ["-day", "brand_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "brand"],
                condition=Q(brand__isnull=False),
                name="%(app_label)s_%(class)s_one_per_brand_and_day",
                violation_error_message=_("The day's count of this brand is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(brand__isnull=True),
                name="%(app_label)s_%(class)s_one_total_per_day",
                violation_error_message=_("The day's total is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.brand if self.brand is not None else _("all brands")
        return f"{self.day}: {self.active} ({scope})"


# The summary tables (analytics.summaries): daily figures per register, store, brand, hour, contact, campaign,
# product and the ledger, filled by the `analytics` job.
from analytics.summaries.models import (  # noqa: E402
    BrandDay,
    CampaignDay,
    ContactDay,
    ContactDayPack,
    ContactFirst,
    LedgerDay,
    ProductDay,
    RegisterDay,
    RegisterHour,
    StoreDay,
    SummaryState,
)

__all__ = [
    "BrandDay",
    "CampaignDay",
    "ContactDay",
    "ContactDayPack",
    "ContactFirst",
    "LedgerDay",
    "LicenceUsage",
    "ProductDay",
    "RegisterDay",
    "RegisterHour",
    "StoreDay",
    "SummaryState",
]
