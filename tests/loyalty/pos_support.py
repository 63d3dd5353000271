"""Helpers of the POS API tests: a till (program, brand, store, register and its API client), customers, calls."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Model
from rest_framework.test import APIClient

from contacts.models import Contact
from loyalty.models import (
    Account,
    Brand,
    Card,
    CardType,
    IdempotencyRecord,
    LedgerEntry,
    Partner,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
    RefundLine,
    Register,
    Store,
    TierChange,
)
from loyalty.services import ledger
from tests.factories import (
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    ContactFactory,
    EnrollmentFactory,
    PartnerFactory,
    ProgramFactory,
    RegisterFactory,
    StoreFactory,
)

POS = "/api/v1/pos"


@dataclass
class Till:
    """A register ready to call the POS API, with everything around it."""

    program: Program
    brand: Brand
    partner: Partner
    store: Store
    register: Register
    card_type: CardType
    client: APIClient


def pos_client(register: Register) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {register.api_key}")  # type: ignore[attr-defined]
    return client


def make_till(program: Program | None = None, *, brand: Brand | None = None, **program_fields: Any) -> Till:
    """A register of a new store (and partner) of `brand` (a new brand of `program`, a new program by default)."""
    if brand is None:
        program = program or ProgramFactory(**program_fields)
        brand = BrandFactory(program=program)
    program = brand.program
    partner = PartnerFactory()
    store = StoreFactory(brand=brand, partner=partner)
    register = RegisterFactory(store=store)
    card_type = program.card_types.order_by("pk").first() or CardTypeFactory(program=program)
    return Till(
        program=program,
        brand=brand,
        partner=partner,
        store=store,
        register=register,
        card_type=card_type,
        client=pos_client(register),
    )


@dataclass
class Shopper:
    contact: Contact
    card: Card
    account: Account


def make_shopper(
    till: Till,
    *,
    points: str | None = None,
    expires_in_days: int | None = None,
    at: datetime | None = None,
    number: str | None = None,
    **contact_fields: Any,
) -> Shopper:
    """A contact with a bound active card of the till's program, enrolled, optionally holding `points`."""
    contact = ContactFactory(**contact_fields)
    card = CardFactory(card_type=till.card_type, contact=contact, **({"number": number} if number else {}))
    EnrollmentFactory(contact=contact, program=till.program)
    account = ledger.account_for(program=till.program, contact=contact)
    if points is not None:
        ledger.accrue(
            account=account, points=Decimal(points), at=at or account.created_at, expires_in_days=expires_in_days
        )
    return Shopper(contact=contact, card=card, account=account)


def line(sku: str, quantity: str | int, price: str | int) -> dict[str, Any]:
    return {"sku": sku, "quantity": quantity, "price": price}


def calculate(client: APIClient, body: dict[str, Any]) -> Any:
    return client.post(f"{POS}/calculate", body, format="json")


def confirm(client: APIClient, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"{POS}/purchases", body, format="json", **headers)


def refund(
    client: APIClient, purchase_id: int, body: dict[str, Any] | None = None, key: str | None = "refund-1"
) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"{POS}/purchases/{purchase_id}/refund", body or {}, format="json", **headers)


def customer(client: APIClient, **query: Any) -> Any:
    return client.get(f"{POS}/customer", query)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    """The JSON body of a successful answer with this status."""
    assert response.status_code == status, response.content
    return response.json()


def active(account: Account) -> str:
    """The account's active balance as the API shows it (read-time, expiry applied)."""
    from loyalty.selectors import balance

    return str(balance(account=account)["active"])


WRITTEN_MODELS: tuple[type[Model], ...] = (
    Purchase,
    PurchaseLine,
    Refund,
    RefundLine,
    LedgerEntry,
    IdempotencyRecord,
    TierChange,
    Account,
)


def written() -> dict[str, int]:
    """Row counts of everything a POS command writes: equal before and after = nothing written."""
    return {model.__name__: model._default_manager.count() for model in WRITTEN_MODELS}


def money_sum(values: list[str]) -> Decimal:
    return sum((Decimal(value) for value in values), Decimal("0.00"))
