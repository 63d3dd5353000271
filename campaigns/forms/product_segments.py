"""A product segment on its own page."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from campaigns.forms.fields import SkuListField, categories_widget
from campaigns.models import ProductSegment
from campaigns.services.campaigns import product_segment_save
from common.errors import DomainError
from loyalty.models import Category


class ProductSegmentAdminForm(forms.ModelForm):
    """A product segment on its own page: the SKUs as text, the categories by autocomplete."""

    skus = SkuListField(label=_("SKUs"), help_text=_("One per line, or separated by commas."))
    categories = forms.ModelMultipleChoiceField(
        label=_("categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=categories_widget(),
        help_text=_("Every product in these categories and the categories below them."),
    )
    exclude_skus = SkuListField(label=_("excluded SKUs"), help_text=_("Never in the segment, even if listed above."))

    class Meta:
        model = ProductSegment
        fields = ("brand", "name", "skus", "categories", "exclude_skus")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # in sentence case, as the model fields' own labels are shown
            field.label = capfirst(field.label)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        brand = cleaned.get("brand")
        segment: ProductSegment = self.instance
        if segment.pk and brand is not None and brand.pk != segment.brand_id and segment.campaigns.exists():  # type: ignore[attr-defined]
            self.add_error("brand", _("Campaigns use this product segment: its brand cannot change."))
        return cleaned

    def save_through_service(self) -> ProductSegment:
        data = self.cleaned_data
        try:
            return product_segment_save(
                segment=self.instance,
                data={
                    "brand": data["brand"],
                    "name": data["name"],
                    "skus": data["skus"],
                    "exclude_skus": data["exclude_skus"],
                },
                categories=list(data["categories"]),
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
