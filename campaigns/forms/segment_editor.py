"""The product segment edited on the campaign's page."""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.choices import Combine
from campaigns.models import Campaign, ProductSegment
from campaigns.services.campaigns import product_segment_save, products_matching
from loyalty.models import Category


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


class SegmentEditorForm(forms.ModelForm):
    """The campaign's product segment edited in place: what saving does to it (`SegmentPlan`) and the save.

    The base of `CampaignAdminForm`, which declares the editor's fields and sets `initial_segment` (the segment
    the campaign had) and `shared_with` (how many other campaigns use it).
    """

    initial_segment: ProductSegment | None
    shared_with: int
    segment_plan: SegmentPlan

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
