"""The rule fields of customer segments, declared once: what each compares, with which operators and leaf keys.

The shape check (`rules.py`), the compiler (`compiler.py`) and the admin's rule builder read this table, so a field
is added in one place. Kinds of value:

- `number`: a number (counts, money, points, days, years, the churn risk); every operator;
- `flag`: true or false; eq and ne;
- `choice`, `text`, `id`, `id_or_name`: one value of a set (a gender, a city, a category id, a tier's id or
  name...); eq, ne and in — "ne" and "not in" are the complement of "eq" and "in".
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.choices import ContactSource, Gender
from contacts.scores import RFM_SEGMENT_LABELS

Kind = Literal["number", "flag", "choice", "text", "id", "id_or_name"]

ALL_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in")
SET_OPS = ("eq", "ne", "in")
FLAG_OPS = ("eq", "ne")
DEFAULT_WINDOW_DAYS = 365
DEFAULT_EXPIRING_DAYS = 30
EVENT_TYPE_PATTERN = r"^[a-z0-9_.]{1,64}$"


@dataclass(frozen=True)
class RuleField:
    """A rule field: its kind of value, the operators it takes, the extra leaf keys it reads (with defaults).

    `choices` (a `choice` field's values with their labels), `suggestions` (values a `text` field often takes, e.g.
    event types; others are allowed) and `refers_to` (the objects an `id` names, checked against the program) are
    what the builder offers."""

    name: str
    label: Promise
    kind: Kind
    keys: dict[str, int | None] = field(default_factory=dict)  # extra leaf key → default (None: optional)
    choices: tuple[tuple[str, Any], ...] = ()
    max_length: int = 200
    suggestions: tuple[tuple[str, Any], ...] = ()
    refers_to: Literal["", "segments", "categories", "stores", "tiers"] = ""  # the program's objects it names

    @property
    def ops(self) -> tuple[str, ...]:
        if self.kind == "number":
            return ALL_OPS
        if self.kind == "flag":
            return FLAG_OPS
        return SET_OPS

    @property
    def values(self) -> tuple[str, ...]:
        """A `choice` field's allowed values."""
        return tuple(value for value, _label in self.choices)


WINDOW: dict[str, int | None] = {"window_days": DEFAULT_WINDOW_DAYS}

# Event types offered for the `event` field: the web's (posted to the events API) and the product's own.
EVENT_TYPES: tuple[tuple[str, Any], ...] = (
    ("product_viewed", _("viewed a product")),
    ("cart_abandoned", _("abandoned a cart")),
    ("page_viewed", _("viewed a page")),
    ("purchase_confirmed", _("purchase confirmed")),
    ("purchase_refunded", _("purchase refunded")),
    ("points_accrued", _("points accrued")),
    ("points_expiring", _("points expiring soon")),
    ("tier_changed", _("tier changed")),
    ("segment_entered", _("entered a segment")),
    ("contact_registered", _("registered")),
    ("lead_captured", _("signed up at a stand")),
    ("survey_invited", _("invited to a survey")),
    ("survey_completed", _("completed a survey")),
    ("birthday", _("birthday")),
    ("email_opened", _("opened an e-mail")),
    ("email_clicked", _("clicked a link in an e-mail")),
)

# The rule fields by section (the builder's groups of its field list), in the order the builder offers them.
SECTIONS: tuple[tuple[str, Promise, tuple[RuleField, ...]], ...] = (
    (
        "purchases",
        _("Purchases"),
        (
            RuleField("days_since_last_purchase", _("days since the last purchase"), "number"),
            RuleField("purchases_count", _("purchases"), "number", WINDOW),
            RuleField("total_spent", _("total spent"), "number", WINDOW),
            RuleField("bought_category", _("bought in category"), "id", WINDOW, refers_to="categories"),
            RuleField("bought_sku", _("bought SKU"), "text", WINDOW, max_length=64),
            RuleField("store", _("bought at store"), "id", WINDOW, refers_to="stores"),
        ),
    ),
    (
        "points",
        _("Points and tier"),
        (
            RuleField("points_balance", _("points balance"), "number"),
            RuleField("points_expiring", _("points expiring"), "number", {"days": DEFAULT_EXPIRING_DAYS}),
            RuleField("tier", _("tier"), "id_or_name", max_length=100, refers_to="tiers"),
        ),
    ),
    (
        "contact",
        _("The contact"),
        (
            RuleField("gender", _("gender"), "choice", choices=tuple(Gender.choices)),
            RuleField("age", _("age"), "number"),
            RuleField("birthday_in_days", _("days to the birthday"), "number"),
            RuleField("city", _("city"), "text", max_length=100),
            RuleField("has_email", _("has an e-mail"), "flag"),
            RuleField("subscribed_email", _("subscribed to e-mail"), "flag"),
            RuleField("subscribed_sms", _("subscribed to SMS"), "flag"),
            RuleField("registered_days_ago", _("days since registration"), "number"),
            RuleField("source", _("source"), "choice", choices=tuple(ContactSource.choices)),
        ),
    ),
    (
        "events",
        # Of the program's brands, or of none.
        _("Events"),
        (
            RuleField(
                "event", _("had an event"), "text", {**WINDOW, "sku": None}, max_length=64, suggestions=EVENT_TYPES
            ),
            RuleField("opened_email", _("e-mails opened"), "number", WINDOW),
            RuleField("clicked_email", _("e-mail links clicked"), "number", WINDOW),
        ),
    ),
    (
        "scores",
        _("Segments and scores"),
        (
            RuleField("in_segment", _("in segment"), "id", refers_to="segments"),
            RuleField("rfm", _("RFM segment"), "text", max_length=40, suggestions=tuple(RFM_SEGMENT_LABELS.items())),
            RuleField("churn_risk", _("churn risk"), "number"),
        ),
    ),
)

FIELDS: dict[str, RuleField] = {rule.name: rule for _key, _label, rules in SECTIONS for rule in rules}
