"""The admin's forms for campaigns and product segments: the campaign page (`campaigns`, with its product segment
edited in place, `segment_editor`), the mechanic editor's description (`mechanics`), a product segment on its own
page (`product_segments`), and the fields they share (`fields`)."""

from campaigns.forms.campaigns import WEEKDAYS, CampaignAdminForm
from campaigns.forms.fields import SkuListField, campaigns_sharing, split_skus
from campaigns.forms.mechanics import mechanic_editor
from campaigns.forms.product_segments import ProductSegmentAdminForm
from campaigns.forms.segment_editor import SegmentEditorForm, SegmentPlan

__all__ = [
    "WEEKDAYS",
    "CampaignAdminForm",
    "ProductSegmentAdminForm",
    "SegmentEditorForm",
    "SegmentPlan",
    "SkuListField",
    "campaigns_sharing",
    "mechanic_editor",
    "split_skus",
]
