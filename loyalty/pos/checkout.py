"""The checkout service: calculate a receipt and confirm it (identification in `identification`, the answers in
`answers`, refunds in `refunds`, a campaign's simulation in `simulation`).

Calculate is a read; confirm and refund are one transaction each, with the points account locked first
(`select_for_update`) so that concurrent receipts of one account queue up and never double-spend.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import pricing
from campaigns.models import Campaign
from common.errors import Conflict, InvalidInput
from common.money import MAX_AMOUNT, ZERO, quantize
from common.rawrows import locked_instance, locked_instances
from common.rowsinsert import instances_insert, rows_insert
from contacts.services.events import events_record
from loyalty.events import purchase_confirmed_events
from loyalty.models import (
    Account,
    Enrollment,
    Purchase,
    PurchaseLine,
    Register,
)
from loyalty.pos.answers import calculation_answer
from loyalty.pos.identification import Customer, identify
from loyalty.pos.lookup import TillProduct, brand_products
from loyalty.pos.preflight import preflight
from loyalty.pos.receipt import (
    ProgramRules,
    ReceiptLine,
    apply_base_accrual,
    apply_redemption,
    price_lines,
    redeemable_max,
)
from loyalty.selectors import balance_quick
from loyalty.services import ledger
from loyalty.services.cards import enrollment_ensure
from loyalty.services.spend import spend_add
from loyalty.services.tiers import tier_evaluate
from promocodes import checkout as promo
from promocodes import guessing

CLOCK_SKEW = timedelta(minutes=1)


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
        lines=lines,
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


# --- confirm -----------------------------------------------------------------------------------------------------


def lock_account(account: Account | None) -> Account | None:
    """The account's row locked for the transaction, as it is now (the caller's instance may be older)."""
    if account is None:
        return None
    return locked_instance(Account, account.pk)


def lock_rows(account: Account, enrollment: Enrollment | None) -> tuple[Account, Enrollment | None]:
    """The account's row and the enrollment's (when there is one) locked for the transaction, in that order, as they
    are now: one statement for the two locks a confirm takes (the tier is judged under the enrollment's)."""
    if enrollment is None:
        return locked_instance(Account, account.pk), None
    locked_account, locked_enrollment = locked_instances((Account, account.pk), (Enrollment, enrollment.pk))
    return locked_account, locked_enrollment  # type: ignore[return-value]


LINE_FIELDS = (
    "purchase",
    "index",
    "sku",
    "product",
    "quantity",
    "price",
    "base",
    "discount",
    "total",
    "redeemed_points",
    "paid",
    "points",
    "applied",
)


def confirm(
    *,
    register: Register,
    data: dict[str, Any],
    now: datetime | None = None,
    savepoint: bool = True,
) -> tuple[Purchase, dict[str, Any]]:
    """Confirm a receipt: redeem exactly `redeem_points` or fail with 409, writing nothing; accrue; re-tier.

    Returns the purchase and the answer (the calculate answer plus `purchase_id`). In a transaction, a refusal rolls
    back to a savepoint of the confirm's own, so a caller may catch it and go on (the demo's seeding does).
    `savepoint=False` (the till's view, whose `idempotency.run_idempotent` rolls back everything, its record
    included, when the confirm fails): no savepoint, two round trips fewer; a refusal then fails the caller's
    transaction. The purchase's insert and the ledger's write take none of their own either way.
    """
    with transaction.atomic(savepoint=savepoint):
        return _confirm(register=register, data=data, now=now)


def _confirm(*, register: Register, data: dict[str, Any], now: datetime | None) -> tuple[Purchase, dict[str, Any]]:
    now = now or timezone.now()
    store = register.store
    program = store.brand.program
    seen = preflight(register_id=register.pk, receipt_number=data["receipt_number"], brand_id=store.brand_id)
    if seen.duplicate:
        raise Conflict(_("This receipt is already confirmed on this register."), code="duplicate_receipt")
    customer = (
        identify(register=register, query=data["customer"], now=now, with_balance=False)
        if data.get("customer")
        else None
    )
    if customer is not None:
        if customer.account is None:
            customer.account = ledger.account_for(program=program, contact=customer.contact)
        customer.account, customer.enrollment = lock_rows(customer.account, customer.enrollment)
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
        with transaction.atomic(savepoint=False):
            purchase = Purchase(
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
            instances_insert([purchase])  # the ORM's create without its compilation (a receipt's one purchase)
    except IntegrityError as exc:
        raise Conflict(_("This receipt is already confirmed on this register."), code="duplicate_receipt") from exc
    if customer is not None:  # the day's spend, before the tier is judged by it
        spend_add(contact_id=customer.contact.pk, program_id=program.pk, at=calc.at, amount=Decimal(totals["payable"]))
    rows_insert(
        PurchaseLine,
        LINE_FIELDS,
        (
            (
                purchase.pk,
                line.index,
                line.sku,
                getattr(calc.products.get(line.sku), "pk", None),
                line.quantity,
                line.price,
                line.base,
                line.discount,
                line.total,
                line.redeemed_points,
                line.paid,
                line.points,
                shown["applied"],  # as answered: amounts as two-place strings (JSON has no Decimal)
            )
            for line, shown in zip(calc.lines, answer["lines"], strict=True)
        ),
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
        enrollment, locked = customer.enrollment, customer.enrollment is not None  # locked with the account
        if enrollment is None:
            enrollment = enrollment_ensure(contact=customer.contact, program=program)
        tier_change = tier_evaluate(enrollment=enrollment, at=calc.at, tiers=customer.tiers, locked=locked)
    promo.codes_burn(
        checks=calc.code_checks, purchase=purchase, contact_id=customer.contact.pk if customer else None, at=calc.at
    )
    pricing.record_uses(
        result=calc.promotions,
        purchase_id=purchase.pk,
        contact_id=customer.contact.pk if customer else None,
        at=calc.at,
        point_value=program.point_value,
        counted=calc.counted,
    )
    # The triggers' events, all in one insert (a trigger costs the receipt nothing more: dispatch is after commit);
    # those no active trigger of the brand hears are written as dispatched, and then there is no kick at all.
    events_record(
        purchase_confirmed_events(purchase=purchase, store=store, totals=totals, tier_change=tier_change),
        heard=seen.heard,
    )
    # The calculate answer as it was computed (the customer's balance before this receipt), plus the purchase id.
    answer["purchase_id"] = purchase.pk
    return purchase, answer


def codes_guard(*, register: Register, data: dict[str, Any]) -> None:
    """Before a calculate or confirm, outside its transaction: the submitted codes the brand does not have are
    counted against the register (429 for a register guessing codes)."""
    guessing.attempts_guard(register=register, codes=data.get("promo_codes") or [])
