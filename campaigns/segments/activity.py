"""Rule leaves about what the contact did in the program: purchases and their lines, points, events.

Purchases, lines and points are those of the segment's program; events those of its brands or of no brand. Windows
(`window_days`, default 365) end at `now`. Every leaf is `EXISTS` over one table (a line joined to its purchase), or
`IN (... GROUP BY ... HAVING)` where it counts or sums (see `compiler`).
"""

from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum

from campaigns.segments.compiler import (
    NOTHING,
    Context,
    Leaf,
    any_of,
    by_value,
    count_shortcut,
    has,
    sets,
    whole_ranges,
    with_default,
)
from campaigns.segments.rules import as_id, values_of
from common.money import ZERO
from contacts.models import ContactEvent
from loyalty.models import Account, Category, MasterAccountMember, Purchase, PurchaseLine
from loyalty.selectors.balances import roots_with_remaining
from loyalty.selectors.spend import net_paid

_MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO_COUNT = ZERO * 0


# --- purchases -----------------------------------------------------------------------------------------------


def _purchases(ctx: Context, rule: dict[str, Any] | None = None) -> QuerySet[Purchase]:
    """The program's purchases of known contacts (in the rule's window, when given)."""
    purchases = Purchase.objects.filter(program_id=ctx.program_id, contact_id__isnull=False)
    if rule is not None:
        purchases = purchases.filter(at__gte=ctx.since(rule), at__lte=ctx.now)
    return purchases.order_by()


def _counted(rows: QuerySet[Any], rule: dict[str, Any]) -> Q:
    """A count of rows per contact compared (0 for a contact without rows); EXISTS when only "any?" is asked."""
    shortcut = count_shortcut(rule["op"], rule["value"])
    if shortcut is not None:
        return has(rows) if shortcut == "exists" else ~has(rows)

    def grouped(condition: Q) -> QuerySet[Any]:
        return rows.values("contact_id").annotate(value=Count("*")).filter(condition).values("contact_id")

    return with_default(grouped, "value", rule["op"], rule["value"], ZERO_COUNT)


def _purchases_count(rule: dict[str, Any], ctx: Context) -> Q:
    return _counted(_purchases(ctx, rule), rule)


def _total_spent(rule: dict[str, Any], ctx: Context) -> Q:
    """Money paid in the window, less what was refunded of those purchases (the tiers' measure of spend)."""

    def rows(condition: Q) -> QuerySet[Any]:
        summed = _purchases(ctx, rule).values("contact_id").annotate(value=Sum(net_paid(), output_field=_MONEY))
        return summed.filter(condition).values("contact_id")

    return with_default(rows, "value", rule["op"], rule["value"], ZERO)


def _days_since_last_purchase(rule: dict[str, Any], ctx: Context) -> Q:
    """Whole days since the latest purchase; a contact who never bought has none and matches no comparison.

    d in [lo, hi] ⟺ a purchase in (now − (hi + 1) days, now − lo days] and none after now − lo days: two index
    probes per candidate, or a semi-join and an anti-join over the purchases, where an aggregate would group them
    all."""
    purchases = _purchases(ctx)
    conditions = []
    for low, high in whole_ranges(rule["op"], rule["value"]):
        latest = ctx.days_ago(low) if low is not None else None
        earliest = ctx.days_ago(high + 1) if high is not None else None
        if (low is not None and latest is None and low > 0) or (earliest is None and high is not None and high < -1):
            continue  # beyond the calendar: nothing
        some = purchases
        if earliest is not None:
            some = some.filter(at__gt=earliest)
        if latest is not None:
            some = some.filter(at__lte=latest)
            conditions.append(has(some) & ~has(purchases.filter(at__gt=latest)))
        else:
            conditions.append(has(some))
    return any_of(conditions)


def _store(rule: dict[str, Any], ctx: Context) -> Q:
    stores = sorted({pk for pk in (as_id(value) for value in values_of(rule)) if pk is not None})
    return sets(rule["op"], has(_purchases(ctx, rule).filter(store_id__in=stores)))


