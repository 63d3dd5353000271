"""`manage.py seed_demo`: exact sizes, every contact with a card, the demo users, purchases through the checkout
(or in bulk) with a sound ledger, a second run that changes nothing."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import phonenumbers
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q, Sum
from django.utils import timezone

from contacts.models import BlacklistEntry, Contact
from demo.purchases import PURCHASE_DAYS
from loyalty.choices import CardStatus, EntryKind
from loyalty.models import (
    Account,
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    LedgerEntry,
    MasterAccount,
    MasterAccountMember,
    Partner,
    Product,
    Program,
    Purchase,
    PurchaseLine,
    Refund,
    Register,
    Store,
    Tier,
    TierChange,
)
from loyalty.services.cards import luhn_valid
from loyalty.services.registers import register_by_key

pytestmark = pytest.mark.django_db

# No receipts with the demo promo codes (on top of the purchases): tests/promocodes/test_seed_promocodes.py has them.
SIZES = {"contacts": 200, "products": 50, "stores": 5, "registers": 8, "purchases": 40, "code_receipts": 0}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", **{**SIZES, **options}, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Program, Partner, Brand, Store, Register, Category, Product, CardType, Tier, Contact, Enrollment, Card,
        MasterAccount, MasterAccountMember, BlacklistEntry, Purchase, PurchaseLine, Refund, LedgerEntry, TierChange,
        Account,
    ]  # fmt: skip
    users = get_user_model().objects
    return {model.__name__: model.objects.count() for model in models} | {"users": users.count()}


def test_seed_demo_makes_the_requested_sizes():
    # when
    output = seed()

    # then
    assert Program.objects.count() == 2
    assert Brand.objects.count() == 3
    assert Partner.objects.count() == 2
    assert Store.objects.count() == 5
    assert Register.objects.count() == 8
    assert Product.objects.count() == 50
    assert Contact.objects.count() == 200
    assert Purchase.objects.count() == 40
    for program in Program.objects.all():
        assert sorted(program.tiers.values_list("name", flat=True)) == ["Бронза", "Золото", "Серебро"]
        assert sorted(program.card_types.values_list("name", flat=True)) == ["VIP", "Стандартная"]
    assert "/admin/" in output
    assert "/api/docs/" in output


def test_seed_demo_gives_every_contact_an_enrollment_and_a_bound_active_card():
    # when
    seed()

    # then
    assert not Contact.objects.filter(enrollments=None).exists()
    assert not Contact.objects.exclude(cards__status=CardStatus.ACTIVE).exists()
    assert not Enrollment.objects.filter(tier=None).exists()
    assert Card.objects.filter(contact=None).exists()
    assert Card.objects.filter(status=CardStatus.BLOCKED).exists()
    assert all(luhn_valid(number) for number in Card.objects.values_list("number", flat=True))
    # Each bound card's program is one its contact is enrolled in.
    enrolled = set(Enrollment.objects.values_list("contact_id", "program_id"))
    carded = set(Card.objects.exclude(contact=None).values_list("contact_id", "card_type__program_id"))
    assert carded == enrolled


def test_seed_demo_contacts_have_valid_unique_e164_phones():
    # when
    seed()

    # then
    phones = list(Contact.objects.exclude(phone=None).values_list("phone", flat=True))
    assert len(phones) == len(set(phones))
    assert all(phone.startswith("+79") and len(phone) == 12 for phone in phones)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(phone)) for phone in phones)
    assert not Contact.objects.filter(phone__in=BlacklistEntry.objects.values("phone")).exists()


def test_seed_demo_categories_have_paths_and_products_unique_skus_and_list_prices():
    # when
    seed()

    # then
    for category in Category.objects.select_related("parent"):
        parent_path = category.parent.path if category.parent else "/"
        assert category.path == f"{parent_path}{category.pk}/"
    assert Category.objects.filter(parent__parent__isnull=False).exists()  # three levels
    assert Product.objects.values("brand", "sku").distinct().count() == 50
    assert Product.objects.filter(accrual_excluded=True).exists()
    assert not Product.objects.filter(Q(price=None) | Q(price__lte=0)).exists()


def test_seed_demo_families_are_in_the_program_of_their_account():
    # when
    seed()

    # then
    assert MasterAccount.objects.count() == 2
    for account in MasterAccount.objects.all():
        members = list(account.members.all())
        assert 2 <= len(members) <= 4
        assert all(member.enrollments.filter(program=account.program).exists() for member in members)


def test_seed_demo_users_admin_and_brand_limited_manager():
    # when
    output = seed()

    # then
    users = get_user_model().objects
    admin = users.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("admin")
    manager = users.get(username="manager")
    assert manager.is_staff
    assert not manager.is_superuser
    assert manager.check_password("manager")
    assert manager.managed_brands.count() == 1
    assert manager.has_perm("contacts.change_contact")
    assert manager.has_perm("loyalty.add_product")
    assert manager.has_perm("loyalty.view_brand")
    assert not manager.has_perm("loyalty.change_brand")
    assert not manager.has_perm("loyalty.change_program")
    assert not manager.has_perm("loyalty.change_partner")
    assert not manager.has_perm("contacts.delete_contact")
    assert "admin / admin" in output
    assert "manager / manager" in output


def test_seed_demo_prints_one_register_key_that_works():
    # when
    output = seed()

    # then
    keys = [word for word in output.split() if word.startswith("rk_")]
    assert len(keys) == 1
    assert register_by_key(keys[0]) is not None


@pytest.mark.parametrize("language", ["ru", "en"])
def test_seed_demo_second_run_changes_nothing(language):
    # given
    seed(language=language)
    before = counts()
    stamps = {
        "contacts": sorted(Contact.objects.values_list("pk", "updated_at")),
        "cards": sorted(Card.objects.values_list("pk", "updated_at")),
        "brands": sorted(Brand.objects.values_list("pk", "updated_at")),
        "accounts": sorted(Account.objects.values_list("pk", "active", "pending", "updated_at")),
        "enrollments": sorted(Enrollment.objects.values_list("pk", "tier", "updated_at")),
    }
    manager_brands = list(Brand.objects.filter(managers__username="manager").values_list("pk", flat=True))

    # when
    output = seed(language=language)

    # then
    assert counts() == before
    assert stamps["contacts"] == sorted(Contact.objects.values_list("pk", "updated_at"))
    assert stamps["cards"] == sorted(Card.objects.values_list("pk", "updated_at"))
    assert stamps["brands"] == sorted(Brand.objects.values_list("pk", "updated_at"))
    assert stamps["accounts"] == sorted(Account.objects.values_list("pk", "active", "pending", "updated_at"))
    assert stamps["enrollments"] == sorted(Enrollment.objects.values_list("pk", "tier", "updated_at"))
    assert list(Brand.objects.filter(managers__username="manager").values_list("pk", flat=True)) == manager_brands
    assert "rk_" not in output


@pytest.mark.parametrize("seed_value", [42, 7])
def test_seed_demo_is_deterministic_for_a_seed(seed_value):
    # given
    seed(seed=seed_value, purchases=0)
    first = list(Contact.objects.order_by("pk").values_list("phone", "email", "first_name", "last_name"))
    products = list(Product.objects.order_by("pk").values_list("sku", "name", "price"))
    Card.objects.all().delete()
    MasterAccount.objects.all().delete()
    Enrollment.objects.all().delete()
    Contact.objects.all().delete()
    BlacklistEntry.objects.all().delete()
    Product.objects.all().delete()

    # when
    seed(seed=seed_value, purchases=0)

    # then
    again = list(Contact.objects.order_by("pk").values_list("phone", "email", "first_name", "last_name"))
    assert again == first
    assert list(Product.objects.order_by("pk").values_list("sku", "name", "price")) == products


# Purchases


def ledger_check() -> str:
    out = StringIO()
    call_command("ledger_check", stdout=out)  # raises CommandError on any difference
    return out.getvalue()


def assert_ledger_follows_the_purchases() -> None:
    """Every identified purchase's points are one accrual lot; what it redeemed, its redemption entries."""
    lots = dict(
        LedgerEntry.objects.filter(kind=EntryKind.ACCRUAL).values_list("purchase_id").annotate(total=Sum("points"))
    )
    redeemed = dict(
        LedgerEntry.objects.filter(kind=EntryKind.REDEMPTION).values_list("purchase_id").annotate(total=Sum("points"))
    )
    for purchase in Purchase.objects.all():
        assert lots.get(purchase.pk, Decimal(0)) == purchase.points
        assert -redeemed.get(purchase.pk, Decimal(0)) == purchase.redeemed_points
        assert purchase.payable == purchase.total - purchase.redeemed_points * purchase.program.point_value
        if purchase.contact_id is None:
            assert (purchase.account_id, purchase.card_number, purchase.points) == (None, "", 0)


