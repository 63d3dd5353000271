"""Membership: tiers, card types, cards, a contact's enrollment in a program, master accounts."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel, loaded
from common.scoping import ScopedManager, brand_scoped
from loyalty.choices import CardStatus


@brand_scoped("program__brands")
class Tier(TimeStampedModel):
    """A level of a program reached by spend in a window; gives its base accrual percent."""

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="tiers"
    )
    name = models.CharField(_("name"), max_length=100)
    min_spend = MoneyField(_("minimum spend"), validators=[MinValueValidator(Decimal("0"))])
    accrual_percent = models.DecimalField(
        _("accrual percent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    valid_days = models.PositiveIntegerField(_("valid days"), default=365)
    window_days = models.PositiveIntegerField(_("window days"), default=365)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["program", "min_spend"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_program",
                violation_error_message=_("A tier with this name already exists in the program."),
            ),
            models.CheckConstraint(
                condition=Q(min_spend__gte=0),
                name="%(app_label)s_%(class)s_min_spend_not_negative",
                violation_error_message=_("The minimum spend cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(accrual_percent__gte=0, accrual_percent__lte=100),
                name="%(app_label)s_%(class)s_accrual_percent_range",
                violation_error_message=_("The accrual percent is between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@brand_scoped("program__brands")
class CardType(TimeStampedModel):
    """A kind of card in a program (Standard, VIP); numbers are issued from its prefix with a check digit."""

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="card_types"
    )
    name = models.CharField(_("name"), max_length=100)
    number_prefix = models.CharField(
        _("number prefix"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d*$", _("Digits only."))],
    )
    number_length = models.PositiveSmallIntegerField(
        _("number length"), default=13, validators=[MinValueValidator(8), MaxValueValidator(19)]
    )
    next_serial = models.PositiveBigIntegerField(_("next serial"), default=1, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("card type")
        verbose_name_plural = _("card types")
        ordering = ["program", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_program",
                violation_error_message=_("A card type with this name already exists in the program."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.program})"


@brand_scoped("card_type__program__brands")
class Card(TimeStampedModel):
    """A loyalty card: issued from a card type, bound to a contact (or not yet), active or blocked."""

    BRAND_SCOPE = ("card_type__program__brands",)
    BRAND_SCOPE_MULTI = True

    number = models.CharField(_("number"), max_length=32, unique=True, validators=[RegexValidator(r"^[0-9A-Za-z-]+$")])
    card_type = models.ForeignKey(CardType, verbose_name=_("card type"), on_delete=models.PROTECT, related_name="cards")
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE, db_index=True
    )
    bound_at = models.DateTimeField(_("bound at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.number


@brand_scoped("program__brands")
class Enrollment(TimeStampedModel):
    """A contact's participation in a program: made when a card is bound or the contact joins; holds the tier."""

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="enrollments"
    )
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tier_valid_until = models.DateTimeField(_("tier valid until"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "program"],
                name="%(app_label)s_%(class)s_unique_contact_program",
                violation_error_message=_("The contact is already in this program."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(contact)s in %(program)s") % {"contact": self.contact, "program": self.program}


@brand_scoped("program__brands")
class MasterAccount(TimeStampedModel):
    """A family or company account that pools its members' points in one program."""

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    name = models.CharField(_("name"), max_length=200)
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="master_accounts"
    )
    members = models.ManyToManyField(
        "contacts.Contact",
        verbose_name=_("members"),
        through="MasterAccountMember",
        related_name="master_accounts",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("master account")
        verbose_name_plural = _("master accounts")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("program__brands")
class MasterAccountMember(TimeStampedModel):
    """A contact's membership of a master account; a contact belongs to at most one per program."""

    master_account = models.ForeignKey(
        MasterAccount, verbose_name=_("master account"), on_delete=models.CASCADE, related_name="memberships"
    )
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+", editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("master account member")
        verbose_name_plural = _("master account members")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "program"],
                name="%(app_label)s_%(class)s_one_per_program",
                violation_error_message=_("The contact already belongs to a master account in this program."),
            ),
        ]

    def __str__(self) -> str:
        # The master account's inline loads both (its parent, `select_related`); ids otherwise, never a query.
        contact = loaded(self, "contact") or gettext("contact #%(id)s") % {"id": self.contact_id}
        account = loaded(self, "master_account")
        if account is None:
            return gettext("%(contact)s in master account #%(id)s") % {"contact": contact, "id": self.master_account_id}
        return gettext("%(contact)s in the master account %(account)s") % {"contact": contact, "account": account}
