"""factory_boy factories for every model of the contacts, loyalty and campaigns apps.

Factories that have a service behind them create through it (registers, categories, master account members), so
the objects they make are the objects the application would make.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from campaigns.models import Campaign, ProductSegment, Segment
from campaigns.services.campaigns import campaign_save, product_segment_save
from campaigns.services.segments import segment_members_add, segment_save
from contacts.models import BlacklistEntry, Contact
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    MasterAccount,
    Partner,
    Product,
    Program,
    Register,
    Store,
    Tier,
)
from loyalty.services.cards import luhn_check_digit
from loyalty.services.catalogue import category_save
from loyalty.services.master_accounts import master_account_set_members
from loyalty.services.registers import register_create

PASSWORD = "correct-horse-battery-staple"


def russian_mobile(n: int) -> str:
    """A valid, unique Russian mobile number in E.164: +7916 and seven digits."""
    return f"+7916{n % 10_000_000:07d}"


def card_number_for(n: int, prefix: str = "2999") -> str:
    """A 13-digit card number with a valid Luhn check digit."""
    payload = prefix + str(n).zfill(12 - len(prefix))
    return payload + luhn_check_digit(payload)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)
    is_staff = False
    is_superuser = False

    @factory.post_generation
    def all_brands(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """`UserFactory(all_brands=True)`: staff who work across every brand (else limited to the brands they
        manage, which is none until a brand names them)."""
        if create and extracted:
            from access.models import StaffProfile

            StaffProfile.objects.update_or_create(user=self, defaults={"all_brands": True})


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    point_value = Decimal("1.00")
    max_redeem_percent = Decimal("100.00")
    activation_days = 0
    expires_in_days = None


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    legal_name = factory.LazyAttribute(lambda o: f"LLC {o.name}")


class BrandFactory(DjangoModelFactory):
    class Meta:
        model = Brand
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Brand {n}")
    program = factory.SubFactory(ProgramFactory)
    currency = "RUB"

    @factory.post_generation
    def managers(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.managers.add(*extracted)


class StoreFactory(DjangoModelFactory):
    class Meta:
        model = Store

    brand = factory.SubFactory(BrandFactory)
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Store {n}")
    code = factory.Sequence(lambda n: f"S{n:04d}")
    timezone = "Europe/Moscow"
    city = "Moscow"


class RegisterFactory(DjangoModelFactory):
    """Created through `register_create`; the clear key is kept on the instance as `api_key`."""

    class Meta:
        model = Register

    store = factory.SubFactory(StoreFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    model = "Atol 30F"
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    software_version = "1.0"

    @classmethod
    def _create(cls, model_class: type[Register], *args: object, **kwargs: object) -> Register:
        register, key = register_create(data=kwargs)
        register.api_key = key  # type: ignore[attr-defined]
        return register


class CategoryFactory(DjangoModelFactory):
    """Saved through `category_save`, which keeps `path` in step with the parent."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None

    @classmethod
    def _create(cls, model_class: type[Category], *args: object, **kwargs: object) -> Category:
        return category_save(category=model_class(**kwargs))


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    brand = factory.SubFactory(BrandFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = None
    price = Decimal("100.00")
    accrual_excluded = False
    redemption_excluded = False


class TierFactory(DjangoModelFactory):
    class Meta:
        model = Tier

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    min_spend = Decimal("0.00")
    accrual_percent = Decimal("5.00")
    valid_days = 365
    window_days = 365


class CardTypeFactory(DjangoModelFactory):
    class Meta:
        model = CardType

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Card type {n}")
    number_prefix = "7000"
    number_length = 13


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    phone = factory.Sequence(russian_mobile)
    email = factory.Sequence(lambda n: f"contact{n}@example.com")
    first_name = "Ivan"
    last_name = factory.Sequence(lambda n: f"Petrov{n}")
    source = "admin"


class CardFactory(DjangoModelFactory):
    class Meta:
        model = Card

    number = factory.Sequence(card_number_for)
    card_type = factory.SubFactory(CardTypeFactory)
    contact = None
    status = "active"


class BlacklistEntryFactory(DjangoModelFactory):
    class Meta:
        model = BlacklistEntry

    phone = factory.Sequence(lambda n: f"+7925{n % 10_000_000:07d}")
    email = None
    reason = "complaint"


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    contact = factory.SubFactory(ContactFactory)
    program = factory.SubFactory(ProgramFactory)
    tier = None


class MasterAccountFactory(DjangoModelFactory):
    """Members (a list of contacts) are set through `master_account_set_members`."""

    class Meta:
        model = MasterAccount
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Family {n}")
    program = factory.SubFactory(ProgramFactory)

    @factory.post_generation
    def members(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            master_account_set_members(account=self, contacts=extracted)


# The management API's collection paths and the factory of the model behind each.
API_RESOURCES: dict[str, type[DjangoModelFactory]] = {
    "programs": ProgramFactory,
    "partners": PartnerFactory,
    "brands": BrandFactory,
    "stores": StoreFactory,
    "registers": RegisterFactory,
    "categories": CategoryFactory,
    "products": ProductFactory,
    "tiers": TierFactory,
    "card-types": CardTypeFactory,
    "cards": CardFactory,
    "contacts": ContactFactory,
    "blacklist": BlacklistEntryFactory,
    "master-accounts": MasterAccountFactory,
}


# --- campaigns ---------------------------------------------------------------------------------------------


class ProductSegmentFactory(DjangoModelFactory):
    """Saved through `product_segment_save`; `categories` (a list) is set after the save."""

    class Meta:
        model = ProductSegment
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    name = factory.Sequence(lambda n: f"Product segment {n}")
    skus = factory.LazyFunction(list)
    exclude_skus = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class: type[ProductSegment], *args: object, **kwargs: object) -> ProductSegment:
        categories = kwargs.pop("categories", None)
        return product_segment_save(segment=model_class(), data=kwargs, categories=categories)  # type: ignore[arg-type]


class SegmentFactory(DjangoModelFactory):
    """A customer segment, saved through `segment_save`; `members` (a list of contacts) are added after."""

    class Meta:
        model = Segment
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Segment {n}")
    program = factory.SubFactory(ProgramFactory)
    rules = factory.LazyFunction(lambda: {"all": [{"field": "purchases_count", "op": "gte", "value": 1}]})

    @classmethod
    def _create(cls, model_class: type[Segment], *args: object, **kwargs: object) -> Segment:
        return segment_save(segment=model_class(), data=kwargs)

    @factory.post_generation
    def members(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            segment_members_add(segment=self, contacts=extracted)
            self.refresh_from_db()


class CampaignFactory(DjangoModelFactory):
    """Saved through `campaign_save` (validated, snapshot bumped): a draft 10 % off everything by default."""

    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    brand = factory.SubFactory(BrandFactory)
    status = "draft"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = None
    priority = 0
    combine = "sum"
    audience = factory.LazyFunction(lambda: {"type": "all"})
    product_segment = None
    conditions = factory.LazyFunction(dict)
    requires_code = False
    mechanic = factory.LazyFunction(lambda: {"type": "percent_discount", "percent": 10})
    hint = ""
    limits = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: object, **kwargs: object) -> Campaign:
        return campaign_save(campaign=model_class(**kwargs))


API_RESOURCES.update(
    {
        "campaigns": CampaignFactory,
        "product-segments": ProductSegmentFactory,
        "segments": SegmentFactory,
    }
)
