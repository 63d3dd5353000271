"""The mechanic editor: per type, its parameters ("int", "decimal", "choice" or "steps"), for the page's script.

Points mechanics also take the optional `expires_in_days` and `activation_days`. Every type of
`campaigns.engine.mechanics.MECHANICS` is listed."""

from typing import Any

from django.utils.translation import gettext_lazy as _

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
