"""The checkout service: identify a customer, calculate a receipt, confirm it, refund it.

Calculate is a read; confirm and refund are one transaction each, with the points account locked first
(`select_for_update`) so that concurrent receipts of one account queue up and never double-spend.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import pricing
from campaigns.models import Campaign
from campaigns.services.basket import lines_with_list_prices
from common.errors import Conflict, DomainError, InvalidInput
from common.money import MAX_AMOUNT, ZERO, quantize
from contacts.models import Contact
from contacts.normalize import normalize_phone
from contacts.services.events import events_record
from loyalty.choices import CardStatus, EntryKind
from loyalty.events import purchase_confirmed_events, purchase_refunded_events
from loyalty.lock_objects import account_qs_select_for_update
from loyalty.models import (
    Account,
    Card,
    Enrollment,
    LedgerEntry,
    Purchase,
    PurchaseLine,
    Refund,
    RefundLine,
    Register,
    Store,
    Tier,
)
from loyalty.pos.lookup import TillProduct, brand_products, card_lookup
from loyalty.pos.receipt import (
    ProgramRules,
    ReceiptLine,
    apply_base_accrual,
    apply_redemption,
    price_lines,
    redeemable_max,
)
from loyalty.selectors import account_find, balance, balance_quick
from loyalty.services import ledger
from loyalty.services.cards import enrollment_ensure
from loyalty.services.tiers import effective_tier, program_tiers, tier_evaluate
from promocodes import checkout as promo
from promocodes import guessing

CLOCK_SKEW = timedelta(minutes=1)


class CustomerNotFound(DomainError):
    status_code = 404
    code = "customer_not_found"


@dataclass
class Customer:
    """An identified customer at a register: the contact, the card shown (or their first), the points account."""

    contact: Contact
    card: Card | None
    enrollment: Enrollment | None
    account: Account | None
    tier: Tier | None
    balance: dict[str, Any] = field(default_factory=dict)
    tiers: list[Tier] | None = None  # the program's tiers as `identify` read them (once per request)


@dataclass
class Calculation:
    customer: Customer | None
    lines: list[ReceiptLine]
    products: dict[str, TillProduct]
    promotions: pricing.EngineResult
    redeemable_max: Decimal
    redeemed_points: Decimal
    code_checks: list[promo.CodeCheck]
    messages: list[str]
    at: datetime
    counted: frozenset[int] = frozenset()  # the campaigns with limits, whose counters a confirm moves

    @property
    def promo_codes(self) -> list[dict[str, str]]:
        return [check.answer() for check in self.code_checks]


# --- identification ----------------------------------------------------------------------------------------------


def identify(
    *,
    register: Register,
    query: dict[str, Any],
    now: datetime | None = None,
    with_balance: bool = True,
    with_expiring: bool = False,
) -> Customer:
    """Find the customer by card, phone or contact id, in the register's program.

    Unknown (or a card of another program, or an unbound card, or the id of a contact not in the program) → 404
    `customer_not_found`; a blocked card → 409 `card_blocked`. A contact found by phone who is not yet in the program
    is known, with nothing on account (the customer gave the phone at the till; a confirm enrolls them).
    The balance is active and pending only unless `with_expiring`; none at all without `with_balance` (confirm
    reads it once the account is locked).
    """
    program = register.store.brand.program
    now = now or timezone.now()
    if query.get("card"):
        # The common case at a till: one statement for the card and all that follows from it (`lookup`).
        found = card_lookup(program_id=program.pk, number=str(query["card"]).strip())
        if found is None or found.contact is None:
            raise CustomerNotFound(_("No customer with this card."))
        if found.card.status == CardStatus.BLOCKED:
            raise Conflict(_("This card is blocked."), code="card_blocked")
        return _customer(
            contact=found.contact,
            card=found.card,
            enrollment=found.enrollment,
            account=found.account,
            tiers=found.tiers,
            now=now,
            with_balance=with_balance,
            with_expiring=with_expiring,
        )
    contact: Contact | None = None
    if query.get("phone"):
        try:
            phone = normalize_phone(query["phone"])
        except ValidationError:
            phone = None
        contact = Contact.objects.filter(phone=phone).first() if phone else None
    elif query.get("contact_id") is not None:
        # By id only contacts already in the program: ids are sequential, so a register must not walk them.
        contact = Contact.objects.filter(pk=query["contact_id"], enrollments__program=program).first()
    else:
        raise InvalidInput(_("Give a card, a phone or a contact id."), fields={"customer": [_("Required.")]})
    if contact is None:
        raise CustomerNotFound(_("No such customer."))
    card = (
        Card.objects.filter(contact=contact, card_type__program=program, status=CardStatus.ACTIVE)
        .order_by("pk")
        .first()
    )
    enrollment = Enrollment.objects.select_related("tier").filter(contact=contact, program=program).first()
    return _customer(
        contact=contact,
        card=card,
        enrollment=enrollment,
        account=account_find(program=program, contact=contact),
        tiers=program_tiers(program.pk),
        now=now,
        with_balance=with_balance,
        with_expiring=with_expiring,
    )


def _customer(
    *,
    contact: Contact,
    card: Card | None,
    enrollment: Enrollment | None,
    account: Account | None,
    tiers: list[Tier],
    now: datetime,
    with_balance: bool,
    with_expiring: bool,
) -> Customer:
    tier = effective_tier(enrollment, tiers, now)
    if not with_balance:
        current: dict[str, Any] = {}
    elif with_expiring:
        current = balance(account=account, now=now)
    else:
        current = balance_quick(account=account, now=now)
    return Customer(
        contact=contact, card=card, enrollment=enrollment, account=account, tier=tier, balance=current, tiers=tiers
    )


# --- calculation -------------------------------------------------------------------------------------------------


def check_time(at: datetime | None, now: datetime) -> datetime:
    """The receipt's time: now by default; up to MAX_BACKDATE_DAYS back; no more than a minute ahead."""
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise InvalidInput(_("The receipt's time is in the future."), fields={"at": [_("In the future.")]})
    if at < now - timedelta(days=settings.MAX_BACKDATE_DAYS):
        raise InvalidInput(
            _("The receipt is older than %(days)s days.") % {"days": settings.MAX_BACKDATE_DAYS},
            fields={"at": [_("Too far back.")]},
        )
    return at


