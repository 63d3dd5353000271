"""The segments bench's data: a program of 1,000,000 contacts with 10,000,000 purchase lines and 10,000,000 events.

Made in SQL (generate_series, one INSERT ... SELECT per table) on a database of its own, since at this size the
seeding takes minutes: the organisation and catalogue through the ORM, then every big table in one statement each,
then VACUUM ANALYZE (statistics, and the visibility map that index-only scans need). The values are spread by
cheap hashes of the row number (reproducible, no Python loop over rows):

- contacts: 70 % have an e-mail, 6 in 7 a birth date, a third each female/male/unknown, 20 cities, two thirds
  subscribed to e-mail, a quarter to SMS, registered over the last three years; each enrolled in the program (a third
  with a tier), with a card and a points account (0 to 5,000 active points);
- purchases: lines / 4 receipts of 4 lines each, by 70 % of the contacts, over the last two years, at 20 stores
  of the program's two brands, products of a 2,000-product catalogue in 15 categories under 3 roots;
- events: 60 % product_viewed (with a SKU), 25 % page_viewed, 5 % cart_abandoned, 6 % email_opened, 2 %
  email_clicked, 2 % a custom type, over the last year, by every contact; half at the first brand, a quarter at the
  second, a quarter with no brand; all already dispatched (the trigger dispatcher is not what is measured).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

PROGRAM_NAME = "Segments bench program"
PHONE_PREFIX = "+7950"
CARD_PREFIX = "81"
CITIES = (
    "Moscow",
    "Saint Petersburg",
    "Kazan",
    "Novosibirsk",
    "Yekaterinburg",
    "Nizhny Novgorod",
    "Samara",
    "Omsk",
    "Chelyabinsk",
    "Rostov-on-Don",
    "Ufa",
    "Krasnoyarsk",
    "Perm",
    "Voronezh",
    "Volgograd",
    "Krasnodar",
    "Saratov",
    "Tyumen",
    "Tolyatti",
    "Izhevsk",
)
STORES = 20
PRODUCTS = 2000
ROOTS = ("Hair care", "Skin care", "Make-up")
CHILDREN = ("Shampoo", "Conditioner", "Masks", "Oils", "Sprays")


@dataclass
class SegmentsData:
    program_id: int
    brand_ids: list[int]
    store_ids: list[int]
    register_id: int
    category_ids: dict[str, int]  # "Root" or "Root/Child" → id
    contacts: int
    first_contact_id: int
    skus: list[str]


def _dsn() -> str:
    from django.db import connection

    params = connection.get_connection_params()
    keys = ("host", "port", "dbname", "user", "password")
    return " ".join(f"{key}={params[key]}" for key in keys if params.get(key))


def _organisation(now: Any) -> None:
    """Program, two brands, a partner, 20 stores with a register each, the category tree and the catalogue."""
    from django.db import transaction

    from loyalty.models import Brand, CardType, Category, Partner, Product, Program, Register, Store, Tier
    from loyalty.services.registers import register_create

    with transaction.atomic():
        program = Program.objects.create(name=PROGRAM_NAME)
        brands = [Brand.objects.create(name=f"Segments brand {n}", program=program) for n in (1, 2)]
        partner = Partner.objects.create(name="Segments partner")
        for n in range(STORES):
            store = Store.objects.create(
                brand=brands[n % 2], partner=partner, name=f"Segments store {n + 1}", city=CITIES[n % len(CITIES)]
            )
            register_create(data={"store": store, "code": f"SEG-{n + 1}"})
        for index, name in enumerate(("Bronze", "Silver", "Gold")):
            Tier.objects.create(program=program, name=name, min_spend=index * 20000, accrual_percent=3 + index * 2)
        CardType.objects.create(program=program, name="Segments card", number_prefix=CARD_PREFIX)
        leaves = []
        for root_name in ROOTS:
            root = Category.objects.create(name=f"Seg {root_name}")
            leaves += [Category.objects.create(name=f"Seg {child}", parent=root) for child in CHILDREN]
        Product.objects.bulk_create(
            [
                Product(brand=brands[n % 2], sku=f"SEG-{n:05d}", name=f"Seg product {n}", category=leaves[n % 15])
                for n in range(PRODUCTS)
            ],
            batch_size=1000,
        )
        assert Register.objects.filter(store__brand__program=program).count() == STORES


def load() -> SegmentsData:
    from contacts.models import Contact
    from loyalty.models import Category, Product, Program, Register, Store

    program = Program.objects.get(name=PROGRAM_NAME)
    brand_ids = sorted(program.brands.values_list("pk", flat=True))
    ids = Contact.objects.filter(phone__startswith=PHONE_PREFIX).order_by("pk").values_list("pk", flat=True)
    first = ids.first() or 0
    categories = {}
    for category in Category.objects.filter(name__startswith="Seg ").select_related("parent"):
        key = category.name[4:] if category.parent is None else f"{category.parent.name[4:]}/{category.name[4:]}"
        categories[key] = category.pk
    return SegmentsData(
        program_id=program.pk,
        brand_ids=brand_ids,
        store_ids=sorted(Store.objects.filter(brand__program=program).values_list("pk", flat=True)),
        register_id=Register.objects.filter(store__brand__program=program)
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        category_ids=categories,
        contacts=Contact.objects.filter(phone__startswith=PHONE_PREFIX).count(),
        first_contact_id=first,
        skus=list(Product.objects.filter(brand__program=program).order_by("sku").values_list("sku", flat=True)),
    )


def seeded() -> bool:
    from loyalty.models import Program

    return Program.objects.filter(name=PROGRAM_NAME).exists()


def seed(*, contacts: int, lines: int, events: int, progress: Callable[[str], None] = print) -> dict[str, float]:
    """Fill the migrated database (see the module's docstring); returns the seconds each part took."""
    from django.utils import timezone

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    now = timezone.now()
    _organisation(now)
    data = load()
    seconds["organisation"] = time.perf_counter() - started
    purchases = lines // 4
    buyers = max(1, contacts * 7 // 10)
    cities = "ARRAY[" + ",".join(f"'{city}'" for city in CITIES) + "]"
    brand_a, brand_b = data.brand_ids
    steps: list[tuple[str, str, list[Any]]] = [
        (
            f"{contacts:,} contacts",
            f"""
            INSERT INTO contacts_contact (created_at, updated_at, phone, email, first_name, last_name, birth_date,
                gender, city, phone_confirmed, email_confirmed, subscribed_email, subscribed_sms, source)
            SELECT now() - (h1 %% 94608000) * interval '1 second', now(), %s || lpad(g::text, 7, '0'),
                CASE WHEN h2 %% 10 < 7 THEN 'seg' || g || '@example.com' END,
                'Seg', 'Bench' || g,
                CASE WHEN h3 %% 7 <> 0 THEN date '1950-01-01' + (h3 %% 20000)::int END,
                (ARRAY['female', 'male', ''])[1 + h4 %% 3], ({cities})[1 + h5 %% 20],
                h6 %% 2 = 0, h6 %% 10 < 5, h7 %% 3 <> 0, h8 %% 4 = 0,
                (ARRAY['admin', 'pos', 'import', 'site', 'app'])[1 + h9 %% 5]
            FROM generate_series(1, %s) AS g
            CROSS JOIN LATERAL (
                SELECT abs(hashint8extended(g, 1)) AS h1, abs(hashint8extended(g, 2)) AS h2,
                    abs(hashint8extended(g, 3)) AS h3, abs(hashint8extended(g, 4)) AS h4,
                    abs(hashint8extended(g, 5)) AS h5, abs(hashint8extended(g, 6)) AS h6,
                    abs(hashint8extended(g, 7)) AS h7, abs(hashint8extended(g, 8)) AS h8,
                    abs(hashint8extended(g, 9)) AS h9
            ) AS h
            """,
            [PHONE_PREFIX, contacts],
        ),
        (
            "enrollments, cards, accounts",
            """
            WITH c AS (SELECT id, id - %(first)s + 1 AS n FROM contacts_contact WHERE phone LIKE %(prefix)s),
            tiers AS (SELECT array_agg(id ORDER BY min_spend) AS ids FROM loyalty_tier WHERE program_id = %(program)s),
            e AS (
                INSERT INTO loyalty_enrollment (created_at, updated_at, contact_id, program_id, tier_id,
                    tier_valid_until)
                SELECT now(), now(), c.id, %(program)s,
                    CASE WHEN c.n %% 3 = 0 THEN (tiers.ids)[2 + abs(hashint8extended(c.n, 32)) %% 2] END,
                    CASE WHEN c.n %% 3 = 0 THEN now() + interval '200 days' END
                FROM c, tiers
            ),
            k AS (
                INSERT INTO loyalty_card (created_at, updated_at, number, card_type_id, contact_id, status, bound_at)
                SELECT now(), now(), %(card)s || lpad(c.n::text, 11, '0'),
                    (SELECT id FROM loyalty_cardtype WHERE program_id = %(program)s), c.id, 'active', now()
                FROM c
            )
            INSERT INTO loyalty_account (created_at, updated_at, active, pending, balance_at, contact_id, program_id)
            SELECT now(), now(), abs(hashint8extended(c.n, 31)) %% 5000, 0, now(), c.id, %(program)s FROM c
            """,
            {
                "first": data.first_contact_id,
                "prefix": PHONE_PREFIX + "%",
                "program": data.program_id,
                "card": CARD_PREFIX,
            },
        ),
        (
            f"{purchases:,} purchases",
            """
            WITH stores AS (
                SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s.brand_id, r.id AS register_id
                FROM loyalty_store s JOIN loyalty_register r ON r.store_id = s.id
                WHERE s.brand_id = ANY(%(brands)s)
            )
            INSERT INTO loyalty_purchase (created_at, updated_at, card_number, receipt_number, at, base, discount,
                total, redeemed_points, payable, points, tier_name, brand_id, contact_id, program_id, register_id,
                store_id)
            SELECT now(), now(), '', 'S' || g, now() - (abs(hashint8extended(g, 11)) %% 63072000) * interval '1 second',
                b.amount, 0, b.amount, 0, b.amount, round(b.amount * 0.05, 2), '', stores.brand_id,
                %(first)s + abs(hashint8extended(g, 12)) %% %(buyers)s, %(program)s, stores.register_id, stores.id
            FROM generate_series(1, %(purchases)s) AS g
            CROSS JOIN LATERAL (SELECT (100 + abs(hashint8extended(g, 13)) %% 9900)::numeric(14, 2) AS amount) AS b
            JOIN stores ON stores.n = abs(hashint8extended(g, 14)) %% %(stores)s
            """,
            {
                "brands": data.brand_ids,
                "first": data.first_contact_id,
                "buyers": buyers,
                "program": data.program_id,
                "purchases": purchases,
                "stores": STORES,
            },
        ),
        (
            "the days' spend of those purchases",
            """
            INSERT INTO loyalty_spendday (contact_id, program_id, day, spend)
            SELECT contact_id, program_id, (at AT TIME ZONE 'UTC')::date, sum(payable)
            FROM loyalty_purchase WHERE program_id = %(program)s AND contact_id IS NOT NULL
            GROUP BY 1, 2, 3
            """,
            {"program": data.program_id},
        ),
        (
            f"{purchases * 4:,} purchase lines",
            """
            WITH products AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, sku FROM loyalty_product
                WHERE brand_id = ANY(%(brands)s)
            )
            INSERT INTO loyalty_purchaseline (index, sku, quantity, price, base, discount, total, redeemed_points,
                paid, points, applied, product_id, purchase_id)
            SELECT k, products.sku, 1, p.base / 4, p.base / 4, 0, p.base / 4, 0, p.base / 4, 0, '[]', products.id,
                p.id
            FROM loyalty_purchase p
            CROSS JOIN generate_series(0, 3) AS k
            JOIN products ON products.n = abs(hashint8extended(p.id * 4 + k, 15)) %% %(products)s
            WHERE p.program_id = %(program)s
            """,
            {"brands": data.brand_ids, "products": PRODUCTS, "program": data.program_id},
        ),
        (
            f"{events:,} events",
            """
            WITH products AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, sku FROM loyalty_product
                WHERE brand_id = ANY(%(brands)s)
            )
            INSERT INTO contacts_contactevent (type, at, sku, data, brand_id, origin, client_id, created_at,
                dispatched_at, contact_id)
            SELECT t.type, now() - (abs(hashint8extended(g, 21)) %% 31536000) * interval '1 second',
                CASE WHEN t.type = 'product_viewed' THEN products.sku ELSE '' END, '{}',
                CASE WHEN abs(hashint8extended(g, 24)) %% 4 < 2 THEN %(brand_a)s
                    WHEN abs(hashint8extended(g, 24)) %% 4 = 2 THEN %(brand_b)s END,
                'system', '', now(), now(), %(first)s + abs(hashint8extended(g, 22)) %% %(contacts)s
            FROM generate_series(1, %(events)s) AS g
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN g %% 100 < 60 THEN 'product_viewed'
                    WHEN g %% 100 < 85 THEN 'page_viewed'
                    WHEN g %% 100 < 90 THEN 'cart_abandoned'
                    WHEN g %% 100 < 96 THEN 'email_opened'
                    WHEN g %% 100 < 98 THEN 'email_clicked'
                    ELSE 'custom.bench'
                END AS type
            ) AS t
            JOIN products ON products.n = abs(hashint8extended(g, 23)) %% %(products)s
            """,
            {
                "brands": data.brand_ids,
                "brand_a": brand_a,
                "brand_b": brand_b,
                "first": data.first_contact_id,
                "contacts": contacts,
                "events": events,
                "products": PRODUCTS,
            },
        ),
    ]
    with psycopg.connect(_dsn()) as conn:
        # The rows are consistent by construction: no foreign-key triggers (Django's are deferred to the commit,
        # where they would check 40 million references one by one). A superuser's setting, fine for a bench.
        conn.execute("SET session_replication_role = replica")
        for label, statement, params in steps:
            if label.endswith("contacts"):
                # Flags added to contacts later (not null, no default) are false here, so this runs on any schema.
                for (column,) in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'contacts_contact'"
                    " AND is_nullable = 'NO' AND data_type = 'boolean' AND column_default IS NULL"
                ).fetchall():
                    if f" {column}," not in statement:
                        statement = statement.replace(" subscribed_sms,", f" subscribed_sms, {column},", 1)
                        statement = statement.replace(" h8 %% 4 = 0,", " h8 %% 4 = 0, false,", 1)
                # The first contact's id is only known once they exist: read it back for the next statements.
                part = time.perf_counter()
                conn.execute(statement, params)
                conn.commit()
                row = conn.execute(
                    "SELECT min(id) FROM contacts_contact WHERE phone LIKE %s", [PHONE_PREFIX + "%"]
                ).fetchone()
                data.first_contact_id = row[0] if row else 0
                for _label, _statement, later in steps:
                    if isinstance(later, dict) and "first" in later:
                        later["first"] = data.first_contact_id
            else:
                part = time.perf_counter()
                conn.execute(statement, params)
                conn.commit()
            seconds[label] = time.perf_counter() - part
            progress(f"    {label}: {seconds[label]:.1f} s")
    part = time.perf_counter()
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    seconds["VACUUM ANALYZE"] = time.perf_counter() - part
    progress(f"    VACUUM ANALYZE: {seconds['VACUUM ANALYZE']:.1f} s")
    return seconds


def segments_url(url: str) -> str:
    """The segments bench's own database: the bench database's name + `_segments` (seeding it takes minutes, so it
    is kept between runs and never dropped by the POS stages)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    return parts._replace(path=parts.path.rstrip("/") + "_segments").geturl()
