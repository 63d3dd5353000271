from .catalogue import Category, Product
from .ledger import Account, LedgerEntry, LedgerEntryImmutable
from .members import Card, CardType, Enrollment, MasterAccount, MasterAccountMember, Tier
from .org import Brand, Partner, Program, Register, Store, hash_api_key
from .purchases import IdempotencyRecord, Purchase, PurchaseLine, Refund, RefundLine, TierChange
from .spend import SpendDay

__all__ = [
    "Account",
    "Brand",
    "Card",
    "CardType",
    "Category",
    "Enrollment",
    "IdempotencyRecord",
    "LedgerEntry",
    "LedgerEntryImmutable",
    "MasterAccount",
    "MasterAccountMember",
    "Partner",
    "Product",
    "Program",
    "Purchase",
    "PurchaseLine",
    "Refund",
    "RefundLine",
    "Register",
    "SpendDay",
    "Store",
    "Tier",
    "TierChange",
    "hash_api_key",
]
