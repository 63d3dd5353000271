"""Small fixed worlds for the metrics' tests: purchases and refunds written as rows, at the times the test names."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from common.money import ZERO
from contacts.models import Contact
from loyalty.models import Brand, Enrollment, Product, Purchase, PurchaseLine, Refund, RefundLine, Register
from tests.factories import BrandFactory, ContactFactory, ProductFactory, RegisterFactory, StoreFactory

_receipts = count(1)
NOW = timezone.make_aware(datetime(2026, 6, 30, 12, 0))  # a Tuesday


@dataclass
class Shop:
    """A brand with a store and a register (more on demand), and its products by SKU."""

    brand: Brand
    register: Register
    products: dict[str, Product] = field(default_factory=dict)

    def product(self, sku: str, **fields: Any) -> Product:
        if sku not in self.products:
            self.products[sku] = ProductFactory(brand=self.brand, sku=sku, name=f"Product {sku}", **fields)
        return self.products[sku]

    def register_in(self, store: Any = None) -> Register:
        store = store or StoreFactory(brand=self.brand)
        return RegisterFactory(store=store)


def shop(name: str = "Mine", **brand: Any) -> Shop:
    made = BrandFactory(name=name, **brand)
    return Shop(brand=made, register=RegisterFactory(store=StoreFactory(brand=made)))


_people = count(1)


def contact(**fields: Any) -> Contact:
    """A contact whose phone shares no block of a hundred numbers with another's (fraud looks for those)."""
    fields.setdefault("phone", f"+79{next(_people):05d}0000")
    return ContactFactory(**fields)


def buy(
    where: Shop,
    who: Contact | None,
    at: datetime,
    lines: list[tuple[str, str | int, str | int]] | None = None,
    *,
    paid: str | int | None = None,
    register: Register | None = None,
    card: str = "",
    redeemed: str | int = 0,
    total: str | int | None = None,
) -> Purchase:
    """A confirmed purchase: `lines` as (sku, quantity, paid), or one line of `paid`."""
    lines = lines or [("SKU", 1, paid if paid is not None else 100)]
    register = register or where.register
    money = sum((Decimal(str(amount)) for _sku, _quantity, amount in lines), ZERO)
    redeemed_value = Decimal(str(redeemed))
    purchase = Purchase.objects.create(
        register=register,
        store=register.store,
        brand=where.brand,
        program=where.brand.program,
        contact=who,
        card_number=card,
        receipt_number=f"R{next(_receipts)}",
        at=at,
        base=money + redeemed_value,
        discount=ZERO,
        total=Decimal(str(total)) if total is not None else money + redeemed_value,
        redeemed_points=redeemed_value,
        payable=money,
        points=ZERO,
    )
    if who is not None:  # a customer at the till is enrolled in the program
        Enrollment.objects.get_or_create(contact=who, program=where.brand.program)
    for index, (sku, quantity, amount) in enumerate(lines):
        PurchaseLine.objects.create(
            purchase=purchase,
            index=index,
            sku=sku,
            product=where.product(sku),
            quantity=Decimal(str(quantity)),
            price=Decimal(str(amount)),
            base=Decimal(str(amount)),
            discount=ZERO,
            total=Decimal(str(amount)),
            redeemed_points=ZERO,
            paid=Decimal(str(amount)),
            points=ZERO,
        )
    return purchase


def refund(purchase: Purchase, at: datetime, parts: list[tuple[int, str | int, str | int]] | None = None) -> Refund:
    """A refund of (line index, quantity, amount) parts; without parts, all of it."""
    lines = {line.index: line for line in purchase.lines.all()}
    parts = parts or [(index, line.quantity, line.paid) for index, line in lines.items()]
    made = Refund.objects.create(
        purchase=purchase,
        at=at,
        refund_amount=sum((Decimal(str(amount)) for _i, _q, amount in parts), ZERO),
        points_revoked=ZERO,
        points_returned=ZERO,
    )
    for index, quantity, amount in parts:
        RefundLine.objects.create(
            refund=made,
            line=lines[index],
            quantity=Decimal(str(quantity)),
            amount=Decimal(str(amount)),
            points_revoked=ZERO,
            points_returned=ZERO,
        )
    return made
