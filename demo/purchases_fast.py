"""Demo purchases written in bulk (`seed_demo --fast`, for benchmarks): the same data set as the checkout would
write, without going through it."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from demo.base import (
    BATCH_SIZE,
    Org,
    Progress,
)
from demo.purchases import (
    _plan_receipts,
    _shop,
)
from loyalty.choices import EntryKind
from loyalty.models import (
    Account,
    Enrollment,
    LedgerEntry,
    MasterAccountMember,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    SpendDay,
)
from loyalty.pos.receipt import ReceiptLine, apply_base_accrual, price_lines
from loyalty.services.spend import spend_rebuild
from loyalty.services.tiers import program_tiers, qualified_tier

FAST_BATCH = 2000  # receipts per round of bulk inserts on the fast path


def _fast_accounts(*, keys: set[tuple[int, int]], now: datetime) -> dict[tuple[int, int], int]:
    """The points account of each (program, contact), as `account_for` would give it (the master account's pool
    for a member), made in bulk where missing."""
    contact_ids = {contact_id for _program_id, contact_id in keys}
    pools = {
        (program_id, contact_id): master_account_id
        for program_id, contact_id, master_account_id in MasterAccountMember.objects.filter(
            contact_id__in=contact_ids
        ).values_list("program_id", "contact_id", "master_account_id")
    }
    by_pool = dict(
        Account.objects.filter(master_account_id__in=set(pools.values())).values_list("master_account_id", "pk")
    )
    by_contact = {
        (program_id, contact_id): pk
        for program_id, contact_id, pk in Account.objects.filter(contact_id__in=contact_ids).values_list(
            "program_id", "contact_id", "pk"
        )
    }
    missing_pools = {pools[key]: key[0] for key in keys if key in pools and pools[key] not in by_pool}
    missing_own = sorted(key for key in keys if key not in pools and key not in by_contact)
    made = Account.objects.bulk_create(
        [Account(master_account_id=pool, program_id=program, balance_at=now) for pool, program in missing_pools.items()]
        + [Account(program_id=program, contact_id=contact, balance_at=now) for program, contact in missing_own],
        batch_size=BATCH_SIZE,
    )
    for account in made:
        if account.master_account_id is not None:
            by_pool[account.master_account_id] = account.pk
        else:
            by_contact[(account.program_id, account.contact_id)] = account.pk  # type: ignore[index]
    return {key: by_pool[pools[key]] if key in pools else by_contact[key] for key in keys}


def _fast_cache(*, account_ids: set[int], now: datetime) -> None:
    """Set the accounts' cached balance from their entries as of `now`, as `manage.py ledger_check` derives it; their
    redemptions' first read starts again at the first lot (lots were written here, not by the ledger)."""
    active_now = Q(activation_at__isnull=True) | Q(activation_at__lte=now)

    def total(condition: Q) -> Coalesce:
        entries = LedgerEntry.objects.filter(condition, account=OuterRef("pk")).order_by().values("account")
        field = Account._meta.get_field("active")
        return Coalesce(Subquery(entries.annotate(sum=Sum("points")).values("sum"), output_field=field), Value(0))

    ids = sorted(account_ids)
    for start in range(0, len(ids), BATCH_SIZE):
        Account.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).update(
            active=total(active_now),
            pending=total(~active_now),
            balance_at=now,
            spent_before_expires=None,
            spent_before_id=None,
            updated_at=now,
        )


