"""Fraud signals of the brands in a period: `[{"kind", "object", "score", "reason"}]`, strongest first per kind.

- `card_many_stores`: a card on receipts at 3 or more stores within one hour (any 60 minutes). Score: the stores.
- `redemption_near_limit`: a contact whose redemptions were, 3 times or more, at 90–99.99 % of the program's limit
  (`max_redeem_percent` of the receipt's total, in points' value): probing the cap. Score: such receipts.
- `register_refunds`: a register (5 receipts at least, 3 refunds at least) whose share of refunded receipts is at
  least 3 times, and 10 points above, that of the rest of its store (the rest of the brand for a store's only
  register). Score: its rate ÷ the others' (the others' taken as 1 % at least).
- `staff_adjustments`: manual points adjustments are made by staff, not at a register, so their rate is per staff
  member: one who made 5 or more in the program and at least 3 times the average of the others who made any.
  Score: their count ÷ the others' average.
- `shared_phone`: 3 or more contacts of the brands' programs, registered in the period, whose phones differ only in
  the last two digits (a block of numbers bought together). Score: the contacts.
- `shared_card`: a card on receipts of 2 or more different contacts. Score: the contacts.

`object` is `{"type": "card"|"contact"|"register"|"user"|"contacts", "id", "label"}` (`ids` for a group), which
the admin turns into links. Plain ORM aggregates, portable; the per-hour window runs in Python over the few cards
that visited three stores in the period at all.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Value
from django.db.models.functions import Left, Length
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from analytics.metrics.base import Period, by_brands
from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.models import Brand, Card, Enrollment, LedgerEntry, Purchase, Refund, Register

HOUR = timedelta(hours=1)
CARD_STORES = 3
NEAR_LIMIT = Decimal("0.90")
NEAR_LIMIT_TIMES = 3
RATE_MIN_RECEIPTS = 5
RATE_MIN_REFUNDS = 3
RATE_FACTOR = 3
RATE_MARGIN = 0.10
RATE_FLOOR = 0.01
ADJUSTMENTS_MIN = 5
PHONE_GROUP = 3
CARD_CONTACTS = 2


@dataclass(frozen=True)
class Signal:
    kind: str
    object: dict[str, Any]
    score: float
    reason: str


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _card_many_stores(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    receipts = Purchase.objects.filter(by_brands(brand_ids), at__gte=period.start, at__lt=period.end).exclude(
        card_number=""
    )
    suspects = (receipts.order_by().values("card_number").annotate(stores=Count("store_id", distinct=True))).filter(
        stores__gte=CARD_STORES
    )
    rows = receipts.filter(card_number__in=suspects.values("card_number")).order_by("card_number", "at")
    visits: dict[str, list[tuple[Any, int]]] = defaultdict(list)
    for number, at, store in rows.values_list("card_number", "at", "store_id"):
        visits[number].append((at, store))
    cards = dict(Card.objects.filter(number__in=list(visits)).values_list("number", "pk"))
    signals = []
    for number, seen in visits.items():
        best, best_at = 0, None
        for index, (at, _store) in enumerate(seen):
            stores = {store for moment, store in seen[index:] if moment - at < HOUR}
            if len(stores) > best:
                best, best_at = len(stores), at
        if best >= CARD_STORES:
            reason = _("Card %(card)s was used in %(stores)s stores within an hour (from %(at)s).") % {
                "card": number,
                "stores": best,
                "at": _when(best_at),
            }
            target = {"type": "card", "id": cards.get(number), "label": number}
            signals.append(Signal("card_many_stores", target, float(best), reason))
    return signals


def _redemption_near_limit(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    cap = F("total") * F("program__max_redeem_percent") / Value(Decimal(100))
    near = (
        Purchase.objects.filter(
            by_brands(brand_ids),
            at__gte=period.start,
            at__lt=period.end,
            contact_id__isnull=False,
            redeemed_points__gt=0,
        )
        .annotate(value=F("redeemed_points") * F("program__point_value"), cap=cap)
        .filter(cap__gt=0, value__lt=F("cap"), value__gte=F("cap") * NEAR_LIMIT)
        .order_by()
        .values("contact_id")
        .annotate(times=Count("pk"))
        .filter(times__gte=NEAR_LIMIT_TIMES)
        .values_list("contact_id", "times")
    )
    found = dict(near)
    labels = {pk: str(contact) for pk, contact in Contact.objects.in_bulk(list(found)).items()}
    signals = []
    for contact, times in found.items():
        reason = ngettext(
            "%(count)s redemption at 90–99 %% of the limit a receipt allows: probing the cap.",
            "%(count)s redemptions at 90–99 %% of the limit a receipt allows: probing the cap.",
            times,
        ) % {"count": times}
        target = {"type": "contact", "id": contact, "label": labels.get(contact, f"#{contact}")}
        signals.append(Signal("redemption_near_limit", target, float(times), reason))
    return signals


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _register_refunds(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    receipts = dict(
        Purchase.objects.filter(by_brands(brand_ids), at__gte=period.start, at__lt=period.end)
        .order_by()
        .values("register_id")
        .annotate(count=Count("pk"))
        .values_list("register_id", "count")
    )
    refunded = dict(
        Refund.objects.filter(by_brands(brand_ids, "purchase__brand_id"), at__gte=period.start, at__lt=period.end)
        .order_by()
        .values("purchase__register_id")
        .annotate(count=Count("purchase_id", distinct=True))
        .values_list("purchase__register_id", "count")
    )
    registers = {
        pk: (code, store, store_name, brand)
        for pk, code, store, store_name, brand in Register.objects.filter(pk__in=list(receipts)).values_list(
            "pk", "code", "store_id", "store__name", "store__brand_id"
        )
    }
    per_store: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    per_brand: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, (_code, store, _name, brand) in registers.items():
        for totals in (per_store[store], per_brand[brand]):
            totals[0] += receipts.get(pk, 0)
            totals[1] += refunded.get(pk, 0)
    signals = []
    for pk, (code, store, store_name, brand) in registers.items():
        count, refunds = receipts.get(pk, 0), refunded.get(pk, 0)
        if count < RATE_MIN_RECEIPTS or refunds < RATE_MIN_REFUNDS:
            continue
        others = per_store[store] if per_store[store][0] > count else per_brand[brand]
        other_count, other_refunds = others[0] - count, others[1] - refunds
        if other_count <= 0:
            continue
        rate, baseline = _rate(refunds, count), _rate(other_refunds, other_count)
        if rate < RATE_FACTOR * baseline or rate - baseline < RATE_MARGIN:
            continue
        reason = _(
            "Register %(register)s (%(store)s) refunded %(rate)s %% of its receipts (%(refunds)s of %(count)s); "
            "the rest of the store %(baseline)s %%."
        ) % {
            "register": code,
            "store": store_name,
            "rate": round(rate * 100, 1),
            "refunds": refunds,
            "count": count,
            "baseline": round(baseline * 100, 1),
        }
        target = {"type": "register", "id": pk, "label": f"{code} ({store_name})"}
        signals.append(Signal("register_refunds", target, round(rate / max(baseline, RATE_FLOOR), 2), reason))
    return signals


def _programs(brand_ids: list[int] | None) -> Any:
    return Brand.objects.filter(by_brands(brand_ids, "pk")).values("program_id")


def _staff_adjustments(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    rows = list(
        LedgerEntry.objects.filter(
            kind=EntryKind.ADJUSTMENT,
            created_by__isnull=False,
            account__program_id__in=_programs(brand_ids),
            at__gte=period.start,
            at__lt=period.end,
        )
        .order_by()
        .values("created_by_id", "created_by__username")
        .annotate(count=Count("pk"))
        .values_list("created_by_id", "created_by__username", "count")
    )
    signals = []
    for user, username, count in rows:
        others = [other for pk, _name, other in rows if pk != user]
        if count < ADJUSTMENTS_MIN or not others:
            continue
        average = sum(others) / len(others)
        if count < RATE_FACTOR * average:
            continue
        reason = _("%(user)s made %(count)s manual points adjustments; the other staff %(average)s on average.") % {
            "user": username,
            "count": count,
            "average": round(average, 1),
        }
        target = {"type": "user", "id": user, "label": username}
        signals.append(Signal("staff_adjustments", target, round(count / average, 2), reason))
    return signals


def _shared_phone(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    enrolled = Enrollment.objects.filter(program_id__in=_programs(brand_ids)).values("contact_id")
    contacts = Contact.objects.filter(
        pk__in=enrolled, created_at__gte=period.start, created_at__lt=period.end, phone__isnull=False
    ).annotate(block=Left("phone", Length("phone") - 2))
    blocks = (
        contacts.order_by().values("block").annotate(count=Count("pk")).filter(count__gte=PHONE_GROUP).values("block")
    )
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, block, phone in contacts.filter(block__in=blocks).order_by("phone").values_list("pk", "block", "phone"):
        groups[block].append((pk, phone))
    signals = []
    for block, members in groups.items():
        pattern = f"{block}xx"
        reason = _("%(count)s contacts registered in the period with phones %(pattern)s: a block of numbers.") % {
            "count": len(members),
            "pattern": pattern,
        }
        target = {"type": "contacts", "ids": [pk for pk, _phone in members], "label": pattern}
        signals.append(Signal("shared_phone", target, float(len(members)), reason))
    return signals


def _shared_card(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    shared = (
        Purchase.objects.filter(by_brands(brand_ids), at__gte=period.start, at__lt=period.end, contact_id__isnull=False)
        .exclude(card_number="")
        .order_by()
        .values("card_number")
        .annotate(contacts=Count("contact_id", distinct=True))
        .filter(contacts__gte=CARD_CONTACTS)
        .values_list("card_number", "contacts")
    )
    found = dict(shared)
    cards = dict(Card.objects.filter(number__in=list(found)).values_list("number", "pk"))
    signals = []
    for number, contacts in found.items():
        reason = _("Card %(card)s was presented for %(count)s different contacts.") % {
            "card": number,
            "count": contacts,
        }
        target = {"type": "card", "id": cards.get(number), "label": number}
        signals.append(Signal("shared_card", target, float(contacts), reason))
    return signals


KIND_LABELS = {
    "card_many_stores": gettext_lazy("A card in several stores within an hour"),
    "redemption_near_limit": gettext_lazy("Redemptions just under the limit"),
    "register_refunds": gettext_lazy("Registers refunding far more than their store"),
    "staff_adjustments": gettext_lazy("Staff adjusting points far more than the others"),
    "shared_phone": gettext_lazy("Contacts with phones from one block"),
    "shared_card": gettext_lazy("A card presented for several contacts"),
}
KINDS = {
    "card_many_stores": _card_many_stores,
    "redemption_near_limit": _redemption_near_limit,
    "register_refunds": _register_refunds,
    "staff_adjustments": _staff_adjustments,
    "shared_phone": _shared_phone,
    "shared_card": _shared_card,
}


def fraud_signals(brand_ids: list[int] | None, period: Period) -> list[Signal]:
    """Every kind's signals, each kind's strongest first."""
    signals: list[Signal] = []
    for find in KINDS.values():
        signals.extend(sorted(find(brand_ids, period), key=lambda signal: (-signal.score, signal.object["label"])))
    return signals
