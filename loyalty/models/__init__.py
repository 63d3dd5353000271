from .catalogue import Category, Product
from .members import Card, CardType, Enrollment, MasterAccount, MasterAccountMember, Tier
from .org import Brand, Partner, Program, Register, Store, hash_api_key

__all__ = [
    "Brand",
    "Card",
    "CardType",
    "Category",
    "Enrollment",
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