def _lines(ctx: Context, rule: dict[str, Any]) -> QuerySet[PurchaseLine]:
    return PurchaseLine.objects.filter(
        purchase__program_id=ctx.program_id,
        purchase__contact_id__isnull=False,
        purchase__at__gte=ctx.since(rule),
        purchase__at__lte=ctx.now,
    ).order_by()


def _bought_sku(rule: dict[str, Any], ctx: Context) -> Q:
    skus = [str(value) for value in values_of(rule)]
    return sets(rule["op"], has(_lines(ctx, rule).filter(sku__in=skus), "purchase__contact_id"))


def _bought_category(rule: dict[str, Any], ctx: Context) -> Q:
    """Lines of products in the categories or under them (the tree's paths, read once)."""
    ids = sorted({pk for pk in (as_id(value) for value in values_of(rule)) if pk is not None})
    under = Q()
    for path in Category.objects.filter(pk__in=ids).values_list("path", flat=True):
        under |= Q(path__startswith=path)
    categories = sorted(Category.objects.filter(under).values_list("pk", flat=True)) if under else []
    if not categories:
        return sets(rule["op"], NOTHING)
    lines = _lines(ctx, rule).filter(product__category_id__in=categories)
    return sets(rule["op"], has(lines, "purchase__contact_id"))


# --- points ----------------------------------------------------------------------------------------------------


def _by_account(ctx: Context, accounts: QuerySet[Account]) -> Q:
    """Contacts who see one of these accounts of the program: their own (unless they are in a master account, whose
    pool they see instead) or their master account's."""
    pooled = MasterAccountMember.objects.filter(program_id=ctx.program_id)
    own = has(accounts.filter(contact_id__isnull=False)) & ~has(pooled)
    pools = accounts.filter(master_account_id__isnull=False).values("master_account_id")
    return own | has(pooled.filter(master_account_id__in=pools))


def _points_balance(rule: dict[str, Any], ctx: Context) -> Q:
    """Active points as the ledger keeps them (expired lots leave the balance when the expiry job writes them)."""

    def matching(condition: Q) -> Q:
        return _by_account(ctx, Account.objects.filter(condition, program_id=ctx.program_id))

    return by_value(rule["op"], rule["value"], ZERO, "active", matching)


def _points_expiring(rule: dict[str, Any], ctx: Context) -> Q:
    """Points of lots that expire after `now` and within `days` (default 30): what is left of each lot."""
    lots = roots_with_remaining().filter(
        account__program_id=ctx.program_id, points__gt=0, expires_at__gt=ctx.now, expires_at__lte=ctx.until(rule)
    )

    def matching(condition: Q) -> Q:
        summed = lots.values("account_id").annotate(value=Sum("remaining_raw", output_field=_MONEY)).filter(condition)
        return _by_account(ctx, Account.objects.filter(pk__in=summed.values("account_id")))

    return by_value(rule["op"], rule["value"], ZERO, "value", matching)


# --- events ----------------------------------------------------------------------------------------------------


def _events(ctx: Context, rule: dict[str, Any], types: list[str]) -> QuerySet[ContactEvent]:
    """Events of these types in the window, at the program's brands or at none."""
    return ContactEvent.objects.filter(
        Q(brand_id__in=ctx.brand_ids) | Q(brand_id__isnull=True),
        type__in=types,
        at__gte=ctx.since(rule),
        at__lte=ctx.now,
    ).order_by()


def _event(rule: dict[str, Any], ctx: Context) -> Q:
    events = _events(ctx, rule, [str(value) for value in values_of(rule)])
    if rule.get("sku"):
        events = events.filter(sku=rule["sku"])
    return sets(rule["op"], has(events))


def _event_count(event_type: str) -> Leaf:
    def leaf(rule: dict[str, Any], ctx: Context) -> Q:
        return _counted(_events(ctx, rule, [event_type]), rule)

    return leaf


ACTIVITY_LEAVES: dict[str, Leaf] = {
    "days_since_last_purchase": _days_since_last_purchase,
    "purchases_count": _purchases_count,
    "total_spent": _total_spent,
    "store": _store,
    "bought_sku": _bought_sku,
    "bought_category": _bought_category,
    "points_balance": _points_balance,
    "points_expiring": _points_expiring,
    "event": _event,
    "opened_email": _event_count("email_opened"),
    "clicked_email": _event_count("email_clicked"),
}
