"""The organisation: programs, partners, brands, stores and their cash registers."""

import hashlib
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import MoneyField, TimeStampedModel
from common.scoping import ScopedManager, brand_scoped


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(value)s"), params={"value": value}, code="invalid")


@brand_scoped("brands")
class Program(TimeStampedModel):
    """A loyalty program: the rules of points shared by the brands that use it."""

    BRAND_SCOPE = ("brands",)
    BRAND_SCOPE_MULTI = True

    name = models.CharField(_("name"), max_length=200)
    point_value = MoneyField(
        _("point value"),
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Currency per point."),
    )
    max_redeem_percent = models.DecimalField(
        _("max redeem percent"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of a receipt payable with points."),
    )
    activation_days = models.PositiveIntegerField(
        _("activation days"), default=0, help_text=_("Points stay pending this long.")
    )
    expires_in_days = models.PositiveIntegerField(
        _("expires in days"),
        null=True,
        blank=True,
        help_text=_("Lifetime of base accrual points; empty = never."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(point_value__gt=0),
                name="%(app_label)s_%(class)s_point_value_positive",
                violation_error_message=_("The point value must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_redeem_percent__gte=0, max_redeem_percent__lte=100),
                name="%(app_label)s_%(class)s_max_redeem_percent_range",
                violation_error_message=_("The redeem share is between 0 and 100 %."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@brand_scoped("stores__brand")
class Partner(TimeStampedModel):
    """A company that owns stores; partners settle with each other for points earned at one and spent at another."""

    BRAND_SCOPE = ("stores__brand",)
    BRAND_SCOPE_MULTI = True

    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("pk")
class Brand(TimeStampedModel):
    """A retail brand: its stores, catalogue and campaigns; managers may be limited to some brands."""

    BRAND_SCOPE = ("pk",)

    name = models.CharField(_("name"), max_length=200)
    program = models.ForeignKey(Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="brands")
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="RUB",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code of three capital letters."))],
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("managers"),
        blank=True,
        related_name="managed_brands",
        help_text=_("Staff limited to these brands see only their objects. Staff in no brand see all."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("brand")
class Store(TimeStampedModel):
    """A shop of a brand, owned by a partner, in a time zone."""

    BRAND_SCOPE = ("brand",)

    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="stores")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="stores")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_timezone])
    city = models.CharField(_("city"), max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "code"],
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_unique_code_per_brand",
                violation_error_message=_("A store with this code already exists in the brand."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


def hash_api_key(key: str) -> str:
    """Register keys are long random strings, so one SHA-256 is enough to keep them unreadable at rest."""
    return hashlib.sha256(key.encode()).hexdigest()


@brand_scoped("store__brand")
class Register(TimeStampedModel):
    """A cash register (or a web shop, an app): fixes store, brand and program for every POS call."""

    BRAND_SCOPE = ("store__brand",)

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="registers")
    code = models.CharField(_("code"), max_length=50)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    software_version = models.CharField(_("software version"), max_length=100, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    api_key_hash = models.CharField(_("API key hash"), max_length=64, unique=True, editable=False)
    api_key_prefix = models.CharField(_("API key prefix"), max_length=8, editable=False, blank=True)
    is_active = models.BooleanField(pgettext_lazy("register", "active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "code"],
                name="%(app_label)s_%(class)s_unique_code_per_store",
                violation_error_message=_("A register with this code already exists in the store."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.store} / {self.code}"