def seed_purchases_fast(
    *, org: Org, rng: random.Random, count: int, now: datetime | None = None, progress: Progress | None = None
) -> int:
    """The bulk path for big data sets (`seed_demo --fast`, for benchmarks): the same receipts as `seed_purchases`
    plans, written straight to the tables, about a hundred times faster than through the checkout service.

    Consistent but simpler: no redemptions, refunds or tier changes (each receipt earns at the tier its customer's
    enrollment has). Each identified receipt's points are one accrual lot on the customer's account (the pool of
    their master account), pending and expiring by the program's rules counted from the receipt's time; lots already
    expired get their expiry entry; the cached balances are then set from the entries, so `ledger_check` is clean.
    On PostgreSQL the tables are analysed at the end, so that the admin's and the benchmarks' queries are planned
    for their real size. Returns how many purchases were made; 0 when the demo brands already have purchases.
    """
    if count <= 0 or Purchase.objects.filter(brand__in=org.brands.values()).exists():
        return 0
    now = now or timezone.now()
    progress = progress or Progress()
    shop = _shop(org=org, rng=rng)
    if shop is None:
        return 0
    receipts = _plan_receipts(shop=shop, rng=rng, count=count, now=now)
    programs = {program.pk: program for program in Program.objects.filter(pk__in=list(shop.stores))}
    tiers = {program_id: {tier.pk: tier for tier in program_tiers(program_id)} for program_id in programs}
    entry_tiers = {program_id: qualified_tier(list(by_pk.values()), Decimal(0)) for program_id, by_pk in tiers.items()}
    keys = {
        (receipt.register.store.brand.program_id, receipt.contact_id)
        for receipt in receipts
        if receipt.contact_id is not None
    }
    accounts = _fast_accounts(keys=keys, now=now)
    contact_ids = {contact_id for _program_id, contact_id in keys}
    enrolled = {
        (program_id, contact_id): tier_id
        for program_id, contact_id, tier_id in Enrollment.objects.filter(contact_id__in=contact_ids).values_list(
            "program_id", "contact_id", "tier_id"
        )
    }
    products = {
        (product.brand_id, product.sku): product
        for product in Product.objects.filter(brand__in=org.brands.values()).only(
            "pk", "brand_id", "sku", "accrual_excluded", "redemption_excluded"
        )
    }
    touched: set[int] = set()
    for start in range(0, len(receipts), FAST_BATCH):
        batch = receipts[start : start + FAST_BATCH]
        purchases: list[Purchase] = []
        batch_lines: list[list[ReceiptLine]] = []
        for receipt in batch:
            store = receipt.register.store
            program = programs[store.brand.program_id]
            key = (program.pk, receipt.contact_id or 0)
            tier = tiers[program.pk].get(enrolled.get(key) or 0, entry_tiers[program.pk])
            lines = [
                ReceiptLine(
                    index=index,
                    sku=line["sku"],
                    quantity=line["quantity"],
                    price=line["price"],
                    accrual_excluded=products[(store.brand_id, line["sku"])].accrual_excluded,
                    redemption_excluded=products[(store.brand_id, line["sku"])].redemption_excluded,
                )
                for index, line in enumerate(receipt.lines)
            ]
            price_lines(lines)
            if receipt.contact_id is not None and tier is not None:
                apply_base_accrual(lines, tier.accrual_percent)
            total = sum((line.total for line in lines), Decimal(0))
            identified = receipt.contact_id is not None
            purchases.append(
                Purchase(
                    register=receipt.register,
                    store=store,
                    brand_id=store.brand_id,
                    program=program,
                    contact_id=receipt.contact_id,
                    account_id=accounts[key] if identified else None,
                    card_number=receipt.card or "",
                    receipt_number=receipt.number,
                    at=receipt.at,
                    base=sum((line.base for line in lines), Decimal(0)),
                    discount=Decimal(0),
                    total=total,
                    redeemed_points=Decimal(0),
                    payable=sum((line.paid for line in lines), Decimal(0)),
                    points=sum((line.points for line in lines), Decimal(0)),
                    tier_name=tier.name if identified and tier is not None else "",
                )
            )
            batch_lines.append(lines)
        Purchase.objects.bulk_create(purchases, batch_size=BATCH_SIZE)
        PurchaseLine.objects.bulk_create(
            [
                PurchaseLine(
                    purchase=purchase,
                    index=line.index,
                    sku=line.sku,
                    product_id=products[(purchase.brand_id, line.sku)].pk,
                    quantity=line.quantity,
                    price=line.price,
                    base=line.base,
                    discount=line.discount,
                    total=line.total,
                    redeemed_points=line.redeemed_points,
                    paid=line.paid,
                    points=line.points,
                    applied=[],
                )
                for purchase, lines in zip(purchases, batch_lines, strict=True)
                for line in lines
            ],
            batch_size=BATCH_SIZE,
        )
        lots = [
            LedgerEntry(
                account_id=purchase.account_id,
                kind=EntryKind.ACCRUAL,
                points=purchase.points,
                at=purchase.at,
                activation_at=(
                    purchase.at + timedelta(days=purchase.program.activation_days)
                    if purchase.program.activation_days
                    else None
                ),
                expires_at=(
                    purchase.at + timedelta(days=purchase.program.expires_in_days)
                    if purchase.program.expires_in_days is not None
                    else None
                ),
                partner_id=purchase.store.partner_id,
                purchase_id=purchase.pk,
            )
            for purchase in purchases
            if purchase.account_id is not None and purchase.points > 0
        ]
        LedgerEntry.objects.bulk_create(lots, batch_size=BATCH_SIZE)
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    account_id=lot.account_id,
                    kind=EntryKind.EXPIRY,
                    points=-lot.points,
                    lot=lot,
                    activation_at=lot.activation_at,
                    at=lot.expires_at,
                )
                for lot in lots
                if lot.expires_at is not None and lot.expires_at <= now
            ],
            batch_size=BATCH_SIZE,
        )
        touched.update(lot.account_id for lot in lots)
        progress.count("Purchases", start + len(batch), len(receipts))
    _fast_cache(account_ids=touched, now=now)
    spend_rebuild(contact_ids=contact_ids)  # the days' spend the tiers are judged by, from the purchases just written
    if connection.vendor == "postgresql":
        # The planner's statistics still describe the empty tables until autovacuum comes round.
        tables = [model._meta.db_table for model in (Purchase, PurchaseLine, LedgerEntry, Account, SpendDay)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")
    return len(receipts)