def calculate(
    *,
    register: Register,
    data: dict[str, Any],
    customer: Customer | None = None,
    now: datetime | None = None,
    lock_limits: bool = False,
    extra_campaign: Campaign | None = None,
) -> Calculation:
    """The receipt as the campaigns and the program's rules make it; `data` is the validated calculate body.

    Order: base, campaign discounts (by priority), redemption on the totals, the tier's base accrual and the
    campaigns' points on the paid amounts. `lock_limits` (confirm) locks the counters of limited campaigns;
    `extra_campaign` (simulation) adds one campaign whatever its status.
    """
    now = now or timezone.now()
    at = check_time(data.get("at"), now)
    program = register.store.brand.program
    if customer is None and data.get("customer"):
        customer = identify(register=register, query=data["customer"], now=now)
    redeem_wanted = quantize(data.get("redeem_points") or ZERO)
    if customer is None and redeem_wanted > 0:
        raise InvalidInput(
            _("Points can be redeemed only by an identified customer."),
            fields={"redeem_points": [_("No customer.")]},
        )
    skus = {line["sku"] for line in data["lines"]}
    products = brand_products(brand_id=register.store.brand_id, skus=skus)
    lines = []
    for index, raw in enumerate(data["lines"]):
        product = products.get(raw["sku"])
        lines.append(
            ReceiptLine(
                index=index,
                sku=raw["sku"],
                quantity=raw["quantity"],
                price=raw["price"],
                known=product is not None,
                category_ids=product.category_ids if product else frozenset(),
                accrual_excluded=bool(product and product.accrual_excluded),
                redemption_excluded=bool(product and product.redemption_excluded),
            )
        )
    price_lines(lines)
    if sum((line.base for line in lines), ZERO) > MAX_AMOUNT:
        raise InvalidInput(
            _("The receipt's total is beyond %(max)s.") % {"max": MAX_AMOUNT},
            fields={"lines": [_("The receipt's total is too large.")]},
        )
    contact_id = customer.contact.pk if customer else None
    tier_id = customer.tier.pk if customer and customer.tier else None
    store = register.store
    # Codes after the account (confirm locked it) then the campaign counters: one lock order.
    checks = promo.codes_check(
        brand_id=store.brand_id, codes=data.get("promo_codes") or [], contact_id=contact_id, at=at, locked=lock_limits
    )
    campaign_rules = pricing.rules_for(
        brand_id=store.brand_id,
        at=at,
        contact_id=contact_id,
        point_value=program.point_value,
        locked=lock_limits,
        extra=extra_campaign,
    )
    promotions = pricing.apply_discounts(
        lines=lines,
        rules=campaign_rules,
        contact_id=contact_id,
        tier_id=tier_id,
        store_id=store.pk,
        store_timezone=store.timezone,
        at=at,
        codes_applied=promo.unlocked_campaigns(checks),
    )
    rules = ProgramRules(point_value=program.point_value, max_redeem_percent=program.max_redeem_percent)
    limit = ZERO
    redeemed = ZERO
    if customer is not None:
        limit = redeemable_max(lines, rules, customer.balance.get("active", ZERO))
        redeemed = min(redeem_wanted, limit)
        apply_redemption(lines, rules, redeemed)
        if customer.tier is not None:
            apply_base_accrual(lines, customer.tier.accrual_percent)
        pricing.apply_points(promotions)
    promo.codes_settle(checks, applied=promotions.applied_ids, left_out=promotions.left_out)
    return Calculation(
        customer=customer,
        lines=lines,
        products=products,
        promotions=promotions,
        redeemable_max=limit,
        redeemed_points=redeemed,
        code_checks=checks,
        messages=promotions.hints,
        at=at,
        counted=frozenset(rule.id for rule in campaign_rules if rule.counted),
    )


