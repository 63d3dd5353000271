"""Fields the campaign's and the product segment's forms share: SKU lists, categories, labelled choices."""

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminTextareaWidget

from campaigns.models import Campaign, ProductSegment
from common.scoping import user_scope

SKU_MAX_LENGTH = 64
SKU_SEPARATORS = re.compile(r"[\r\n,;]+")


def split_skus(value: Any) -> list[str]:
    """SKUs typed one per line or separated by commas (or a list), trimmed, without duplicates, sorted."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else SKU_SEPARATORS.split(str(value))
    return sorted({str(item).strip() for item in items if str(item).strip()})


class SkuListField(forms.CharField):
    """A textarea of SKUs, one per line or comma separated; cleans to a sorted list."""

    widget = UnfoldAdminTextareaWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", UnfoldAdminTextareaWidget(attrs={"rows": 3}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        skus = split_skus(value)
        too_long = [sku for sku in skus if len(sku) > SKU_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("A SKU is at most %(max)d characters: %(skus)s.")
                % {"max": SKU_MAX_LENGTH, "skus": ", ".join(sku[:20] + "…" for sku in too_long[:3])}
            )
        return skus

    def has_changed(self, initial: Any, data: Any) -> bool:
        return split_skus(initial) != split_skus(data)


def categories_widget() -> AutocompleteSelectMultiple:
    """Categories picked by typing their name (the admin's autocomplete over the category tree)."""
    return AutocompleteSelectMultiple(ProductSegment._meta.get_field("categories"), admin.site)


def campaigns_sharing(segment: ProductSegment | None, campaign: Campaign) -> int:
    """How many other campaigns use the campaign's product segment."""
    if segment is None:
        return 0
    return Campaign.objects.filter(product_segment=segment).exclude(pk=campaign.pk).count()


class TierChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program} · {obj.name}"


class SegmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program} · {obj.name}"


class BrandLabelMixin:
    """A choice of a brand's objects (product segments, stores): labelled with the brand when the user sees more than
    one brand (`show_brand`, set by the form), since two brands may each have a "Shampoos"."""

    show_brand = True

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand} · {obj.name}" if self.show_brand else str(obj.name)


class StoreChoiceField(BrandLabelMixin, forms.ModelMultipleChoiceField):
    pass


class ProductSegmentChoiceField(BrandLabelMixin, forms.ModelChoiceField):
    pass


def sees_several_brands(user: Any) -> bool:
    """Whether the user works with more than one brand (unlimited staff see every brand)."""
    brands = user_scope(user).brand_ids
    return brands is None or len(brands) > 1
