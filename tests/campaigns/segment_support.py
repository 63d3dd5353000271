"""Hand-made data for the segment rule tests: a program with two brands, a store each, a category tree, and helpers
that write contacts, purchases, points, events and scores exactly as wanted (dates relative to a fixed `NOW`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from campaigns.models import Segment, SegmentMember
from campaigns.segments.compiler import segment_contacts
from contacts.models import Contact, ContactEvent, ContactScore
from loyalty.models import (
    Account,
    Brand,
    Category,
    LedgerEntry,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
    Register,
    Store,
    Tier,
)
from loyalty.services.spend import spend_add
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    ContactFactory,
    EnrollmentFactory,
    ProductFactory,
    ProgramFactory,
    RegisterFactory,
    StoreFactory,
    TierFactory,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.get_default_timezone())


@dataclass
class Shop:
    program: Program
    brand: Brand
    other_brand: Brand
    store: Store
    other_store: Store
    register: Register
    other_register: Register
    hair: Category
    shampoo: Category
    skin: Category
    shampoo_sku: Product
    cream_sku: Product
    bronze: Tier
    gold: Tier


def make_shop() -> Shop:
    program = ProgramFactory(name="Rules program")
    brand = BrandFactory(program=program, name="Rules brand")
    other_brand = BrandFactory(program=program, name="Rules second brand")
    store = StoreFactory(brand=brand, name="Main street")
    other_store = StoreFactory(brand=other_brand, name="Mall")
    hair = CategoryFactory(name="Hair")
    shampoo = CategoryFactory(name="Shampoo", parent=hair)
    skin = CategoryFactory(name="Skin")
    return Shop(
        program=program,
        brand=brand,
        other_brand=other_brand,
        store=store,
        other_store=other_store,
        register=RegisterFactory(store=store),
        other_register=RegisterFactory(store=other_store),
        hair=hair,
        shampoo=shampoo,
        skin=skin,
        shampoo_sku=ProductFactory(brand=brand, sku="SHAMPOO-1", category=shampoo),
        cream_sku=ProductFactory(brand=brand, sku="CREAM-1", category=skin),
        bronze=TierFactory(program=program, name="Bronze", min_spend=Decimal("0")),
        gold=TierFactory(program=program, name="Gold", min_spend=Decimal("1000")),
    )


def member(shop: Shop, **fields: Any) -> Contact:
    """A contact enrolled in the shop's program (`tier` goes on the enrollment)."""
    tier = fields.pop("tier", None)
    created_at = fields.pop("created_at", None)
    contact = ContactFactory(**fields)
    EnrollmentFactory(contact=contact, program=shop.program, tier=tier)
    if created_at is not None:
        Contact.objects.filter(pk=contact.pk).update(created_at=created_at)
    return contact


def purchase(
    shop: Shop,
    contact: Contact | None,
    *,
    days_ago: float,
    payable: str = "100.00",
    lines: tuple[Product, ...] = (),
    store: Store | None = None,
    program: Program | None = None,
) -> Purchase:
    """A confirmed receipt `days_ago` before NOW, with one line per product (or one plain line)."""
    store = store or shop.store
    register = shop.register if store == shop.store else shop.other_register
    if program is not None:
        register = RegisterFactory(store=StoreFactory(brand=BrandFactory(program=program)))
        store = register.store
    amount = Decimal(payable)
    bought = Purchase.objects.create(
        register=register,
        store=store,
        brand=store.brand,
        program=program or shop.program,
        contact=contact,
        receipt_number=f"R-{Purchase.objects.count() + 1}",
        at=NOW - timedelta(days=days_ago),
        base=amount,
        discount=Decimal("0"),
        total=amount,
        redeemed_points=Decimal("0"),
        payable=amount,
        points=Decimal("0"),
    )
    for index, product in enumerate(lines or (None,)):
        PurchaseLine.objects.create(
            purchase=bought,
            index=index,
            sku=product.sku if product else "PLAIN",
            product=product,
            quantity=Decimal("1"),
            price=amount,
            base=amount,
            discount=Decimal("0"),
            total=amount,
            redeemed_points=Decimal("0"),
            paid=amount,
            points=Decimal("0"),
        )
    if contact is not None:  # as the till keeps it
        spend_add(contact_id=contact.pk, program_id=bought.program_id, at=bought.at, amount=amount)
    return bought


def refund(bought: Purchase, amount: str) -> Refund:
    made = Refund.objects.create(
        purchase=bought,
        at=bought.at,
        refund_amount=Decimal(amount),
        points_revoked=Decimal("0"),
        points_returned=Decimal("0"),
    )
    if bought.contact_id is not None:
        spend_add(contact_id=bought.contact_id, program_id=bought.program_id, at=bought.at, amount=-made.refund_amount)
    return made


def account(shop: Shop, contact: Contact | None, active: str, *, master_account: Any = None) -> Account:
    return Account.objects.create(
        program=shop.program, contact=contact, master_account=master_account, active=Decimal(active), balance_at=NOW
    )


def lot(owner: Account, points: str, *, expires_in_days: float | None, taken: str | None = None) -> LedgerEntry:
    """A lot of `points` expiring so many days after NOW; `taken` points already redeemed from it."""
    created = LedgerEntry.objects.create(
        account=owner,
        at=NOW - timedelta(days=1),
        kind="accrual",
        points=Decimal(points),
        expires_at=NOW + timedelta(days=expires_in_days) if expires_in_days is not None else None,
    )
    if taken:
        LedgerEntry.objects.create(
            account=owner, at=NOW - timedelta(hours=1), kind="redemption", points=-Decimal(taken), lot=created
        )
    return created


def event(contact: Contact, type: str, *, days_ago: float, brand: Brand | None = None, sku: str = "") -> ContactEvent:
    return ContactEvent.objects.create(
        contact=contact,
        type=type,
        at=NOW - timedelta(days=days_ago),
        brand_id=brand.pk if brand else None,
        sku=sku,
    )


def score(contact: Contact, *, rfm: str = "", churn_risk: str | None = None) -> ContactScore:
    return ContactScore.objects.create(
        contact=contact, rfm=rfm, churn_risk=Decimal(churn_risk) if churn_risk else None, computed_at=NOW
    )


def in_segment(segment: Segment, *contacts: Contact) -> None:
    for contact in contacts:
        SegmentMember.objects.create(segment=segment, contact=contact, entered_at=NOW, manual=True)


def matching(shop: Shop, rules: dict[str, Any], *, now: datetime = NOW) -> set[int]:
    """The ids of the contacts the rules match in the shop's program at `now`."""
    return set(segment_contacts(rules, program=shop.program, now=now).values_list("pk", flat=True))


def leaf(field: str, op: str, value: Any, **keys: Any) -> dict[str, Any]:
    return {"all": [{"field": field, "op": op, "value": value, **keys}]}


def ids(*contacts: Contact) -> set[int]:
    return {contact.pk for contact in contacts}
