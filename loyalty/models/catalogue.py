"""The catalogue: a category tree shared by all brands and each brand's products."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel
from common.scoping import ScopedManager, brand_scoped, shared


@shared
class Category(TimeStampedModel):
    """A node of the product category tree; `path` holds the ids from the root for descendant queries."""

    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=500, db_index=True, editable=False, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


@brand_scoped("brand")
class Product(TimeStampedModel):
    """A product of a brand, identified at the till by its SKU."""

    BRAND_SCOPE = ("brand",)

    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=300)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    price = MoneyField(_("list price"), null=True, blank=True)
    accrual_excluded = models.BooleanField(_("no points accrual"), default=False)
    redemption_excluded = models.BooleanField(_("no points redemption"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "sku"],
                name="%(app_label)s_%(class)s_unique_sku_per_brand",
                violation_error_message=_("A product with this SKU already exists in the brand."),
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0),
                name="%(app_label)s_%(class)s_price_not_negative",
                violation_error_message=_("A price cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
