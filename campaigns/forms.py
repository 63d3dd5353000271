"""The admin's forms for campaigns and product segments.

The campaign's JSON parts become plain fields: the audience, the conditions and the limits are composed back into
their JSON here; the mechanic stays JSON (its shape depends on its type), with a small editor on top of it in the
page (`static/campaigns/campaign_admin.js`). The campaign's product segment is edited in place. Validation is the
services' (`campaign_clean`), its errors put under the fields they name.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelect2MultipleWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from campaigns.choices import AudienceType, Combine
from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.rules import HOURS
from campaigns.services.campaigns import campaign_clean, product_segment_save, products_matching
from common.errors import DomainError, InvalidInput
from common.scoping import scope_queryset
from loyalty.models import Brand, Category, Store, Tier

SKU_MAX_LENGTH = 64
SKU_SEPARATORS = re.compile(r"[\r\n,;]+")
WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]

# The mechanic editor: per type, its parameters ("int", "decimal", "choice" or "steps"). Points mechanics also take
# the optional `expires_in_days` and `activation_days`. Every type of `campaigns.engine.mechanics.MECHANICS`.
MECHANIC_EDITOR: list[dict[str, Any]] = [
    {
        "type": "percent_discount",
        "kind": "discount",
        "label": _("Percent off each eligible line"),
        "params": [{"name": "percent", "kind": "decimal", "label": _("percent off")}],
    },
    {
        "type": "amount_discount",
        "kind": "discount",
        "label": _("Amount off the receipt"),
        "params": [{"name": "amount", "kind": "decimal", "label": _("amount off")}],
    },
    {
        "type": "buy_n_get_m",
        "kind": "discount",
        "label": _("Buy N, get M free"),
        "params": [
            {"name": "buy", "kind": "int", "label": _("buy (units)")},
            {"name": "get", "kind": "int", "label": _("get free (units)")},
        ],
    },
    {
        "type": "nth_item_discount",
        "kind": "discount",
        "label": _("Percent off every n-th item"),
        "params": [
            {"name": "n", "kind": "int", "label": _("every n-th item")},
            {"name": "percent", "kind": "decimal", "label": _("percent off")},
        ],
    },
    {
        "type": "graded_discount",
        "kind": "discount",
        "label": _("Graded discount: the more, the bigger"),
        "params": [
            {
                "name": "by",
                "kind": "choice",
                "label": _("steps by"),
                "choices": [["quantity", _("units bought")], ["total", _("amount spent")]],
            },
            {"name": "steps", "kind": "steps", "label": _("steps")},
        ],
    },
    {
        "type": "points_percent",
        "kind": "points",
        "label": _("Points: percent of the amount paid"),
        "params": [{"name": "percent", "kind": "decimal", "label": _("percent in points")}],
    },
    {
        "type": "points_per_amount",
        "kind": "points",
        "label": _("Points per amount spent"),
        "params": [
            {"name": "points", "kind": "decimal", "label": _("points")},
            {"name": "per", "kind": "decimal", "label": _("per amount paid")},
        ],
    },
    {
        "type": "points_fixed",
        "kind": "points",
        "label": _("Fixed points per receipt"),
        "params": [{"name": "points", "kind": "decimal", "label": _("points")}],
    },
    {
        "type": "points_multiplier",
        "kind": "points",
        "label": _("Tier points multiplied"),
        "params": [{"name": "factor", "kind": "decimal", "label": _("factor")}],
    },
    {
        "type": "graded_points",
        "kind": "points",
        "label": _("Graded points: the more, the bigger"),
        "params": [{"name": "steps", "kind": "steps", "label": _("steps")}],
    },
]
POINTS_LIFETIME_PARAMS = [
    {"name": "expires_in_days", "kind": "int", "label": _("points expire after (days, empty = never)")},
    {"name": "activation_days", "kind": "int", "label": _("points become active after (days)")},
]


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


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


# Product segments


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


# Campaigns


@dataclass
class SegmentPlan:
    """What saving the campaign does to its product segment.

    `keep`: link `segment` as it is (or none); `update`: write the editor's values into `segment`; `create`: a new
    segment of the campaign's brand from the editor's values.
    """

    action: str
    segment: ProductSegment | None = None
    name: str = ""
    skus: list[str] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    exclude_skus: list[str] = field(default_factory=list)


class TierChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program} · {obj.name}"


class SegmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program} · {obj.name}"


class StoreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand} · {obj.name}"


class CampaignAdminForm(forms.ModelForm):
    """The campaign page. `request_user` is set on the class by the admin (it scopes the choices)."""

    request_user: Any = None

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
        label=_("minimum eligible total"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
    )
    min_quantity = forms.DecimalField(
        label=_("minimum eligible units"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "1"}),
    )
    stores = StoreChoiceField(
        label=_("stores"),
        queryset=Store.objects.none(),
        required=False,
        widget=UnfoldAdminSelect2MultipleWidget,
        help_text=_("Empty: every store of the brand."),
    )

    # When: conditions
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
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
        label=_("uses per customer"), required=False, min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    per_customer_days = forms.IntegerField(
        label=_("in a window of (days)"),
        required=False,
        min_value=1,
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Empty: over the campaign's whole life."),
    )
    total_uses = forms.IntegerField(
        label=_("uses in total"), required=False, min_value=1, widget=UnfoldAdminIntegerFieldWidget
    )
    budget = forms.DecimalField(
        label=_("budget"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
        help_text=_("Discounts plus points × point value the campaign may give in total."),
    )
    daily_budget = forms.DecimalField(
        label=_("daily budget"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
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
        )
        labels = {"product_segment": _("product segment")}
        help_texts = {
            "product_segment": _(
                "Empty and nothing listed below: every product. Pick an existing segment, or list the products "
                "below: a segment is made for this campaign."
            ),
            "mechanic": _("Choose the type and fill in its values; the JSON below is what is saved."),
        }

    segment_plan: SegmentPlan

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.request_user
        scoped = {
            "audience_tiers": scope_queryset(Tier.objects.all(), user).select_related("program"),
            "audience_segment": scope_queryset(Segment.objects.all(), user).select_related("program"),
            "stores": scope_queryset(Store.objects.all(), user).select_related("brand"),
        }
        for name, queryset in scoped.items():
            if name in self.fields:
                self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.initial_segment: ProductSegment | None = self.instance.product_segment if self.instance.pk else None
        self.shared_with = campaigns_sharing(self.initial_segment, self.instance)
        if self.instance.pk:
            self._initial_from_instance()

    def _initial_from_instance(self) -> None:
        campaign: Campaign = self.instance
        initial = self.initial
        audience = campaign.audience if isinstance(campaign.audience, dict) else {}
        initial["audience_type"] = audience.get("type", AudienceType.ALL)
        initial["audience_tiers"] = [pk for pk in audience.get("tiers") or [] if isinstance(pk, int)]
        initial["audience_segment"] = audience.get("segment")
        conditions = campaign.conditions if isinstance(campaign.conditions, dict) else {}
        initial["min_total"] = conditions.get("min_total") or None
        initial["min_quantity"] = conditions.get("min_quantity") or None
        initial["stores"] = [pk for pk in conditions.get("stores") or [] if isinstance(pk, int)]
        initial["weekdays"] = [day for day in conditions.get("weekdays") or [] if isinstance(day, int)]
        hours = conditions.get("hours")
        if isinstance(hours, list) and len(hours) == len(("from", "to")):
            initial["hours_from"], initial["hours_to"] = hours
        limits = campaign.limits if isinstance(campaign.limits, dict) else {}
        for key in ("per_customer", "per_customer_days", "total_uses", "budget", "daily_budget"):
            initial[key] = limits.get(key)
        segment = self.initial_segment
        if segment is not None:
            initial["segment_name"] = segment.name
            initial["segment_skus"] = list(segment.skus or [])
            initial["segment_categories"] = list(segment.categories.values_list("pk", flat=True))
            initial["segment_exclude_skus"] = list(segment.exclude_skus or [])

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

    def _plan_segment(self, cleaned: dict[str, Any]) -> SegmentPlan:
        chosen: ProductSegment | None = cleaned.get("product_segment")
        if "product_segment" in self.errors:
            return SegmentPlan("keep", segment=self.initial_segment)
        if chosen != self.initial_segment:
            # Another segment picked: it is linked as it is (the editor showed the previous one).
            return SegmentPlan("keep", segment=chosen)
        editor = ("segment_name", "segment_skus", "segment_categories", "segment_exclude_skus")
        if any(key in self.errors for key in editor):
            return SegmentPlan("keep", segment=chosen)
        skus = cleaned.get("segment_skus") or []
        categories = list(cleaned.get("segment_categories") or [])
        excludes = cleaned.get("segment_exclude_skus") or []
        if not skus and not categories:
            if excludes:
                self.add_error(
                    "segment_exclude_skus",
                    _("Exclusions alone match nothing: list SKUs or categories too, or clear them for every product."),
                )
            return SegmentPlan("keep", segment=None)
        plan = SegmentPlan(
            "update",
            segment=chosen,
            name=(cleaned.get("segment_name") or "").strip(),
            skus=skus,
            categories=categories,
            exclude_skus=excludes,
        )
        if chosen is None or (cleaned.get("segment_copy") and self.shared_with):
            plan.action, plan.segment = "create", None
        elif not set(editor) & set(self.changed_data):
            plan.action = "keep"
        return plan

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
            campaign_clean(campaign)
        except InvalidInput as exc:
            self._add_service_errors(exc, plan)
        finally:
            campaign.product_segment = plan.segment

    def _compose_json(self) -> None:
        """The audience, conditions and limits JSON from the fields (those without errors)."""
        data = getattr(self, "cleaned_data", {})
        campaign: Campaign = self.instance
        kind = data.get("audience_type") or AudienceType.ALL
        audience: dict[str, Any] = {"type": kind}
        if kind == AudienceType.TIERS:
            audience["tiers"] = sorted(tier.pk for tier in data.get("audience_tiers") or [])
        elif kind == AudienceType.SEGMENT and data.get("audience_segment") is not None:
            audience["segment"] = data["audience_segment"].pk
        campaign.audience = audience
        conditions: dict[str, Any] = {}
        if data.get("min_total"):
            conditions["min_total"] = _money(data["min_total"])
        if data.get("min_quantity"):
            conditions["min_quantity"] = _plain(data["min_quantity"])
        if data.get("stores"):
            conditions["stores"] = sorted(store.pk for store in data["stores"])
        if data.get("weekdays"):
            conditions["weekdays"] = sorted(set(data["weekdays"]))
        if data.get("hours_from") and data.get("hours_to"):
            conditions["hours"] = [data["hours_from"], data["hours_to"]]
        campaign.conditions = conditions
        limits: dict[str, Any] = {}
        for key in ("per_customer", "per_customer_days", "total_uses"):
            if data.get(key):
                limits[key] = data[key]
        for key in ("budget", "daily_budget"):
            if data.get(key):
                limits[key] = _money(data[key])
        campaign.limits = limits

    def _check_edited_segment(self, plan: SegmentPlan) -> None:
        campaign: Campaign = self.instance
        if plan.segment is not None and plan.segment.brand_id != campaign.brand_id:
            self.add_error("product_segment", _("The product segment belongs to another brand."))
            return
        if campaign.combine == Combine.EXCLUSIVE and not self.matching_products(plan).exists():
            self.add_error(
                "segment_skus", _("The segment matches no product: an exclusive campaign would exclude nothing.")
            )

    def matching_products(self, plan: SegmentPlan) -> QuerySet:
        return products_matching(
            brand_id=self.instance.brand_id,
            skus=plan.skus,
            category_ids=[category.pk for category in plan.categories],
            exclude_skus=plan.exclude_skus,
        )

    def _add_service_errors(self, exc: InvalidInput, plan: SegmentPlan) -> None:
        """The service's errors under the fields they concern (a field with an error of its own keeps it)."""
        audience_field = {
            AudienceType.TIERS: "audience_tiers",
            AudienceType.SEGMENT: "audience_segment",
        }.get(self.instance.audience.get("type"), "audience_type")
        segment_field = "product_segment" if plan.action == "keep" and plan.segment is not None else "segment_skus"
        where = {
            "audience": audience_field,
            "product_segment": segment_field,
            "mechanic": "mechanic",
            "starts_at": "starts_at",
            "ends_at": "ends_at",
            "hint": "hint",
            "brand": "brand",
        }
        prefixes = {"conditions": _("Conditions"), "limits": _("Limits")}
        for key, messages in exc.fields.items():
            messages = messages if isinstance(messages, list) else [str(messages)]
            target = where.get(key)
            if target is not None and target in self.fields:
                if target not in self.errors:
                    self.add_error(target, messages)
                continue
            prefix = prefixes.get(key, key)
            for message in messages:
                self.add_error(None, f"{prefix}: {message}")

    # Saving (the admin calls it inside its transaction)

    def save_product_segment(self) -> ProductSegment | None:
        """Create or change the campaign's product segment as planned; the segment to link."""
        plan = self.segment_plan
        if plan.action == "keep":
            return plan.segment
        campaign: Campaign = self.instance
        segment = plan.segment if plan.action == "update" else ProductSegment(brand_id=campaign.brand_id)
        assert segment is not None
        data: dict[str, Any] = {"skus": plan.skus, "exclude_skus": plan.exclude_skus}
        if plan.name or segment.pk is None:
            data["name"] = plan.name or campaign.name
        return product_segment_save(segment=segment, data=data, categories=plan.categories)
