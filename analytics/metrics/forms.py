"""The filters above every metric page: the brand (one of the user's; all brands only for unlimited staff), the
period (`from`, `to` or the last `window_days`), and the page's own choices (cohorts, products or categories)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.widgets import UnfoldAdminDateWidget, UnfoldAdminIntegerFieldWidget, UnfoldAdminSelectWidget

from analytics.metrics.base import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, Period, brands_for, day_start
from analytics.metrics.ltv import MAX_MONTHS
from common.scoping import user_scope
from loyalty.models import Brand


class MetricFilterForm(forms.Form):
    brand = forms.TypedChoiceField(label=_("brand"), coerce=int, required=False, empty_value=None)
    from_ = forms.DateField(label=pgettext_lazy("date range", "from"), required=False, widget=UnfoldAdminDateWidget)
    to = forms.DateField(label=pgettext_lazy("date range", "to"), required=False, widget=UnfoldAdminDateWidget)
    window_days = forms.IntegerField(
        label=_("days"), required=False, min_value=1, max_value=MAX_WINDOW_DAYS, widget=UnfoldAdminIntegerFieldWidget
    )
    months = forms.IntegerField(
        label=_("cohorts (months)"),
        required=False,
        min_value=1,
        max_value=MAX_MONTHS,
        widget=UnfoldAdminIntegerFieldWidget,
    )
    by = forms.ChoiceField(
        label=_("of"),
        required=False,
        choices=[("product", _("products")), ("category", _("categories"))],
        widget=UnfoldAdminSelectWidget,
    )

    def __init__(
        self, data: Any, *, user: Any, keep: tuple[str, ...] = ("brand", "from_", "to", "window_days")
    ) -> None:
        data = data.copy()
        brands = list(Brand.objects.for_user(user).order_by("name", "pk").values_list("pk", "name"))
        unlimited = user_scope(user).unlimited
        if not data.get("brand") and not unlimited and brands:
            data["brand"] = str(brands[0][0])  # a brand-limited user starts on their first brand
        super().__init__(data)
        self.user = user
        for name in [name for name in self.fields if name not in keep]:
            del self.fields[name]
        choices = [(str(pk), name) for pk, name in brands]
        field = cast(forms.TypedChoiceField, self.fields["brand"])
        field.choices = ([("", _("All brands"))] if unlimited else []) + choices
        field.widget = UnfoldAdminSelectWidget(choices=field.choices)

    def add_prefix(self, field_name: str) -> str:
        return "from" if field_name == "from_" else super().add_prefix(field_name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("brand") is None and not user_scope(self.user).unlimited:
            self.add_error("brand", _("Choose the brand."))
        first, last = cleaned.get("from_"), cleaned.get("to")
        if first and last and first > last:
            self.add_error("to", _("Must be after `from`."))
        return cleaned

    def brands(self) -> list[int] | None:
        return brands_for(self.user, self.cleaned_data.get("brand"))

    def period(self) -> Period:
        first, last = self.cleaned_data.get("from_"), self.cleaned_data.get("to")
        return Period.of(
            start=day_start(first) if first else None,
            end=Period.of_days(last, last).end if last else None,
            window_days=self.cleaned_data.get("window_days") or DEFAULT_WINDOW_DAYS,
        )
