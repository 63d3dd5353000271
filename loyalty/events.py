"""The contact events the processing centre records: built here, recorded by the service that made the change, in
its transaction (`contacts.services.events.events_record`, one insert for all of a change's events).

What each carries in `data` (JSON: money and points as two-place strings, as the API shows them):
- `purchase_confirmed`: `purchase_id`, `receipt_number`, `total`, `payable`, `points`, `redeemed_points`, `store`
  and `brand` (ids), and `purchase` (the same, the store by name, for templates: `{{ purchase.receipt_number }}`);
- `points_accrued`: `points` (the receipt's, when above zero), `purchase_id`, `store`, `brand`, `purchase`;
- `purchase_refunded`: `purchase_id`, `refund_id`, `receipt_number`, `refund_amount`, `points_revoked`,
  `points_returned`, `store`, `brand`, `purchase`;
- `tier_changed`: `from_tier`, `from_tier_id`, `to_tier`, `to_tier_id` (names and ids, null for none), `tier` (the
  new tier's name, what a trigger's `tier` condition and `{{ tier }}` read), `reason`, `program`.

An event happens at a brand when it has a place: the checkout's events carry the register's brand. A tier changed
by hand or by the daily job happened at no brand: it is recorded once for each brand of the program, so that every
brand's triggers hear of it and none of another program's brands do.
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from contacts.models import ContactEvent
from loyalty.models import Brand, Purchase, Store, TierChange


def _tier(change: TierChange, side: str) -> tuple[str | None, int | None]:
    tier = getattr(change, f"{side}_tier")
    return (tier.name, tier.pk) if tier is not None else (None, None)


def tier_changed_data(change: TierChange) -> dict[str, Any]:
    from_name, from_id = _tier(change, "from")
    to_name, to_id = _tier(change, "to")
    return {
        "from_tier": from_name,
        "from_tier_id": from_id,
        "to_tier": to_name,
        "to_tier_id": to_id,
        "tier": to_name or "",
        "reason": str(change.reason),
        "program": change.enrollment.program_id,
    }


def tier_changed_events(change: TierChange, *, brand_ids: Iterable[int]) -> list[ContactEvent]:
    """A tier change's `tier_changed` event, one per brand given."""
    data = tier_changed_data(change)
    return [
        ContactEvent(
            contact_id=change.enrollment.contact_id, type="tier_changed", at=change.at, data=data, brand_id=brand_id
        )
        for brand_id in brand_ids
    ]


def program_brand_ids(program_id: int) -> list[int]:
    return list(Brand.objects.filter(program_id=program_id).order_by("pk").values_list("pk", flat=True))


def _purchase_part(purchase: Purchase, store: Store, totals: dict[str, str]) -> dict[str, Any]:
    return {
        "id": purchase.pk,
        "receipt_number": purchase.receipt_number,
        "total": totals["total"],
        "payable": totals["payable"],
        "points": totals["points"],
        "redeemed_points": totals["redeemed_points"],
        "store": store.name,
        "at": purchase.at.isoformat(),
    }


def purchase_confirmed_events(
    *, purchase: Purchase, store: Store, totals: dict[str, str], tier_change: TierChange | None
) -> list[ContactEvent]:
    """A confirm's events: `purchase_confirmed`, `points_accrued` when the receipt earned points, `tier_changed`
    when it moved the tier. `totals` as answered (two-place strings). None for an anonymous receipt."""
    contact_id = purchase.contact_id
    if contact_id is None:
        return []
    part = _purchase_part(purchase, store, totals)
    place = {"store": store.pk, "brand": store.brand_id}
    confirmed = {
        "purchase_id": purchase.pk,
        "receipt_number": purchase.receipt_number,
        "total": totals["total"],
        "payable": totals["payable"],
        "points": totals["points"],
        "redeemed_points": totals["redeemed_points"],
        **place,
        "purchase": part,
    }

    def event(type: str, data: dict[str, Any], at: datetime) -> ContactEvent:
        return ContactEvent(contact_id=contact_id, type=type, at=at, data=data, brand_id=store.brand_id)

    events = [event("purchase_confirmed", confirmed, purchase.at)]
    if Decimal(totals["points"]) > 0:
        accrued = {"points": totals["points"], "purchase_id": purchase.pk, **place, "purchase": part}
        events.append(event("points_accrued", accrued, purchase.at))
    if tier_change is not None:
        events.append(event("tier_changed", tier_changed_data(tier_change), tier_change.at))
    return events


def purchase_refunded_events(
    *,
    purchase: Purchase,
    store: Store,
    refund: dict[str, Any],
    at: datetime,
    tier_change: TierChange | None,
) -> list[ContactEvent]:
    """A refund's events: `purchase_refunded` (its amounts as answered) and `tier_changed` when it moved the tier."""
    if purchase.contact_id is None:
        return []
    totals = {
        "total": str(purchase.total),
        "payable": str(purchase.payable),
        "points": str(purchase.points),
        "redeemed_points": str(purchase.redeemed_points),
    }
    data = {
        "purchase_id": purchase.pk,
        "refund_id": refund["refund_id"],
        "receipt_number": purchase.receipt_number,
        "refund_amount": refund["refund_amount"],
        "points_revoked": refund["points_revoked"],
        "points_returned": refund["points_returned"],
        "store": store.pk,
        "brand": store.brand_id,
        "purchase": _purchase_part(purchase, store, totals),
    }
    events = [
        ContactEvent(
            contact_id=purchase.contact_id, type="purchase_refunded", at=at, data=data, brand_id=store.brand_id
        )
    ]
    if tier_change is not None:
        events.append(
            ContactEvent(
                contact_id=purchase.contact_id,
                type="tier_changed",
                at=tier_change.at,
                data=tier_changed_data(tier_change),
                brand_id=store.brand_id,
            )
        )
    return events
