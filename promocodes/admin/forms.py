"""The pool's form, and the forms of generating and importing codes."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminIntegerFieldWidget

from campaigns.models import Campaign
from common.admin import add_domain_error
from common.errors import InvalidInput
from promocodes.models import PromoPool
from promocodes.services.pools import pool_validate


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand} · {obj.name}"


class PromoPoolAdminForm(forms.ModelForm):
    """A pool. The rules are the service's (`pool_validate`): its errors are put under the fields they name."""

    class Meta:
        model = PromoPool
        fields = PromoPool.EDITABLE_FIELDS
        error_messages = {
            "campaign": {
                "invalid_choice": _(
                    "Choose a campaign of your brands that requires a promo code (“requires a promo code” is on)."
                )
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("campaign")
        campaign_id = self.instance.campaign_id
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None and campaign_id:
            # The pool's own campaign stays a choice even if it no longer requires a code (the service then says so).
            offered = Q(pk__in=field.queryset.values("pk")) | Q(pk=campaign_id)
            field.queryset = (
                Campaign.objects.filter(offered).select_related("brand").order_by("brand__name", "name", "pk")
            )

    def _post_clean(self) -> None:
        # After the instance is built from the form (and the model's own checks pass), the service checks it whole.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        pool: PromoPool = self.instance
        try:
            pool_validate(pool)
        except InvalidInput as exc:
            add_domain_error(self, exc)


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(label=_("number of codes"), min_value=1, widget=UnfoldAdminIntegerFieldWidget)


class ImportCodesForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One code per row: in a column named “code”, or in the first column. UTF-8 or Windows-1251."),
        widget=UnfoldAdminFileFieldWidget,
    )
