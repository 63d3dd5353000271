"""The campaign page's form.

The campaign's JSON parts become plain fields: the audience, the conditions and the limits are composed back into
their JSON here; the mechanic stays JSON (its shape depends on its type), with a small editor on top of it in the
page (`static/campaigns/campaign_admin.js`). The campaign's product segment is edited in place
(`segment_editor`). Validation is the services' (`campaign_clean`), its errors put under the fields they name."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelect2MultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from campaigns.choices import AudienceType, CampaignStatus
from campaigns.forms.campaign_json import CampaignJsonMixin
from campaigns.forms.fields import (
    ProductSegmentChoiceField,
    SegmentChoiceField,
    SkuListField,
    StoreChoiceField,
    TierChoiceField,
    campaigns_sharing,
    categories_widget,
    sees_several_brands,
)
from campaigns.forms.segment_editor import SegmentEditorForm, SegmentPlan
from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.rules import CONDITION_LABELS, HOURS, LIMIT_LABELS
from campaigns.services.campaigns import campaign_clean
from common.errors import InvalidInput
from common.money import CENT, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from loyalty.models import Brand, Category, Store, Tier

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]


class CampaignAdminForm(CampaignJsonMixin, SegmentEditorForm):
    """The campaign page. `request_user` is set on the class by the admin (it scopes the choices). Every label is
    shown capitalised, as Django shows the model fields' own (the labels are written lower-case, as verbose names)."""

    request_user: Any = None

    # Switching "requires a promo code" on while the campaign is active: confirmed, not done silently.
    confirm_code_only = forms.BooleanField(
        label=_("yes, make it code-only"),
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text=_("The campaign is active: once it requires a promo code, receipts without one no longer get it."),
    )

    # Who
    audience_type = forms.ChoiceField(
        label=_("audience"),
        choices=AudienceType.choices,
        initial=AudienceType.ALL,
        widget=UnfoldAdminSelectWidget,
    )
    audience_tiers = TierChoiceField(
        label=_("tiers"),
        queryset=Tier.objects.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        help_text=_("When the audience is “tiers”: customers in any of these tiers."),
    )
    audience_segment = SegmentChoiceField(
        label=_("customer segment"),
        queryset=Segment.objects.none(),
        required=False,
        widget=UnfoldAdminSelectWidget,
        help_text=_("When the audience is “customer segment”: its members as last recomputed."),
    )

    # What: the product segment, edited in place
    segment_name = forms.CharField(
        label=_("segment name"),
        max_length=200,
        required=False,
        widget=UnfoldAdminTextInputWidget,
        help_text=_("Empty: the campaign's name."),
    )
    segment_skus = SkuListField(label=_("SKUs"), help_text=_("One per line, or separated by commas."))
    segment_categories = forms.ModelMultipleChoiceField(
        label=_("categories"),
        queryset=Category.objects.all(),
        required=False,
        widget=categories_widget(),
        help_text=_("Every product in these categories and the categories below them."),
    )
    segment_exclude_skus = SkuListField(
        label=_("excluded SKUs"), help_text=_("Never in the campaign, even if listed or in a category above.")
    )
    segment_copy = forms.BooleanField(
        label=_("save as a new segment for this campaign only"),
        required=False,
        widget=UnfoldBooleanSwitchWidget,
        help_text=_("The segment is shared with other campaigns: leave this off to change it for them too."),
    )

    # What: conditions
    min_total = forms.DecimalField(
        label=CONDITION_LABELS["min_total"],
        required=False,
        min_value=0,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
    )
    min_quantity = forms.DecimalField(
        label=CONDITION_LABELS["min_quantity"],
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "1"}),
    )
    stores = StoreChoiceField(
        label=CONDITION_LABELS["stores"],
        queryset=Store.objects.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        help_text=_("Empty: every store of the brand."),
    )

    # When: conditions
    weekdays = forms.TypedMultipleChoiceField(
        label=CONDITION_LABELS["weekdays"],
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_("None ticked: every day."),
    )
    hours_from = forms.CharField(
        label=_("from (store time)"),
        required=False,
        widget=UnfoldAdminTextInputWidget(attrs={"placeholder": "HH:MM", "size": 5}),
    )
    hours_to = forms.CharField(
        label=_("until (store time)"),
        required=False,
        widget=UnfoldAdminTextInputWidget(attrs={"placeholder": "HH:MM", "size": 5}),
        help_text=_("The hours the campaign applies, in each store's time zone; empty: all day."),
    )

    # Limits
    per_customer = forms.IntegerField(
        label=LIMIT_LABELS["per_customer"], required=False, min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    per_customer_days = forms.IntegerField(
        label=LIMIT_LABELS["per_customer_days"],
        required=False,
        min_value=1,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Empty: over the campaign's whole life."),
    )
    total_uses = forms.IntegerField(
        label=LIMIT_LABELS["total_uses"], required=False, min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    budget = forms.DecimalField(
        label=LIMIT_LABELS["budget"],
        required=False,
        min_value=CENT,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
        help_text=_("Discounts plus points × point value the campaign may give in total."),
    )
    daily_budget = forms.DecimalField(
        label=LIMIT_LABELS["daily_budget"],
        required=False,
        min_value=CENT,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
    )

    class Meta:
        model = Campaign
        fields = (
            "name",
            "brand",
            "status",
            "starts_at",
            "ends_at",
            "priority",
            "combine",
            "product_segment",
            "requires_code",
            "mechanic",
            "hint",
            "control_percent",
        )
        labels = {"product_segment": _("product segment")}
        field_classes = {"product_segment": ProductSegmentChoiceField}
        help_texts = {
            "product_segment": _(
                "Empty and nothing listed below: every product. Pick an existing segment, or list the products "
                "below: a segment is made for this campaign."
            ),
            "mechanic": _("Choose the type and fill in its values; the JSON below is what is saved."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request_user
        scoped = {
            "audience_tiers": Tier.objects.for_user(user).select_related("program"),
            "audience_segment": Segment.objects.for_user(user).select_related("program"),
            "stores": Store.objects.for_user(user).select_related("brand").order_by("brand__name", "name", "pk"),
            "product_segment": ProductSegment.objects.for_user(user)
            .select_related("brand")
            .order_by("brand__name", "name", "pk"),
        }
        for name, queryset in scoped.items():
            if name in self.fields:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        several_brands = sees_several_brands(user)
        for name in ("stores", "product_segment"):
            if name in self.fields:
                self.fields[name].show_brand = several_brands  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.label = capfirst(field.label)
        self.initial_segment: ProductSegment | None = self.instance.product_segment if self.instance.pk else None
        self.shared_with = campaigns_sharing(self.initial_segment, self.instance)
        if self.instance.pk:
            self._initial_from_instance()

    # Validation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        self._clean_hours(cleaned)
        if cleaned.get("per_customer_days") and not cleaned.get("per_customer"):
            self.add_error("per_customer", _("Say how many uses per customer the window of days allows."))
        self._clean_audience(cleaned)
        self._clean_brand_choices(cleaned)
        self._clean_code_only(cleaned)
        self.segment_plan = self._plan_segment(cleaned)
        return cleaned

    def _clean_hours(self, cleaned: dict[str, Any]) -> None:
        values = []
        for key in ("hours_from", "hours_to"):
            value = (cleaned.get(key) or "").strip()
            if value and len(value) == len("9:00") and value[1] == ":":
                value = "0" + value
            if value and not HOURS.match(value):
                self.add_error(key, _("A time of day HH:MM, such as 09:00 or 21:30."))
                return
            cleaned[key] = value
            values.append(value)
        start, end = values
        if bool(start) != bool(end):
            self.add_error("hours_to" if start else "hours_from", _("Give both ends of the hours, or neither."))
        elif start and start == end:
            self.add_error("hours_to", _("The hours window is empty: the start equals the end."))

    def _clean_code_only(self, cleaned: dict[str, Any]) -> None:
        """An active campaign made code-only: receipts without a code stop getting it, so the user confirms."""
        switched_on = self.instance.pk is not None and not self.instance.requires_code and cleaned.get("requires_code")
        stays_active = self.instance.status == cleaned.get("status") == CampaignStatus.ACTIVE
        if switched_on and stays_active and not cleaned.get("confirm_code_only"):
            self.add_error(
                "requires_code",
                _(
                    "The campaign is active: from its next receipt it applies only with a promo code. Tick "
                    "“Yes, make it code-only” to confirm."
                ),
            )

    def _clean_audience(self, cleaned: dict[str, Any]) -> None:
        kind = cleaned.get("audience_type")
        if kind == AudienceType.TIERS and not cleaned.get("audience_tiers"):
            self.add_error("audience_tiers", _("Pick the tiers the campaign is for."))
        if kind == AudienceType.SEGMENT and not cleaned.get("audience_segment"):
            self.add_error("audience_segment", _("Pick the customer segment the campaign is for."))

    def _clean_brand_choices(self, cleaned: dict[str, Any]) -> None:
        """Stores of the campaign's brand, tiers and a segment of its program: named when they are not."""
        brand: Brand | None = cleaned.get("brand")
        if brand is None:
            return
        other_stores = [store.name for store in cleaned.get("stores") or [] if store.brand_id != brand.pk]
        if other_stores:
            self.add_error(
                "stores",
                _("Not stores of %(brand)s: %(stores)s.") % {"brand": brand, "stores": ", ".join(other_stores)},
            )
        if cleaned.get("audience_type") == AudienceType.TIERS:
            other_tiers = [
                tier.name for tier in cleaned.get("audience_tiers") or [] if tier.program_id != brand.program_id
            ]
            if other_tiers:
                self.add_error(
                    "audience_tiers",
                    _("Not tiers of the program of %(brand)s: %(tiers)s.")
                    % {"brand": brand, "tiers": ", ".join(other_tiers)},
                )
        segment = cleaned.get("audience_segment")
        if cleaned.get("audience_type") == AudienceType.SEGMENT and segment and segment.program_id != brand.program_id:
            self.add_error("audience_segment", _("Not a segment of the program of %(brand)s.") % {"brand": brand})

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        campaign: Campaign = self.instance
        if not campaign.brand_id or campaign.starts_at is None:
            return  # the brand or the start has an error of its own
        self._compose_json()
        plan = getattr(self, "segment_plan", SegmentPlan("keep", segment=self.initial_segment))
        if plan.action == "keep":
            campaign.product_segment = plan.segment
        else:
            self._check_edited_segment(plan)
            campaign.product_segment = None  # checked above; linked when saved
        try:
            campaign_clean(campaign, for_people=True)
        except InvalidInput as exc:
            self._add_service_errors(exc, plan)
        finally:
            campaign.product_segment = plan.segment
