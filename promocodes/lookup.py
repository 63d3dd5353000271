"""The till's reads of promo codes, hand-written: the codes a receipt submits, with their pools, campaigns and the
customer's standing uses, in one statement built once per shape (the ORM compiled the same join, its subquery and
every campaign's JSON on each calculate: two thirds of what three codes added to a calculate)."""

from functools import cache

from django.db import connection

from campaigns.models import Campaign
from common.rawrows import Columns
from promocodes.models import CodeUse, PromoCode, PromoPool


@cache
def _codes_sql(vendor: str, count: int, with_contact: bool) -> tuple[str, Columns, Columns, Columns]:
    """The statement reading `count` codes of a brand (one text per database `vendor` and shape) and the columns
    it reads: every field of the code and its pool, the campaign's status and end (all `codes_check` looks at)."""
    qn = connection.ops.quote_name
    code, pool, campaign = (
        Columns(PromoCode, "c"),
        Columns(PromoPool, "p"),
        Columns(Campaign, "k", only=("status", "ends_at")),
    )
    uses = "0"
    if with_contact:
        uses = (
            f"(SELECT COUNT(*) FROM {qn(CodeUse._meta.db_table)} u"  # noqa: S608 (names from the models)
            f" WHERE u.{qn('pool_id')} = c.{qn('pool_id')}"
            f" AND u.{qn('contact_id')} = %s AND u.{qn('released_at')} IS NULL)"
        )
    places = ", ".join(["%s"] * count)
    sql = (
        f"SELECT {code.sql}, {pool.sql}, {campaign.sql}, {uses}"  # noqa: S608 (names from the models, values bound)
        f" FROM {qn(PromoCode._meta.db_table)} c"
        f" JOIN {qn(PromoPool._meta.db_table)} p ON p.{qn('id')} = c.{qn('pool_id')}"
        f" JOIN {qn(Campaign._meta.db_table)} k ON k.{qn('id')} = p.{qn('campaign_id')}"
        f" WHERE p.{qn('brand_id')} = %s AND c.{qn('code')} IN ({places})"
    )
    return sql, code, pool, campaign


def brand_codes(*, brand_id: int, codes: list[str], contact_id: int | None) -> list[PromoCode]:
    """The brand's codes among `codes` (normalised), each with its pool and the pool's campaign at hand (only the
    campaign's status and end read) and `contact_uses`: the customer's standing uses of the pool (0 anonymous)."""
    sql, code_columns, pool_columns, campaign_columns = _codes_sql(
        connection.vendor, len(codes), contact_id is not None
    )
    params: list[int] = [contact_id] if contact_id is not None else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, brand_id, *codes])
        rows = cursor.fetchall()
    found = []
    start_pool = code_columns.width
    start_campaign = start_pool + pool_columns.width
    for row in rows:
        promo, pool, campaign = (
            code_columns.build(row, 0),
            pool_columns.build(row, start_pool),
            campaign_columns.build(row, start_campaign),
        )
        assert isinstance(promo, PromoCode)
        assert isinstance(pool, PromoPool)
        assert isinstance(campaign, Campaign)
        pool.campaign = campaign
        promo.pool = pool
        promo.contact_uses = int(row[-1])  # type: ignore[attr-defined]
        found.append(promo)
    return found


@cache
def known_sql(vendor: str, count: int) -> str:
    """The statement counting the brand's codes among `count` (parameters: the brand, the codes), as `n`."""
    qn = connection.ops.quote_name
    places = ", ".join(["%s"] * count)
    return (
        f"SELECT COUNT(*) AS n FROM {qn(PromoCode._meta.db_table)} c"  # noqa: S608 (names from the models, values bound)
        f" JOIN {qn(PromoPool._meta.db_table)} p ON p.{qn('id')} = c.{qn('pool_id')}"
        f" WHERE p.{qn('brand_id')} = %s AND c.{qn('code')} IN ({places})"
    )


def known_count(*, brand_id: int, codes: list[str]) -> int:
    """How many of `codes` (normalised, distinct) the brand has."""
    with connection.cursor() as cursor:
        cursor.execute(known_sql(connection.vendor, len(codes)), [brand_id, *codes])
        row = cursor.fetchone()
    return int(row[0])
