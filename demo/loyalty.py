"""The loyalty part of the demo as a whole: the users, then every part in one transaction, and the figures."""

from django.contrib.auth import get_user_model
from django.db import transaction

from access.roles import sync_roles
from access.services import staff_user_set_roles
from contacts.models import BlacklistEntry, Contact
from demo import data
from demo.base import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    MANAGER_PASSWORD,
    MANAGER_ROLES,
    MANAGER_USERNAME,
    DemoOptions,
    DemoResult,
    Log,
    Org,
    Progress,
    _rng,
)
from demo.contacts import seed_contacts
from demo.org import seed_catalogue, seed_org
from demo.purchases import seed_purchases
from demo.purchases_fast import seed_purchases_fast
from loyalty.choices import CardStatus
from loyalty.models import (
    Brand,
    Card,
    CardType,
    Category,
    Enrollment,
    LedgerEntry,
    MasterAccount,
    Partner,
    Product,
    Program,
    Purchase,
    Refund,
    Register,
    Store,
    Tier,
    TierChange,
)

# --- users ----------------------------------------------------------------------------------------------------


def seed_users(*, org: Org) -> None:
    """The demo superuser and a staff manager limited to one brand, a marketer and support there."""
    user_model = get_user_model()
    if not user_model.objects.filter(username=ADMIN_USERNAME).exists():
        user_model.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", ADMIN_PASSWORD)

    sync_roles()
    manager = user_model.objects.filter(username=MANAGER_USERNAME).first()
    if manager is None:
        manager = user_model.objects.create_user(
            MANAGER_USERNAME,
            "manager@example.com",
            MANAGER_PASSWORD,
            is_staff=True,
            first_name="Мария",
            last_name="Соколова",
        )
    staff_user_set_roles(user=manager, roles=MANAGER_ROLES)
    org.brands[data.MANAGER_BRAND].managers.add(manager)


# --- all of it ------------------------------------------------------------------------------------------------


@transaction.atomic
def demo_seed(
    *, options: DemoOptions, log: Log = lambda _message: None, progress: Progress | None = None
) -> DemoResult:
    """Seed every part in one transaction; parts that already exist are left as they are. `progress` hears of each
    stage and of the counts of the long ones, `log` what each made."""
    progress = progress or Progress()
    progress.stage("Programs, brands, stores and registers")
    org, register, key = seed_org(
        rng=_rng(options.seed, "org"), stores=options.stores, registers=options.registers, language=options.language
    )
    result = DemoResult(org=org, demo_register=register, demo_register_key=key)
    log(f"Organisation: {len(org.stores)} stores, {options.registers} registers wanted.")

    progress.stage("Catalogue")
    made = seed_catalogue(org=org, rng=_rng(options.seed, "catalogue"), products=options.products)
    log(f"Catalogue: {made} products made." if made else "Catalogue: products exist, left as they are.")
    if not made:
        result.skipped.append("products")

    progress.stage("Contacts")
    made = seed_contacts(org=org, rng=_rng(options.seed, "contacts"), contacts=options.contacts, progress=progress)
    log(f"Contacts: {made} made." if made else "Contacts: members exist, left as they are.")
    if not made:
        result.skipped.append("contacts")

    seed_users(org=org)

    progress.stage("Purchases")
    rng = _rng(options.seed, "purchases")
    if options.fast:
        made, refunded = seed_purchases_fast(org=org, rng=rng, count=options.purchases, progress=progress), 0
    else:
        made, refunded = seed_purchases(org=org, rng=rng, count=options.purchases, progress=progress)
    log(f"Purchases: {made} made, {refunded} refunded." if made else "Purchases: exist, left as they are.")
    if not made:
        result.skipped.append("purchases")
    return result


def demo_counts() -> dict[str, int]:
    """Figures for the summary, over the whole database."""
    cards = Card.objects
    return {
        "programs": Program.objects.count(),
        "partners": Partner.objects.count(),
        "brands": Brand.objects.count(),
        "stores": Store.objects.count(),
        "registers": Register.objects.count(),
        "categories": Category.objects.count(),
        "products": Product.objects.count(),
        "card types": CardType.objects.count(),
        "tiers": Tier.objects.count(),
        "contacts": Contact.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "cards": cards.count(),
        "cards unbound": cards.filter(contact=None).count(),
        "cards blocked": cards.filter(status=CardStatus.BLOCKED).count(),
        "master accounts": MasterAccount.objects.count(),
        "blacklist entries": BlacklistEntry.objects.count(),
        "purchases": Purchase.objects.count(),
        "refunds": Refund.objects.count(),
        "ledger entries": LedgerEntry.objects.count(),
        "tier changes": TierChange.objects.count(),
    }
