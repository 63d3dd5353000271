"""The pricing engine: plain Python over plain data (no ORM, no settings, no clock).

Basket + campaign snapshot + customer state in; per-line discounts and points, the campaigns applied, hints and
exclusive conflicts out. See `engine.run` for the order of work and `mechanics` for each mechanic.
"""

from .engine import EngineResult, run_discounts, run_points
from .types import Audience, CampaignRule, Conditions, Customer, Limits, Line, ProductFilter

__all__ = [
    "Audience",
    "CampaignRule",
    "Conditions",
    "Customer",
    "EngineResult",
    "Limits",
    "Line",
    "ProductFilter",
    "run_discounts",
    "run_points",
]
