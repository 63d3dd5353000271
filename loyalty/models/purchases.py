"""Receipts confirmed at a register, their lines and refunds; idempotency records of POS commands."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel, loaded
from common.scoping import ScopedManager, brand_scoped, internal
from loyalty.choices import TierChangeReason


@brand_scoped("brand")
class Purchase(TimeStampedModel):
    """A confirmed receipt: what was bought, discounted, redeemed and earned, at which register and when."""

    BRAND_SCOPE = ("brand",)

    register = models.ForeignKey(
        "loyalty.Register",
        verbose_name=_("register"),
        on_delete=models.PROTECT,
        related_name="purchases",
        db_index=False,  # the unique (register, receipt number) leads with it
    )
    store = models.ForeignKey(
        "loyalty.Store",
        verbose_name=_("store"),
        on_delete=models.PROTECT,
        related_name="purchases",
        db_index=False,  # `loyalty_purchase_store_at` leads with it
    )
    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="purchases"
    )
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="purchases"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
        db_index=False,  # `loyalty_purchase_contact_at` leads with it
    )
    account = models.ForeignKey(
        "loyalty.Account",
        verbose_name=_("points account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchases",
    )
    card_number = models.CharField(_("card"), max_length=32, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=64)
    at = models.DateTimeField(_("at"), db_index=True)
    base = MoneyField(_("base"))
    discount = MoneyField(_("discount"))
    total = MoneyField(_("total"))
    redeemed_points = MoneyField(_("redeemed points"))
    payable = MoneyField(_("payable"))
    points = MoneyField(_("points"))
    tier_name = models.CharField(_("tier at purchase"), max_length=100, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase")
        verbose_name_plural = _("purchases")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "receipt_number"],
                name="%(app_label)s_%(class)s_unique_receipt_per_register",
                violation_error_message=_("This receipt is already confirmed on this register."),
            ),
        ]
        indexes = [
            # A contact's purchases in time order; the program rides along (PostgreSQL: INCLUDE) so that a segment
            # rule probing "a purchase in this program before / after then" for each candidate reads the index alone
            # (measured on 2.5 M receipts: the three-rule preview count from 2.3 s to 1.2 s on a loaded machine).
            models.Index(fields=["contact", "at"], include=["program"], name="loyalty_purchase_contact_at"),
            # The admin finds a receipt by its number alone (the unique constraint leads with the register).
            models.Index(fields=["receipt_number"], name="loyalty_purchase_receipt"),
            # A store's receipts of a local day (the analytics summaries' refresh reads each store-day so): one range
            # per store instead of every receipt of the store (or of the day at every store). In place of the plain
            # index on the store, so that a confirm still writes as many index entries.
            models.Index(fields=["store", "at"], name="loyalty_purchase_store_at"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_number} ({self.at:%Y-%m-%d})"


@brand_scoped("purchase__brand")
class PurchaseLine(models.Model):
    """A line of a confirmed receipt, with its share of discounts, redeemed points and earned points."""

    purchase = models.ForeignKey(
        Purchase,
        verbose_name=_("purchase"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,  # the unique (purchase, index) leads with it; a receipt writes ~20 lines
    )
    index = models.PositiveIntegerField(_("index"))
    sku = models.CharField(_("SKU"), max_length=64)
    product = models.ForeignKey(
        "loyalty.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    price = MoneyField(_("price"))
    base = MoneyField(_("base"))
    discount = MoneyField(_("discount"))
    total = MoneyField(_("total"))
    redeemed_points = MoneyField(_("redeemed points"))
    paid = MoneyField(_("paid"))
    points = MoneyField(_("points"))
    applied = models.JSONField(_("applied campaigns"), default=list, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase line")
        verbose_name_plural = _("purchase lines")
        ordering = ["purchase", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase", "index"], name="%(app_label)s_%(class)s_unique_index_per_purchase"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="%(app_label)s_%(class)s_quantity_positive"),
        ]

    def __str__(self) -> str:
        # The index as the till and the `index` column give it; the product's name when the admin has loaded it
        # (the purchase's lines do), the SKU otherwise.
        product = loaded(self, "product")
        return gettext("Line #%(index)s: %(product)s") % {"index": self.index, "product": product or self.sku}


@brand_scoped("purchase__brand")
class Refund(TimeStampedModel):
    """A (partial) refund of a purchase: money back, points revoked and redeemed points returned."""

    purchase = models.ForeignKey(Purchase, verbose_name=_("purchase"), on_delete=models.PROTECT, related_name="refunds")
    at = models.DateTimeField(_("at"))
    refund_amount = MoneyField(_("refund amount"))
    points_revoked = MoneyField(_("points revoked"))
    points_returned = MoneyField(_("points returned"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-pk"]

    def __str__(self) -> str:
        purchase = loaded(self, "purchase")
        if purchase is None:
            return gettext("Refund #%(id)s of purchase #%(purchase)s") % {"id": self.pk, "purchase": self.purchase_id}
        return gettext("Refund #%(id)s of receipt %(receipt)s") % {"id": self.pk, "receipt": purchase.receipt_number}


@brand_scoped("refund__purchase__brand")
class RefundLine(models.Model):
    """The refunded part of one purchase line."""

    refund = models.ForeignKey(Refund, verbose_name=_("refund"), on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(PurchaseLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="refunds")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    amount = MoneyField(_("amount"))
    points_revoked = MoneyField(_("points revoked"))
    points_returned = MoneyField(_("points returned"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("refund line")
        verbose_name_plural = _("refund lines")

    def __str__(self) -> str:
        line = loaded(self, "line") or gettext("purchase line id %(id)s") % {"id": self.line_id}
        quantity = formats.number_format(self.quantity.normalize()) if self.quantity is not None else "—"  # 1.000 → 1
        return f"{line} × {quantity}"


@internal
class IdempotencyRecord(TimeStampedModel):
    """The first answer to a POS command under an `Idempotency-Key`, replayed for the same key and body."""

    register = models.ForeignKey("loyalty.Register", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=128)
    endpoint = models.CharField(_("endpoint"), max_length=64)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    # The answer's JSON as written (`loyalty.pos.idempotency`), as text: PostgreSQL stores it without parsing it into
    # jsonb and compresses it with lz4 where it can (migration 0013): 0.9 -> 0.2 ms of the database per confirm.
    response = models.TextField(_("response"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["register", "key"], name="%(app_label)s_%(class)s_unique_key_per_register"),
        ]

    def __str__(self) -> str:
        return f"{self.register_id}:{self.key}"


@brand_scoped("enrollment__program__brands")
class TierChange(models.Model):
    """The history of a contact's tier in a program."""

    enrollment = models.ForeignKey(
        "loyalty.Enrollment", verbose_name=_("enrollment"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    at = models.DateTimeField(_("at"))
    from_tier = models.ForeignKey(
        "loyalty.Tier",
        verbose_name=pgettext_lazy("tier change", "from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_tier = models.ForeignKey(
        "loyalty.Tier",
        verbose_name=pgettext_lazy("tier change", "to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=100, blank=True, choices=TierChangeReason.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The staff user who set the tier by hand; empty for the automatic changes."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.from_tier_id} → {self.to_tier_id}"
