"""Refunds at the till: all or part of a confirmed purchase, one transaction with the points account locked first
(`checkout.lock_account`), as a confirm locks it."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError, InvalidInput
from common.money import ZERO, quantize
from contacts.services.events import events_record
from loyalty.choices import EntryKind
from loyalty.events import purchase_refunded_events
from loyalty.models import (
    Enrollment,
    LedgerEntry,
    Purchase,
    Refund,
    RefundLine,
    Register,
)
from loyalty.pos.answers import money_text
from loyalty.pos.checkout import lock_account
from loyalty.selectors import balance
from loyalty.services import ledger
from loyalty.services.spend import spend_add
from loyalty.services.tiers import tier_evaluate
from promocodes import checkout as promo


def _share(value: Decimal, quantity: Decimal, bought: Decimal, already: Decimal, empties: bool) -> Decimal:
    """The refunded part's value: proportional, rounded; the refund that empties a line takes exactly the rest."""
    if empties:
        return value - already
    return quantize(value * quantity / bought)


@transaction.atomic
def refund(
    *, register: Register, purchase_id: int, data: dict[str, Any], now: datetime | None = None
) -> dict[str, Any]:
    """Refund all or part of a purchase: money share of `paid`, earned points revoked, redeemed points returned."""
    now = now or timezone.now()
    purchase = Purchase.objects.select_for_update().filter(pk=purchase_id, register=register).first()
    if purchase is None:
        raise DomainError(_("No such purchase at this register."), code="not_found", status_code=404)
    lock_account(purchase.account)
    lines = {line.index: line for line in purchase.lines.all()}
    done: dict[int, dict[str, Decimal]] = {
        index: {"quantity": ZERO, "amount": ZERO, "revoked": ZERO, "returned": ZERO} for index in lines
    }
    for part in RefundLine.objects.filter(refund__purchase=purchase).select_related("line"):
        record = done[part.line.index]
        record["quantity"] += part.quantity
        record["amount"] += part.amount
        record["revoked"] += part.points_revoked
        record["returned"] += part.points_returned
    wanted: dict[int, Decimal] = {}
    if data.get("lines"):
        for item in data["lines"]:
            if item["index"] not in lines:
                raise InvalidInput(
                    _("The receipt has no line %(index)s.") % {"index": item["index"]},
                    fields={"lines": [_("Unknown line index %(index)s.") % {"index": item["index"]}]},
                )
            wanted[item["index"]] = wanted.get(item["index"], ZERO) + item["quantity"]
    else:
        wanted = {index: line.quantity - done[index]["quantity"] for index, line in lines.items()}
        wanted = {index: quantity for index, quantity in wanted.items() if quantity > 0}
        if not wanted:
            raise InvalidInput(_("Everything on this receipt is already refunded."), code="refund_exceeds_purchase")
    for index, quantity in wanted.items():
        if quantity > lines[index].quantity - done[index]["quantity"]:
            raise InvalidInput(
                _("Line %(index)s: more than was bought and not yet refunded.") % {"index": index},
                code="refund_exceeds_purchase",
                fields={"lines": [_("Line %(index)s exceeds the purchase.") % {"index": index}]},
            )
    refund_row = Refund.objects.create(
        purchase=purchase, at=now, refund_amount=ZERO, points_revoked=ZERO, points_returned=ZERO
    )
    parts = []
    for index, quantity in sorted(wanted.items()):
        line, record = lines[index], done[index]
        empties = record["quantity"] + quantity == line.quantity
        parts.append(
            RefundLine(
                refund=refund_row,
                line=line,
                quantity=quantity,
                amount=_share(line.paid, quantity, line.quantity, record["amount"], empties),
                points_revoked=_share(line.points, quantity, line.quantity, record["revoked"], empties),
                points_returned=_share(line.redeemed_points, quantity, line.quantity, record["returned"], empties),
            )
        )
    RefundLine.objects.bulk_create(parts)
    refund_row.refund_amount = sum((part.amount for part in parts), ZERO)
    refund_row.points_revoked = sum((part.points_revoked for part in parts), ZERO)
    refund_row.points_returned = sum((part.points_returned for part in parts), ZERO)
    refund_row.save(update_fields=["refund_amount", "points_revoked", "points_returned", "updated_at"])
    if purchase.contact_id is not None:  # taken off the purchase's day, before the tier is judged again
        spend_add(
            contact_id=purchase.contact_id,
            program_id=purchase.program_id,
            at=purchase.at,
            amount=-refund_row.refund_amount,
        )
    if all(done[index]["quantity"] + wanted.get(index, ZERO) == line.quantity for index, line in lines.items()):
        promo.codes_release(purchase_id=purchase.pk, at=now)  # only pools that say so give the code back
    account = purchase.account
    tier_change = None
    if account is not None:
        if refund_row.points_revoked > 0:
            ledger.revoke(account=account, points=refund_row.points_revoked, at=now, purchase_id=purchase.pk)
        if refund_row.points_returned > 0:
            redemptions = list(LedgerEntry.objects.filter(purchase_id=purchase.pk, kind=EntryKind.REDEMPTION))
            ledger.return_points(redemption_entries=redemptions, points=refund_row.points_returned, at=now)
        if purchase.contact_id is not None:
            enrollment = Enrollment.objects.filter(
                contact_id=purchase.contact_id, program_id=purchase.program_id
            ).first()
            if enrollment is not None:
                tier_change = tier_evaluate(enrollment=enrollment, at=now, reason="refund")
    current = balance(account=account, now=now)
    answer = {
        "refund_id": refund_row.pk,
        "refund_amount": money_text(refund_row.refund_amount),
        "points_revoked": money_text(refund_row.points_revoked),
        "points_returned": money_text(refund_row.points_returned),
        "balance": {
            "active": money_text(current["active"]),
            "pending": money_text(current["pending"]),
        },
    }
    events_record(
        purchase_refunded_events(
            purchase=purchase, store=register.store, refund=answer, at=now, tier_change=tier_change
        )
    )
    return answer
