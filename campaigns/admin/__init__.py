"""The admin of campaigns, one module per area; importing them registers the admins.

- `campaigns`: the campaign page (its product segment edited in place with a live preview, the mechanic editor,
  validation that explains itself, what is spent, its promo-code pools, a "test this campaign" panel) and the list;
  its actions in `campaign_actions`;
- `product_segments`: product segments and the preview endpoint;
- `segments`: customer segments and their members;
- `usage`: the campaigns' uses (read-only).

Registration only: saves go through the services (`campaign_save`, `product_segment_save`, `segment_save`...),
actions call services and report with `message_user`. Every admin is limited to the user's brands.
"""

from campaigns.admin import campaigns, product_segments, segments, usage

__all__ = ["campaigns", "product_segments", "segments", "usage"]
