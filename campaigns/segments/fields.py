"""The rule fields of customer segments, declared once: what each compares, with which operators and leaf keys.

The shape check (`rules.py`), the compiler (`compiler.py`) and the admin's rule builder read this table, so a field
is added in one place. Kinds of value:

- `number`: a number (counts, money, points, days, years, the churn risk); every operator;
- `flag`: true or false; eq and ne;
- `choice`, `text`, `id`, `id_or_name`: one value of a set (a gender, a city, a category id, a tier's id or
  name...); eq, ne and in — "ne" and "not in" are the complement of "eq" and "in".
"""

from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.choices import ContactSource, Gender

Kind = Literal["number", "flag", "choice", "text", "id", "id_or_name"]

ALL_OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in")
SET_OPS = ("eq", "ne", "in")
FLAG_OPS = ("eq", "ne")
DEFAULT_WINDOW_DAYS = 365
DEFAULT_EXPIRING_DAYS = 30
EVENT_TYPE_PATTERN = r"^[a-z0-9_.]{1,64}$"


@dataclass(frozen=True)
class RuleField:
    """A rule field: its kind of value, the operators it takes, the extra leaf keys it reads (with defaults)."""

    name: str
    label: Promise
    kind: Kind
    keys: dict[str, int | None] = field(default_factory=dict)  # extra leaf key → default (None: optional)
    choices: tuple[str, ...] = ()
    max_length: int = 200

    @property
    def ops(self) -> tuple[str, ...]:
        if self.kind == "number":
            return ALL_OPS
        if self.kind == "flag":
            return FLAG_OPS
        return SET_OPS


WINDOW: dict[str, int | None] = {"window_days": DEFAULT_WINDOW_DAYS}

FIELDS: dict[str, RuleField] = {
    rule.name: rule
    for rule in (
        # Purchases in the segment's program.
        RuleField("days_since_last_purchase", _("days since the last purchase"), "number"),
        RuleField("purchases_count", _("purchases"), "number", WINDOW),
        RuleField("total_spent", _("total spent"), "number", WINDOW),
        RuleField("bought_category", _("bought in category"), "id", WINDOW),
        RuleField("bought_sku", _("bought SKU"), "text", WINDOW, max_length=64),
        RuleField("store", _("bought at store"), "id", WINDOW),
        # Points and tier in the program.
        RuleField("points_balance", _("points balance"), "number"),
        RuleField("points_expiring", _("points expiring"), "number", {"days": DEFAULT_EXPIRING_DAYS}),
        RuleField("tier", _("tier"), "id_or_name", max_length=100),
        # The contact.
        RuleField("gender", _("gender"), "choice", choices=tuple(Gender.values)),
        RuleField("age", _("age"), "number"),
        RuleField("birthday_in_days", _("days to the birthday"), "number"),
        RuleField("city", _("city"), "text", max_length=100),
        RuleField("has_email", _("has an e-mail"), "flag"),
        RuleField("subscribed_email", _("subscribed to e-mail"), "flag"),
        RuleField("subscribed_sms", _("subscribed to SMS"), "flag"),
        RuleField("registered_days_ago", _("days since registration"), "number"),
        RuleField("source", _("source"), "choice", choices=tuple(ContactSource.values)),
        # Events (of the program's brands, or of none).
        RuleField("event", _("had an event"), "text", {**WINDOW, "sku": None}, max_length=64),
        RuleField("opened_email", _("e-mails opened"), "number", WINDOW),
        RuleField("clicked_email", _("e-mail links clicked"), "number", WINDOW),
        # Other segments and scores.
        RuleField("in_segment", _("in segment"), "id"),
        RuleField("rfm", _("RFM segment"), "text", max_length=40),
        RuleField("churn_risk", _("churn risk"), "number"),
    )
}
