from .catalogue import Category, Product
from .ledger import Account, LedgerEntry, LedgerEntryImmutable
from .members import Card, CardType, Enrollment, MasterAccount, MasterAccountMember, Tier
from .org import Brand, Partner, Program, Register, Store, hash_api_key

__all__ = [
    "Account",
    "Brand",
    "Card",
    "CardType",
    "Category",
    "Enrollment",
    "LedgerEntry",
    "LedgerEntryImmutable",
    "MasterAccount",
    "MasterAccountMember",
    "Partner",
    "Product",
    "Program",
    "Register",
    "Store",
    "Tier",
    "hash_api_key",
]
