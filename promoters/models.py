"""Stands at events and the leads their promoters capture there."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel
from common.money import ZERO
from common.scoping import ScopedManager, brand_scoped

# A stand's code is the last part of its page's address (/promo/<code>/): letters, digits, "-" and "_".
STAND_CODE = RegexValidator(r"^[A-Za-z0-9_-]+$", _("Letters, digits, hyphens and underscores only."))


@brand_scoped("brand")
class Stand(TimeStampedModel):
    """A brand's stand at an event: its page (/promo/<code>/) is where its promoters capture leads."""

    # What staff set, in the order the forms show it: the service, the admin's form and the API's serializer read it.
    EDITABLE_FIELDS = (
        "brand",
        "name",
        "code",
        "event",
        "place",
        "starts_at",
        "ends_at",
        "promoters",
        "welcome_points",
        "consent_version",
        "terms_url",
    )

    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=50,
        unique=True,
        validators=[STAND_CODE],
        help_text=_("The last part of the page's address: /promo/CODE/."),
    )
    event = models.CharField(_("event"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    promoters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("promoters"),
        blank=True,
        related_name="stands",
        help_text=_("Staff who capture leads here; each must work in the stand's brand."),
    )
    welcome_points = MoneyField(
        _("welcome points"),
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Given to a lead who joins the brand's program at this stand."),
    )
    consent_version = models.CharField(
        _("consent text version"),
        max_length=32,
        blank=True,
        help_text=_("Stored with every lead; empty: the installation's default (PROMOTERS_CONSENT_VERSION)."),
    )
    terms_url = models.URLField(_("terms address"), blank=True, help_text=_("Where the full terms can be read."))
    # Counted as leads are captured (an F() update in the lead's transaction), so a list of stands never counts a
    # million leads.
    lead_count = models.PositiveIntegerField(_("leads"), default=0, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("stand")
        verbose_name_plural = _("stands")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The stand must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(welcome_points__gte=0),
                name="%(app_label)s_%(class)s_welcome_points_not_negative",
                violation_error_message=_("Welcome points cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def consent_version_shown(self) -> str:
        return self.consent_version or settings.PROMOTERS_CONSENT_VERSION


@brand_scoped("stand__brand")
class Lead(TimeStampedModel):
    """A visitor captured at a stand: what was typed, the consents given, and the contact it became or matched."""

    # What a lead shows, in the API and the admin (read-only in both: a lead is a record of what happened).
    SHOWN_FIELDS = (
        "client_id",
        "stand",
        "promoter",
        "contact",
        "card",
        "created",
        "phone",
        "first_name",
        "email",
        "birth_date",
        "consent_terms",
        "consent_marketing",
        "consent_version",
        "welcome_points",
        "address",
        "captured_at",
        "created_at",
    )

    # The client's id for the lead (a UUID made on the tablet): the same id is one lead, however often it is sent.
    client_id = models.UUIDField(_("client id"), unique=True)
    # No indexes of their own: the (stand, …) and (promoter, …) indexes below serve the foreign keys.
    stand = models.ForeignKey(
        Stand, verbose_name=_("stand"), on_delete=models.PROTECT, related_name="leads", db_index=False
    )
    promoter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("promoter"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Null only once the contact was deleted (the lead stays in the stand's figures).
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), null=True, on_delete=models.SET_NULL, related_name="leads"
    )
    card = models.ForeignKey(
        "loyalty.Card", verbose_name=_("card"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.BooleanField(_("new contact"), help_text=_("A new contact, or one matched by the phone."))
    phone = models.CharField(_("phone"), max_length=20)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    consent_terms = models.BooleanField(_("accepted the terms"))
    consent_marketing = models.BooleanField(_("agreed to marketing"))
    consent_version = models.CharField(_("consent text version"), max_length=32)
    welcome_points = MoneyField(_("welcome points"), default=ZERO)
    address = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    # When it was typed (the tablet's clock, for a lead kept offline); `created_at` is when it arrived.
    captured_at = models.DateTimeField(_("captured at"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-captured_at", "-pk"]
        # The figures (leads, new contacts and points per stand, promoter and hour) are counted from these indexes
        # alone: each carries what they read (PostgreSQL; elsewhere the included columns are left out). Measured on
        # 1,000,000 leads: a stand's page and its stats from heap visits of seconds to index-only scans.
        indexes = [
            # A stand's leads and figures, and the leads' list filtered by stand.
            models.Index(
                fields=["stand", "captured_at"],
                include=["promoter", "created", "welcome_points"],
                name="promoters_lead_stand_captured",
            ),
            # The leads' list (latest first) and its figures over a window of days.
            models.Index(
                fields=["captured_at"],
                include=["stand", "promoter", "created", "welcome_points"],
                name="promoters_lead_at",
            ),
            # A promoter's leads (the list filtered by promoter, the leaderboard's line).
            models.Index(
                fields=["promoter", "captured_at"],
                include=["stand", "created", "welcome_points"],
                name="promoters_lead_promoter_at",
            ),
            # The rate limits: leads received lately from a stand, from an address.
            models.Index(fields=["stand", "created_at"], name="promoters_lead_stand_received"),
            models.Index(fields=["address", "created_at"], name="promoters_lead_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.stand_id}"
