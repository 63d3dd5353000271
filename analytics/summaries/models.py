"""The summary tables: what the receipts of a day add up to, per register, store, brand, hour, contact, campaign and
product, in the store's own time zone (a store's day is its local calendar day).

Every figure follows the contract's "from confirmed purchases net of refunds": money is what was paid (`payable`)
less every refund of the purchase known when the day was summarised; a purchase whose refunds gave back all it was
paid is no receipt at all (it counts in no receipt, buyer or visit), as the metrics count it too. Points accrued and
redeemed are the receipts' points less the points their refunds revoked and returned. Discount is what the till gave.

Rows are derived data: deleted and written again whenever a day of a store is refreshed (`refresh.py`), never edited
by anyone. The high-volume ones (contacts, products) carry no timestamps of their own (`SummaryState` says when
they were computed): a timestamp and its index on every one of 100,000 rows a day would cost the refresh and tell
nobody anything.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel
from common.scoping import ScopedManager, brand_scoped, internal


class InStore(models.Model):
    """A row of a store (and so of its brand: copied for filtering without joins)."""

    store = models.ForeignKey("loyalty.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class AtRegister(InStore):
    """A row of a register (its store and brand copied)."""

    register = models.ForeignKey(
        "loyalty.Register", verbose_name=_("register"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


def unchecked_key(model: str, label: Any, *, index: bool) -> models.ForeignKey:
    """A foreign key of the high-volume summaries (contacts' days and first receipts, ~70,000 rows a day each) that
    the database does not check: each checked key costs a deferred trigger per row at commit (a key-share lock on the
    row it names), a quarter of the refresh's time for these two tables. Deleting the row it names still deletes
    these (Django cascades), and a refresh writes them from rows that exist. `index` off where a composite index
    of the table starts with the column."""
    return models.ForeignKey(
        model, verbose_name=label, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=index
    )


class DayFigures(models.Model):
    """The figures every daily row of registers, stores and brands carries."""

    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    identified = models.PositiveIntegerField(_("identified receipts"), default=0)
    revenue = MoneyField(_("revenue"), default=0, help_text=_("Paid, less refunds."))
    refunded = MoneyField(_("refunded"), default=0)
    discount = MoneyField(_("discount"), default=0)
    points_accrued = MoneyField(_("points accrued"), default=0)
    points_redeemed = MoneyField(_("points redeemed"), default=0)

    class Meta:
        abstract = True


@brand_scoped("brand")
class RegisterDay(TimeStampedModel, DayFigures, AtRegister):
    """A register's receipts of one local day (store, brand and partner copied for filtering without joins)."""

    day = models.DateField(_("day"))
    partner = models.ForeignKey(
        "loyalty.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("register day")
        verbose_name_plural = _("register days")
        constraints = [
            models.UniqueConstraint(fields=["register", "day"], name="%(app_label)s_%(class)s_one_per_day"),
        ]
        indexes = [
            models.Index(fields=["brand", "day"], name="analytics_registerday_brand"),
            models.Index(fields=["store", "day"], name="analytics_registerday_store"),
        ]

    def __str__(self) -> str:
        return f"{self.day} register {self.register_id}: {self.receipts}"


@brand_scoped("brand")
class StoreDay(TimeStampedModel, DayFigures, InStore):
    """A store's receipts of one local day, with its distinct buyers."""

    day = models.DateField(_("day"))
    partner = models.ForeignKey(
        "loyalty.Partner", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    buyers = models.PositiveIntegerField(_("buyers"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("store day")
        verbose_name_plural = _("store days")
        constraints = [
            models.UniqueConstraint(fields=["store", "day"], name="%(app_label)s_%(class)s_one_per_day"),
        ]
        indexes = [models.Index(fields=["brand", "day"], name="analytics_storeday_brand")]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id}: {self.receipts}"


@brand_scoped("brand")
class BrandDay(TimeStampedModel, DayFigures):
    """A brand's receipts of one day (each store's local day), with its distinct buyers."""

    day = models.DateField(_("day"))
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.CASCADE, related_name="+")
    buyers = models.PositiveIntegerField(_("buyers"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("brand day")
        verbose_name_plural = _("brand days")
        constraints = [
            models.UniqueConstraint(fields=["brand", "day"], name="%(app_label)s_%(class)s_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} brand {self.brand_id}: {self.receipts}"


@brand_scoped("brand")
class RegisterHour(AtRegister):
    """A register's receipts in one hour of a local day (the register-load heatmap: weekday × hour, store-local)."""

    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("1 = Monday … 7 = Sunday."))
    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    revenue = MoneyField(_("revenue"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("register hour")
        verbose_name_plural = _("register hours")
        constraints = [
            models.UniqueConstraint(fields=["register", "day", "hour"], name="%(app_label)s_%(class)s_one_per_hour"),
        ]
        indexes = [
            models.Index(fields=["store", "day"], name="analytics_registerhour_store"),
            models.Index(fields=["brand", "day"], name="analytics_registerhour_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}h register {self.register_id}: {self.receipts}"


@brand_scoped("brand")
class ContactDay(AtRegister):
    """A contact's receipts at one register on one local day: who bought when and where, for distinct buyers over
    any period and group, and for the contact-level metrics. `first_at` is the day's earliest of them.

    `prev_*` is the day of the contact's previous row at the same register, store, brand, or anywhere, rows taken in
    the order (day, store, register), so a later row of the same day has that day. They make "distinct contacts of
    a period" a plain count: a contact's first row of the period in a scope is the one row whose previous day there
    is before the period (or none). The refresh keeps them exact (`previous.py`)."""

    day = models.DateField(_("day"))
    store = unchecked_key("loyalty.Store", _("store"), index=False)  # (store, day, register, contact) unique
    brand = unchecked_key("loyalty.Brand", _("brand"), index=False)  # (brand, day, contact)
    register = unchecked_key("loyalty.Register", _("register"), index=True)
    contact = unchecked_key("contacts.Contact", _("contact"), index=False)  # (contact, brand, first_at)
    first_at = models.DateTimeField(_("first receipt at"))
    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    revenue = MoneyField(_("revenue"), default=0)
    discount = MoneyField(_("discount"), default=0)
    points_accrued = MoneyField(_("points accrued"), default=0)
    points_redeemed = MoneyField(_("points redeemed"), default=0)
    prev_register = models.DateField(_("previous day at the register"), null=True, blank=True)
    prev_store = models.DateField(_("previous day at the store"), null=True, blank=True)
    prev_brand = models.DateField(_("previous day at the brand"), null=True, blank=True)
    prev_any = models.DateField(_("previous day at any brand"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact day")
        verbose_name_plural = _("contact days")
        constraints = [
            models.UniqueConstraint(
                fields=["store", "day", "register", "contact"], name="%(app_label)s_%(class)s_one_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "day", "contact"], name="analytics_contactday_brand"),
            models.Index(fields=["contact", "brand", "first_at"], name="analytics_contactday_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.day} contact {self.contact_id} at register {self.register_id}"


@brand_scoped("brand")
class ContactDayPack(models.Model):
    """A brand-day's `ContactDay` rows as arrays (`packs.py`), so that a long period's distinct contacts are counted
    in memory from a few hundred rows. Per run of rows at one register: `registers`, `stores` (int64), `sizes`, and
    its first receipts at the brand and at any brand, `new_brand` and `new_overall` (int32); per first receipt, in run
    order, `first_contacts` and `first_ats` (int64, µs since 1970); per row, in run order, `contacts` (int64) and
    `gap_*` (int16): the days since the contact's previous row at the register, store, brand or anywhere (`prev_*`;
    32767 for none)."""

    brand = unchecked_key("loyalty.Brand", _("brand"), index=False)  # (brand, day) unique
    day = models.DateField(_("day"))
    registers = models.BinaryField(_("registers"))
    stores = models.BinaryField(_("stores"))
    sizes = models.BinaryField(_("rows per register"))
    gap_register = models.BinaryField(_("days since the previous at the register"))
    gap_store = models.BinaryField(_("days since the previous at the store"))
    gap_brand = models.BinaryField(_("days since the previous at the brand"))
    gap_any = models.BinaryField(_("days since the previous at any brand"))
    new_brand = models.BinaryField(_("first receipts at the brand"))
    new_overall = models.BinaryField(_("first receipts at any brand"))
    contacts = models.BinaryField(_("contacts"))
    first_contacts = models.BinaryField(_("contacts of the first receipts"))
    first_ats = models.BinaryField(_("times of the first receipts"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact-day pack")
        verbose_name_plural = _("contact-day packs")
        constraints = [models.UniqueConstraint(fields=["brand", "day"], name="%(app_label)s_%(class)s_one_per_day")]

    def __str__(self) -> str:
        return f"{self.day} brand {self.brand_id}"


@brand_scoped("brand")
class ContactFirst(AtRegister):
    """A contact's first counted receipt at a brand: when, where (new contacts of a period and of a group).
    `first_overall`: it is also the contact's first at every brand (the earliest, ties to the lower brand id), so
    that the new contacts of every brand are a plain count (kept by the refresh, `previous.py`)."""

    store = unchecked_key("loyalty.Store", _("store"), index=True)
    brand = unchecked_key("loyalty.Brand", _("brand"), index=False)  # (brand, contact) unique
    register = unchecked_key("loyalty.Register", _("register"), index=True)
    contact = unchecked_key("contacts.Contact", _("contact"), index=False)  # (contact, first_at)
    first_at = models.DateTimeField(_("first receipt at"))
    day = models.DateField(_("day"))
    first_overall = models.BooleanField(_("first at any brand"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("first receipt")
        verbose_name_plural = _("first receipts")
        constraints = [
            models.UniqueConstraint(fields=["brand", "contact"], name="%(app_label)s_%(class)s_one_per_brand"),
        ]
        indexes = [
            models.Index(fields=["brand", "day"], name="analytics_contactfirst_day"),
            models.Index(fields=["contact", "first_at"], name="analytics_contactfirst_at"),
        ]

    def __str__(self) -> str:
        return f"contact {self.contact_id} first at brand {self.brand_id} on {self.day}"


@brand_scoped("brand")
class CampaignDay(InStore):
    """What a campaign touched and cost at one store on one local day (its uses by the day's receipts)."""

    day = models.DateField(_("day"))
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    discount = MoneyField(_("discount"), default=0)
    points = MoneyField(_("points"), default=0)
    value = MoneyField(_("cost"), default=0, help_text=_("Discount plus points × point value."))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign day")
        verbose_name_plural = _("campaign days")
        constraints = [
            models.UniqueConstraint(fields=["store", "day", "campaign"], name="%(app_label)s_%(class)s_one_per_day"),
        ]
        indexes = [models.Index(fields=["campaign", "day"], name="analytics_campaignday_campaign")]

    def __str__(self) -> str:
        return f"{self.day} campaign {self.campaign_id} at store {self.store_id}: {self.receipts}"


@brand_scoped("brand")
class ProductDay(models.Model):
    """A product's (SKU's) sales at a brand on one day: units and money net of refunds, discount, receipts."""

    day = models.DateField(_("day"))
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(_("SKU"), max_length=64)
    product = models.ForeignKey(
        "loyalty.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receipts = models.PositiveIntegerField(_("receipts"), default=0)
    units = models.DecimalField(_("units"), max_digits=14, decimal_places=3, default=0)
    revenue = MoneyField(_("revenue"), default=0)
    discount = MoneyField(_("discount"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("product day")
        verbose_name_plural = _("product days")
        constraints = [
            models.UniqueConstraint(fields=["brand", "day", "sku"], name="%(app_label)s_%(class)s_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.sku} at brand {self.brand_id}: {self.units}"


@brand_scoped("program__brands")
class LedgerDay(models.Model):
    """A program's ledger entries of one day (the project's time zone) by kind: `partner` is the entry's own (where
    points were earned, for a lot; where they were redeemed, for a redemption or a return), `owner` the partner of
    the lot the points belong to (a lot's own partner; the lot's partner for an entry that names a lot). The program
    report sums them: flows by kind, the outstanding points by owner."""

    day = models.DateField(_("day"))
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    partner = models.ForeignKey(
        "loyalty.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    owner = models.ForeignKey(
        "loyalty.Partner",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    points = MoneyField(_("points"), default=0)
    entries = models.PositiveIntegerField(_("entries"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("ledger day")
        verbose_name_plural = _("ledger days")
        indexes = [models.Index(fields=["program", "day"], name="analytics_ledgerday_program")]

    def __str__(self) -> str:
        return f"{self.day} program {self.program_id} {self.kind}: {self.points}"


@internal
class SummaryState(TimeStampedModel):
    """How far one stream of summaries is (`days`: registers, stores, brands, hours, contacts and campaigns from
    purchases and refunds; `products`; `ledger`): the last id of each source summarised (`marks`, e.g.
    `{"purchase": 120, "refund": 7}`), and the marks of recent refreshes with their times (`history`), from which
    the next scheduled refresh looks again for rows committed after a refresh passed their ids."""

    stream = models.CharField(_("stream"), max_length=20, unique=True)
    marks = models.JSONField(_("last ids summarised"), default=dict, blank=True)
    history = models.JSONField(_("recent marks"), default=list, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    result = models.CharField(_("last result"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("summary state")
        verbose_name_plural = _("summary states")

    def __str__(self) -> str:
        return f"{self.stream}: {self.refreshed_at}"
