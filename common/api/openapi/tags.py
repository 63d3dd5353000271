"""The schema's areas, in the order Swagger shows them (POS first: it is what a register's integrator needs), and
which URL prefixes fall in each."""

import re

POS = "POS"

# (name, description): the schema's top-level `tags`, whose order Swagger UI keeps.
TAGS: tuple[tuple[str, str], ...] = (
    (
        POS,
        "The register's calls, with `Authorization: Api-Key <key>`: identify the customer, calculate a receipt, "
        "confirm it (with an `Idempotency-Key`) and refund it.",
    ),
    ("Contacts", "Customers, their subscriptions, phone and e-mail confirmation, the blacklist."),
    ("Loyalty", "Programs, tiers, card types and cards, master accounts; balances, the points ledger, settlements."),
    ("Catalogue", "Products, categories and product segments that campaigns and segments refer to."),
    ("Campaigns", "Discount and points campaigns: edit, pause and resume, duplicate, simulate, measure the effect."),
    ("Promo codes", "Pools of promo codes: generate, import, export, follow the generation jobs."),
    ("Segments", "Rule-based and static audiences of contacts, recomputed on schedule and on demand."),
    ("Events and messages", "Events from shops and apps, the triggers they fire and the messages sent."),
    ("Surveys", "Surveys, their invitations and results; the customer's answers by a personal link."),
    ("Promoters", "Promoters' stands and the leads captured at them."),
    ("Personal account", "The customer's own account, with `Authorization: Customer <token>` after an SMS code."),
    ("Analytics", "Reports for staff: overview, program, RFM, LTV, ABC/XYZ, BCG, fraud, register load, licence."),
    ("Organisation", "Brands, their stores and registers, and partners."),
    ("Access", "Staff users and their API token."),
)

TAG_NAMES: tuple[str, ...] = tuple(name for name, _description in TAGS)

# The path below /api/v1/ → its tag; the first pattern that matches wins (so the specific ones come first).
_BY_PATH: tuple[tuple[str, str], ...] = (
    (r"pos/", POS),
    (r"contacts/\{[^}]+\}/(balance|ledger|adjustments)/", "Loyalty"),
    (r"(contacts|blacklist)/", "Contacts"),
    (r"(programs|tiers|card-types|cards|master-accounts|settlements)/", "Loyalty"),
    (r"(products|categories|product-segments)/", "Catalogue"),
    (r"campaigns/", "Campaigns"),
    (r"promo-pools/", "Promo codes"),
    (r"segments/", "Segments"),
    (r"(events|triggers|messages)/", "Events and messages"),
    (r"(surveys|survey-responses)/", "Surveys"),
    (r"(stands|leads)/", "Promoters"),
    (r"account/", "Personal account"),
    (r"analytics/", "Analytics"),
    (r"(brands|stores|registers|partners)/", "Organisation"),
    (r"(staff-users|auth)/", "Access"),
)
_PATTERNS = tuple((re.compile(pattern), tag) for pattern, tag in _BY_PATH)
PREFIX = "/api/v1/"


def tag_for(path: str) -> str | None:
    """The tag of a schema path (`/api/v1/pos/calculate/`), or None for a path no area claims."""
    if not path.startswith(PREFIX):
        return None
    rest = path[len(PREFIX) :]
    return next((tag for pattern, tag in _PATTERNS if pattern.match(rest)), None)