def test_seed_demo_purchases_go_through_the_checkout_and_leave_a_sound_ledger():
    # when
    seed(purchases=300)

    # then
    assert Purchase.objects.count() == 300
    assert PurchaseLine.objects.filter(purchase=None).count() == 0
    assert not Purchase.objects.filter(lines=None).exists()
    anonymous = Purchase.objects.filter(contact=None).count()
    assert 30 <= anonymous <= 90  # about a fifth
    assert Purchase.objects.filter(redeemed_points__gt=0).exists()
    assert Refund.objects.exists()
    assert TierChange.objects.exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRY).exists()  # points earned more than a year ago
    now = timezone.now()
    oldest = Purchase.objects.order_by("at").first().at
    assert now - timedelta(days=PURCHASE_DAYS + 1) <= oldest < now - timedelta(days=settings.MAX_BACKDATE_DAYS)
    assert Purchase.objects.order_by("at").last().at < now
    assert set(Purchase.objects.values_list("receipt_number", flat=True)) == {f"DEMO-{n:07d}" for n in range(1, 301)}
    assert_ledger_follows_the_purchases()
    assert "agrees" in ledger_check()


def test_seed_demo_purchases_are_left_alone_on_a_second_run():
    # given
    seed()
    before = counts()

    # when
    output = seed(purchases=500)

    # then
    assert counts() == before
    assert "purchases: 40" in output
    assert "agrees" in ledger_check()


def test_seed_demo_fast_purchases_are_consistent_without_the_checkout():
    # when
    seed(purchases=400, fast=True)

    # then
    assert Purchase.objects.count() == 400
    assert not Purchase.objects.filter(lines=None).exists()
    assert not Refund.objects.exists()
    assert not Purchase.objects.filter(redeemed_points__gt=0).exists()
    assert set(LedgerEntry.objects.values_list("kind", flat=True)) == {EntryKind.ACCRUAL, EntryKind.EXPIRY}
    for expiry in LedgerEntry.objects.filter(kind=EntryKind.EXPIRY).select_related("lot"):
        assert (expiry.points, expiry.at) == (-expiry.lot.points, expiry.lot.expires_at)
    assert not LedgerEntry.objects.filter(kind=EntryKind.ACCRUAL, expires_at__lte=timezone.now(), movements=None)
    assert_ledger_follows_the_purchases()
    assert "agrees" in ledger_check()
    # Family members' points go to their master account's pool, as through the checkout.
    for purchase in Purchase.objects.filter(contact__in=MasterAccountMember.objects.values("contact")):
        if purchase.program_id == MasterAccountMember.objects.filter(contact=purchase.contact).get().program_id:
            assert purchase.account.master_account_id is not None
