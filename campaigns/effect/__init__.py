"""Campaign effect: what a campaign touched and cost, and the uplift of its audience over its control group."""

from .figures import REASONS, CampaignEffect, Group, campaign_effect, effect_period
from .interval import Uplift

__all__ = ["REASONS", "CampaignEffect", "Group", "Uplift", "campaign_effect", "effect_period"]
