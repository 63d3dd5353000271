"""Campaigns, product segments, customer segments (materialised membership) and campaign usage for limits."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel, loaded
from common.scoping import ScopedManager, brand_scoped, internal

from .choices import CampaignStatus, Combine
from .engine.control import MAX_CONTROL_PERCENT

MAX_RECOMPUTE_MINUTES = 43200  # 30 days


@brand_scoped("brand")
class ProductSegment(TimeStampedModel):
    """A set of a brand's products: listed SKUs, whole categories (with their descendants), minus exclusions."""

    BRAND_SCOPE = ("brand",)

    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), on_delete=models.CASCADE, related_name="product_segments"
    )
    name = models.CharField(_("name"), max_length=200)
    skus = models.JSONField(_("SKUs"), default=list, blank=True)
    categories = models.ManyToManyField(
        "loyalty.Category", verbose_name=_("categories"), blank=True, related_name="product_segments"
    )
    exclude_skus = models.JSONField(_("excluded SKUs"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("product segment")
        verbose_name_plural = _("product segments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("program__brands")
class Segment(TimeStampedModel):
    """A customer segment of a program: rules, and the members as last recomputed (or added by hand).

    The rules are compiled to one query over the program's contacts (`campaigns.segments`); the members are stored,
    each with the time they entered and left, recomputed every `recompute_minutes` by the `segments` job and on
    demand. Contacts added by hand stay members whatever the rules say, until they are removed by hand.
    """

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    name = models.CharField(_("name"), max_length=200)
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="segments"
    )
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    recompute_minutes = models.PositiveIntegerField(
        _("recompute every (minutes)"),
        default=60,
        validators=[MaxValueValidator(MAX_RECOMPUTE_MINUTES)],
        help_text=_("0 = only on demand."),
    )
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    recomputed_at = models.DateTimeField(_("recomputed at"), null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("segment__program__brands")
class SegmentMember(models.Model):
    """A contact's stay in a customer segment: from `entered_at` until `left_at` (empty while a member).

    A contact who leaves and comes back has one row per stay, so the history stays. `manual`: added by hand, kept
    whatever the rules say until removed by hand.
    """

    segment = models.ForeignKey(Segment, verbose_name=_("segment"), on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="segment_memberships"
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    manual = models.BooleanField(_("added by hand"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("segment member")
        verbose_name_plural = _("segment members")
        constraints = [
            # One current stay per contact and segment; its index also serves "the current members of a segment"
            # and the recompute's anti-joins (which contacts entered, which left).
            models.UniqueConstraint(
                fields=["segment", "contact"],
                condition=Q(left_at__isnull=True),
                name="%(app_label)s_%(class)s_one_current_stay",
            ),
        ]
        indexes = [
            # A contact's segments (the till's audience check, trigger audiences) and the cascade of a contact.
            models.Index(fields=["contact"], name="campaigns_segmember_contact"),
            # A segment's history, latest first (the admin's members panel), without sorting a million rows.
            models.Index(fields=["segment", "-entered_at"], name="campaigns_segmember_history"),
        ]

    def __str__(self) -> str:
        # The segment's inline loads both (its parent, `select_related`); ids otherwise, never a query.
        contact = loaded(self, "contact") or gettext("contact #%(id)s") % {"id": self.contact_id}
        segment = loaded(self, "segment")
        if segment is None:
            return gettext("%(contact)s in segment #%(id)s") % {"contact": contact, "id": self.segment_id}
        return gettext("%(contact)s in the segment %(segment)s") % {"contact": contact, "segment": segment}


@brand_scoped("brand")
class Campaign(TimeStampedModel):
    """A promotion of a brand: who, what, when and how (the mechanic), its priority and combination mode."""

    BRAND_SCOPE = ("brand",)

    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="campaigns"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT, db_index=True
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    priority = models.IntegerField(_("priority"), default=0, help_text=_("Higher first."))
    combine = models.CharField(_("combination"), max_length=12, choices=Combine.choices, default=Combine.SUM)
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    product_segment = models.ForeignKey(
        ProductSegment,
        verbose_name=_("product segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("Empty = every product."),
    )
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    requires_code = models.BooleanField(_("requires a promo code"), default=False)
    mechanic = models.JSONField(_("mechanic"))
    hint = models.CharField(
        _("hint"), max_length=300, blank=True, help_text=_("Placeholders: {missing_amount}, {missing_quantity}.")
    )
    limits = models.JSONField(_("limits"), default=dict, blank=True)
    control_percent = models.PositiveSmallIntegerField(
        _("control group (%)"),
        default=0,
        validators=[MaxValueValidator(MAX_CONTROL_PERCENT)],
        help_text=_(
            "The share of the audience held out to measure the campaign's effect (0–50): chosen by a stable hash "
            "of campaign and contact, they never get the campaign and are not told so. 0: no control group."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            models.CheckConstraint(
                condition=Q(control_percent__lte=MAX_CONTROL_PERCENT),
                name="%(app_label)s_%(class)s_control_percent_range",
                violation_error_message=_("The control group is at most half of the audience."),
            ),
        ]
        indexes = [models.Index(fields=["brand", "status"], name="campaigns_brand_status")]

    def __str__(self) -> str:
        return self.name


@brand_scoped("campaign__brand")
class CampaignUsage(models.Model):
    """One use of a campaign by a confirmed purchase: what it gave, for limits, budgets and the campaign page."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="usages",
        db_index=False,  # both indexes below lead with it; a confirm writes ~30 uses, each one index entry fewer
    )
    purchase_id = models.BigIntegerField(_("purchase"), db_index=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    discount = MoneyField(_("discount"), default=0)
    points = MoneyField(_("points"), default=0)
    value = MoneyField(_("value"), default=0, help_text=_("Discount plus points × point value."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign use")
        verbose_name_plural = _("campaign uses")
        indexes = [
            models.Index(fields=["campaign", "at"], name="campaigns_usage_campaign_at"),
            models.Index(fields=["campaign", "contact", "at"], name="campaigns_usage_contact_at"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} on {self.purchase_id}"


@brand_scoped("campaign__brand")
class CampaignCounter(models.Model):
    """A campaign's running totals, locked on every confirm that uses the campaign so limits never overrun."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="counter", primary_key=True)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    spent = MoneyField(_("spent"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign counter")
        verbose_name_plural = _("campaign counters")

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.uses} uses, {self.spent}"


@internal
class SnapshotVersion(models.Model):
    """One row per brand, bumped by every change that affects its campaigns: the process caches compare it."""

    brand = models.OneToOneField("loyalty.Brand", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"{self.brand_id}@{self.version}"


@brand_scoped("winner__brand")
class ConflictNotice(models.Model):
    """An e-mail sent to the owner of a campaign that lost an exclusive tie: at most once a day per pair."""

    winner = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    loser = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign conflict notice")
        verbose_name_plural = _("campaign conflict notices")
        constraints = [
            models.UniqueConstraint(fields=["winner", "loser", "day"], name="%(app_label)s_%(class)s_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.winner_id} over {self.loser_id} on {self.day}"
