"""The till's identification by card in one statement: the card, its type and contact, the contact's enrollment,
master-account membership and points account in the program, and the program's tiers (one row per tier).

What `identification.identify` would otherwise read in six queries (card, enrollment with its tier, membership, account,
tiers), each compiled by the ORM on every request: on the till's hot path that compilation costs more than the
database. Every join is on a unique key, so the card gives at most one row per tier of the program.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection

from common.rawrows import Columns
from contacts.models import Contact
from loyalty.models import Account, Card, CardType, Category, Enrollment, MasterAccountMember, Product, Tier


@dataclass
class CardLookup:
    card: Card
    contact: Contact | None
    enrollment: Enrollment | None
    account: Account | None
    tiers: list[Tier]


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: tuple[Columns, ...]


@cache
def _statement(vendor: str) -> _Statement:
    del vendor  # the cache's key: the columns' quoting and converters are the backend's
    card, card_type, contact = Columns(Card, "c"), Columns(CardType, "ct"), Columns(Contact, "p")
    enrollment, member = Columns(Enrollment, "e"), Columns(MasterAccountMember, "m")
    pooled, own, tier = Columns(Account, "pa"), Columns(Account, "oa"), Columns(Tier, "t")
    table = {model: model._meta.db_table for model in (Card, CardType, Contact, Enrollment, Account, Tier)}
    sql = f"""
        SELECT {card.sql}, {card_type.sql}, {contact.sql}, {enrollment.sql}, {member.sql}, {pooled.sql}, {own.sql},
               {tier.sql}
        FROM {table[Card]} c
        JOIN {table[CardType]} ct ON ct.id = c.card_type_id AND ct.program_id = %s
        LEFT JOIN {table[Contact]} p ON p.id = c.contact_id
        LEFT JOIN {table[Enrollment]} e ON e.contact_id = c.contact_id AND e.program_id = %s
        LEFT JOIN {MasterAccountMember._meta.db_table} m ON m.contact_id = c.contact_id AND m.program_id = %s
        LEFT JOIN {table[Account]} pa ON pa.master_account_id = m.master_account_id
        LEFT JOIN {table[Account]} oa ON oa.contact_id = c.contact_id AND oa.program_id = %s
        LEFT JOIN {table[Tier]} t ON t.program_id = %s
        WHERE c.number = %s
        ORDER BY t.min_spend, t.id
    """  # noqa: S608  (table and column names from the models' metadata)
    return _Statement(sql, (card, card_type, contact, enrollment, member, pooled, own, tier))


def card_lookup(*, program_id: int, number: str) -> CardLookup | None:
    """The card of that number in the program with what identification needs; None when there is none."""
    statement = _statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [program_id, program_id, program_id, program_id, program_id, number])
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    found = []
    start = 0
    for part in statement.parts[:-1]:
        found.append(part.build(first, start))
        start += part.width
    card, card_type, contact, enrollment, member, pooled, own = found
    tier_columns = statement.parts[-1]
    tiers = [tier for row in rows if isinstance(tier := tier_columns.build(row, start), Tier)]
    assert isinstance(card, Card)
    card.card_type = card_type  # type: ignore[assignment]
    if contact is not None:
        card.contact = contact  # type: ignore[assignment]
    if isinstance(enrollment, Enrollment) and enrollment.tier_id is not None:
        enrollment_tier = next((tier for tier in tiers if tier.pk == enrollment.tier_id), None)
        if enrollment_tier is not None:
            enrollment.tier = enrollment_tier
    account = pooled if member is not None else own
    return CardLookup(
        card=card,
        contact=contact,  # type: ignore[arg-type]
        enrollment=enrollment,  # type: ignore[arg-type]
        account=account,  # type: ignore[arg-type]
        tiers=tiers,
    )


@dataclass(frozen=True, slots=True)
class TillProduct:
    """What the till needs of a product of the basket: its id (the receipt line's), SKU, flags and the categories it
    is in (its category and those above, from the category's materialised path)."""

    pk: int
    sku: str
    accrual_excluded: bool
    redemption_excluded: bool
    category_ids: frozenset[int]


def _category_ids(path: str | None) -> frozenset[int]:
    if not path:
        return frozenset()
    return frozenset(int(part) for part in path.strip("/").split("/") if part)


@cache
def _products_statement(vendor: str, count: int) -> str:
    """On PostgreSQL the SKUs are one array parameter: one text for every basket size, whose prepared generic plan
    (a probe of the brand's SKU index per SKU) PostgreSQL keeps. With a parameter per SKU it planned the statement
    again on every calculate and chose to scan the catalogue (0.5 -> 0.1 ms of the database). Elsewhere, a list."""
    qn = connection.ops.quote_name
    skus = "= ANY(%s)" if vendor == "postgresql" else f"IN ({', '.join(['%s'] * count)})"
    return (
        f"SELECT pr.{qn('id')}, pr.{qn('sku')}, pr.{qn('accrual_excluded')}, pr.{qn('redemption_excluded')},"  # noqa: S608
        f" ca.{qn('path')} FROM {qn(Product._meta.db_table)} pr"
        f" LEFT JOIN {qn(Category._meta.db_table)} ca ON ca.{qn('id')} = pr.{qn('category_id')}"
        f" WHERE pr.{qn('brand_id')} = %s AND pr.{qn('sku')} {skus}"
    )


def brand_products(*, brand_id: int, skus: set[str]) -> dict[str, TillProduct]:
    """The brand's products of those SKUs with what the till needs of them: the calculate's catalogue read, one
    statement without the ORM's compilation, and no model instance built per line."""
    if not skus:
        return {}
    wanted = sorted(skus)
    vendor = connection.vendor
    params: list[Any] = [brand_id, wanted] if vendor == "postgresql" else [brand_id, *wanted]
    with connection.cursor() as cursor:
        cursor.execute(_products_statement(vendor, 1 if vendor == "postgresql" else len(wanted)), params)
        rows = cursor.fetchall()
    return {
        sku: TillProduct(
            pk=pk,
            sku=sku,
            accrual_excluded=bool(accrual_excluded),
            redemption_excluded=bool(redemption_excluded),
            category_ids=_category_ids(path),
        )
        for pk, sku, accrual_excluded, redemption_excluded, path in rows
    }