def _money(value: Decimal) -> str:
    return str(quantize(value))


def _quantity(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def customer_answer(customer: Customer, *, with_expiring: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact_id": customer.contact.pk,
        "card": customer.card.number if customer.card else None,
        "tier": customer.tier.name if customer.tier else None,
        "balance": {
            "active": _money(customer.balance.get("active", ZERO)),
            "pending": _money(customer.balance.get("pending", ZERO)),
        },
    }
    if with_expiring:
        body["first_name"] = customer.contact.first_name
        body["balance"]["expiring"] = [
            {"date": item["date"].isoformat(), "points": _money(item["points"])}
            for item in customer.balance.get("expiring", [])
        ]
    return body


def calculation_answer(calc: Calculation) -> dict[str, Any]:
    """The calculate answer of the contract."""
    lines = []
    totals = {"base": ZERO, "discount": ZERO, "total": ZERO, "redeemed_points": ZERO, "payable": ZERO, "points": ZERO}
    for line in calc.lines:
        lines.append(
            {
                "index": line.index,
                "sku": line.sku,
                "quantity": _quantity(line.quantity),
                "price": _money(line.price),
                "base": _money(line.base),
                "discount": _money(line.discount),
                "total": _money(line.total),
                "redeemed_points": _money(line.redeemed_points),
                "paid": _money(line.paid),
                "points": _money(line.points),
                "applied": [
                    {
                        "campaign_id": item["campaign_id"],
                        "name": item["name"],
                        "discount": _money(item["discount"]),  # type: ignore[arg-type]
                        "points": _money(item["points"]),  # type: ignore[arg-type]
                    }
                    for item in line.applied
                ],
            }
        )
        totals["base"] += line.base
        totals["discount"] += line.discount
        totals["total"] += line.total
        totals["redeemed_points"] += line.redeemed_points
        totals["payable"] += line.paid
        totals["points"] += line.points
    return {
        "customer": customer_answer(calc.customer) if calc.customer else None,
        "lines": lines,
        "totals": {
            "base": _money(totals["base"]),
            "discount": _money(totals["discount"]),
            "total": _money(totals["total"]),
            "redeemable_max": _money(calc.redeemable_max),
            "redeemed_points": _money(totals["redeemed_points"]),
            "payable": _money(totals["payable"]),
            "points": _money(totals["points"]),
        },
        "promo_codes": calc.promo_codes,
        "messages": calc.messages,
    }


# --- confirm -----------------------------------------------------------------------------------------------------


def _lock_account(account: Account | None) -> Account | None:
    """The account's row locked for the transaction, as it is now (the caller's instance may be older)."""
    if account is None:
        return None
    return account_qs_select_for_update().get(pk=account.pk)


@transaction.atomic
def confirm(
    *,
    register: Register,
    data: dict[str, Any],
    now: datetime | None = None,
) -> tuple[Purchase, dict[str, Any]]:
    """Confirm a receipt: redeem exactly `redeem_points` or fail with 409, writing nothing; accrue; re-tier.

    Returns the purchase and the answer (the calculate answer plus `purchase_id`).
    """
    now = now or timezone.now()
    store = register.store
    program = store.brand.program
    if Purchase.objects.filter(register=register, receipt_number=data["receipt_number"]).exists():
        raise Conflict(_("This receipt is already confirmed on this register."), code="duplicate_receipt")
    customer = (
        identify(register=register, query=data["customer"], now=now, with_balance=False)
        if data.get("customer")
        else None
    )
    if customer is not None:
        if customer.account is None:
            customer.account = ledger.account_for(program=program, contact=customer.contact)
        customer.account = _lock_account(customer.account)
        customer.balance = balance_quick(account=customer.account, now=now)
    calc = calculate(register=register, data=data, customer=customer, now=now, lock_limits=True)
    promo.codes_refuse_spent(calc.code_checks)
    wanted = quantize(data.get("redeem_points") or ZERO)
    if customer is not None and wanted > 0:
        if wanted > customer.balance["active"]:
            raise Conflict(
                _("The customer has %(active)s active points.") % {"active": customer.balance["active"]},
                code="insufficient_points",
                fields={"redeem_points": [str(wanted)], "active": str(customer.balance["active"])},
            )
        if wanted > calc.redeemable_max:
            raise Conflict(
                _("At most %(max)s points can be redeemed on this receipt.") % {"max": calc.redeemable_max},
                code="redeem_limit_exceeded",
                fields={"redeemable_max": str(calc.redeemable_max)},
            )
    answer = calculation_answer(calc)
    totals = answer["totals"]
    tier_change = None
    try:
        with transaction.atomic():
            purchase = Purchase.objects.create(
                register=register,
                store=store,
                brand=store.brand,
                program=program,
                contact=customer.contact if customer else None,
                account=customer.account if customer else None,
                card_number=customer.card.number if customer and customer.card else "",
                receipt_number=data["receipt_number"],
                at=calc.at,
                base=totals["base"],
                discount=totals["discount"],
                total=totals["total"],
                redeemed_points=totals["redeemed_points"],
                payable=totals["payable"],
                points=totals["points"],
                tier_name=customer.tier.name if customer and customer.tier else "",
            )
    except IntegrityError as exc:
        raise Conflict(_("This receipt is already confirmed on this register."), code="duplicate_receipt") from exc
    PurchaseLine.objects.bulk_create(
        [
            PurchaseLine(
                purchase=purchase,
                index=line.index,
                sku=line.sku,
                product_id=getattr(calc.products.get(line.sku), "pk", None),
                quantity=line.quantity,
                price=line.price,
                base=line.base,
                discount=line.discount,
                total=line.total,
                redeemed_points=line.redeemed_points,
                paid=line.paid,
                points=line.points,
                applied=shown["applied"],  # as answered: amounts as two-place strings (JSON has no Decimal)
            )
            for line, shown in zip(calc.lines, answer["lines"], strict=True)
        ]
    )
    if customer is not None and customer.account is not None:
        earned = quantize(sum((line.base_points for line in calc.lines), ZERO))
        lots = (
            [
                ledger.LotSpec(
                    points=earned, activation_days=program.activation_days, expires_in_days=program.expires_in_days
                )
            ]
            if earned > 0
            else []
        )
        lots += [  # each campaign's points are a lot of their own lifetime
            ledger.LotSpec(
                points=award.total,
                activation_days=award.activation_days,
                expires_in_days=award.expires_in_days,
                campaign_id=award.rule.id,
            )
            for award in calc.promotions.awards
        ]
        if lots or calc.redeemed_points > 0:
            ledger.receipt_settle(
                account=customer.account,
                locked=True,  # by this transaction, above: read as it is under the lock
                redeem_points=calc.redeemed_points,
                lots=lots,
                at=calc.at,
                partner=store.partner,
                purchase_id=purchase.pk,
            )
        enrollment = customer.enrollment or enrollment_ensure(contact=customer.contact, program=program)
        tier_change = tier_evaluate(enrollment=enrollment, at=calc.at, tiers=customer.tiers)
    promo.codes_burn(
        checks=calc.code_checks, purchase=purchase, contact_id=customer.contact.pk if customer else None, at=calc.at
    )
    pricing.record_uses(
        result=calc.promotions,
        lines=calc.lines,
        purchase_id=purchase.pk,
        contact_id=customer.contact.pk if customer else None,
        at=calc.at,
        point_value=program.point_value,
        counted=calc.counted,
    )
    # The triggers' events, all in one insert (a trigger costs the receipt nothing more: dispatch is after commit).
    events_record(purchase_confirmed_events(purchase=purchase, store=store, totals=totals, tier_change=tier_change))
    # The calculate answer as it was computed (the customer's balance before this receipt), plus the purchase id.
    answer["purchase_id"] = purchase.pk
    return purchase, answer


# --- refund ------------------------------------------------------------------------------------------------------


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
    _lock_account(purchase.account)
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
        "refund_amount": _money(refund_row.refund_amount),
        "points_revoked": _money(refund_row.points_revoked),
        "points_returned": _money(refund_row.points_returned),
        "balance": {
            "active": _money(current["active"]),
            "pending": _money(current["pending"]),
        },
    }
    events_record(
        purchase_refunded_events(
            purchase=purchase, store=register.store, refund=answer, at=now, tier_change=tier_change
        )
    )
    return answer


