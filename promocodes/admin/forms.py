"""The pool's form, and the forms of generating and importing codes."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminIntegerFieldWidget, UnfoldBooleanSwitchWidget

from campaigns.models import Campaign
from common.admin import add_domain_error
from common.errors import InvalidInput
from promocodes.choices import PoolKind
from promocodes.models import PromoPool
from promocodes.services.pools import pool_validate


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand} · {obj.name}"


class PromoPoolAdminForm(forms.ModelForm):
    """A pool. The rules are the service's (`pool_validate`): its errors are put under the fields they name. Any
    campaign of the brand may be chosen: one that does not require a code yet is made to, once confirmed."""

    make_code_only = forms.BooleanField(
        label=_("yes, make the campaign require a promo code"),
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text=_("Only when the chosen campaign does not require a promo code yet."),
    )

    class Meta:
        model = PromoPool
        fields = PromoPool.EDITABLE_FIELDS
        error_messages = {"campaign": {"invalid_choice": _("Choose a campaign of your brands.")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("campaign")
        campaign_id = self.instance.campaign_id
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None and campaign_id:
            # The pool's own campaign stays a choice (the service checks it is still of the pool's brand).
            offered = Q(pk__in=field.queryset.values("pk")) | Q(pk=campaign_id)
            field.queryset = (
                Campaign.objects.filter(offered).select_related("brand").order_by("brand__name", "name", "pk")
            )
        for form_field in self.fields.values():
            form_field.label = capfirst(form_field.label)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == PoolKind.SINGLE_USE:
            cleaned["code"] = ""  # a multi-use pool's one code: hidden and ignored for single-use codes
        campaign: Campaign | None = cleaned.get("campaign")
        brand = cleaned.get("brand")
        of_the_brand = campaign is not None and (brand is None or campaign.brand_id == brand.pk)  # else: the service
        if campaign is not None and of_the_brand and not campaign.requires_code and not cleaned.get("make_code_only"):
            self.add_error(
                "campaign",
                _(
                    "“%(campaign)s” does not require a promo code yet: with this pool it will, and receipts without "
                    "a code will no longer get it. Tick “Yes, make the campaign require a promo code” and save again."
                )
                % {"campaign": campaign.name},
            )
        return cleaned

    @property
    def makes_code_only(self) -> bool:
        """Whether saving makes the pool's campaign require a code (`pool_save(require_code=True)`)."""
        campaign = self.cleaned_data.get("campaign")
        return bool(campaign is not None and not campaign.requires_code and self.cleaned_data.get("make_code_only"))

    def _post_clean(self) -> None:
        # After the instance is built from the form (and the model's own checks pass), the service checks it whole.
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        pool: PromoPool = self.instance
        try:
            pool_validate(pool, require_code=self.makes_code_only)
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