def codes_guard(*, register: Register, data: dict[str, Any]) -> None:
    """Before a calculate or confirm, outside its transaction: the submitted codes the brand does not have are
    counted against the register (429 for a register guessing codes)."""
    guessing.attempts_guard(register=register, codes=data.get("promo_codes") or [])


# --- simulation --------------------------------------------------------------------------------------------------


def simulate(*, campaign: Campaign, data: dict[str, Any], user: Any, store: Store | None = None) -> dict[str, Any]:
    """Calculate as a register of the campaign's brand would, with this campaign added whatever its status and
    window (a draft included). Writes nothing. The store is the one given, else the brand's first. The customer is
    one the staff user may see (another brand's contact is unknown here, whatever the phone or id given). A line
    without a price is priced at the product's list price."""
    store = (
        store
        or Store.objects.filter(brand_id=campaign.brand_id).select_related("brand__program").order_by("pk").first()
    )
    if store is None:
        raise InvalidInput(_("The brand has no store to simulate at."), fields={"store": [_("Create a store first.")]})
    if store.brand_id != campaign.brand_id:
        raise InvalidInput(_("The store belongs to another brand."), fields={"store": [_("Another brand's store.")]})
    register = Register(store=store)  # never saved: a simulation has no till
    data = {**data, "lines": lines_with_list_prices(brand_id=campaign.brand_id, lines=data["lines"])}
    calc = calculate(register=register, data=data, extra_campaign=campaign)
    if calc.customer is not None and not Contact.objects.for_user(user).filter(pk=calc.customer.contact.pk).exists():
        raise CustomerNotFound(_("No such customer."))
    return calculation_answer(calc)
