"""A world of two brands with one of everything, for the walks over every admin page and API route.

Everything of the other brand carries the marker `ZEBRA` (names, codes, receipt numbers, e-mails) or its digits
(`+7999…` phones, `7999…` card numbers), so that a page or answer showing any of it is caught by a text search.
Objects are made through the services and the POS API, the way the product makes them, so that every model of
the project gets rows (the walk asserts that no model of ours is left without an object of the other brand).
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Model
from django.utils import timezone

from access.services import staff_user_set_roles
from account.services.notes import contact_note_add
from analytics.services import licence_record
from analytics.summaries.refresh import summaries_refresh
from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.models import Trigger
from campaigns.messaging.relay import relay_due
from campaigns.messaging.services.triggers import trigger_save
from campaigns.models import ConflictNotice
from campaigns.services.segments import segment_recompute
from campaigns.surveys.models import Survey
from campaigns.surveys.services import survey_invite, survey_respond, survey_save
from campaigns.surveys.tokens import make_token
from contacts.models import ContactScore
from contacts.services import contact_create
from contacts.services.events import event_record
from loyalty.models import Brand, Register
from loyalty.services import ledger
from promocodes.models import AttemptBlock, GenerationJob
from promoters.models import Stand
from promoters.services import LeadInput, lead_capture, stand_save
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import (
    BrandFactory,
    CardFactory,
    CardTypeFactory,
    CategoryFactory,
    EnrollmentFactory,
    MasterAccountFactory,
    PartnerFactory,
    ProductFactory,
    ProductSegmentFactory,
    ProgramFactory,
    RegisterFactory,
    SegmentFactory,
    StoreFactory,
    TierFactory,
    UserFactory,
)
from tests.loyalty.pos_support import confirm, pos_client, refund
from tests.promocodes.promo_support import single_pool

OTHER = "ZEBRA"
# Text that only the other brand's objects carry.
OTHER_MARKERS = (OTHER, OTHER.lower(), OTHER.title(), "+7999", "7999000")


@dataclass
class BrandWorld:
    brand: Brand
    register: Register
    objects: dict[str, Model] = field(default_factory=dict)


def _contact(marker: str, n: int, phone_prefix: str) -> Any:
    return contact_create(
        data={
            "phone": f"{phone_prefix}{n:07d}",
            "email": f"{marker.lower()}{n}@example.com",
            "first_name": marker.title(),
            "last_name": f"{marker.title()}ova",
            "city": f"{marker.title()}grad",
            "subscribed_sms": True,
        },
        source="admin",
    )


def build_brand(marker: str, *, phone_prefix: str, card_prefix: str) -> BrandWorld:
    """One brand with a program, partner, store, register, product, tier, card type, cards, contacts, a master
    account, points, a confirmed and refunded receipt with a code and a campaign, segments, pools and jobs."""
    title = marker.title()
    program = ProgramFactory(name=f"{title} program")
    brand = BrandFactory(name=f"{title} brand", program=program)
    partner = PartnerFactory(name=f"{title} partner", legal_name=f"{title} LLC")
    store = StoreFactory(brand=brand, partner=partner, name=f"{title} store", city=f"{title}grad")
    register = RegisterFactory(store=store, code=f"{marker}-R1")
    category = CategoryFactory(name="Hair care")  # shared by all brands: carries no marker
    product = ProductFactory(brand=brand, sku=f"{marker}-SKU", name=f"{title} shampoo", category=category)
    TierFactory(program=program, name=f"{title} bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    TierFactory(program=program, name=f"{title} gold", min_spend=Decimal("100"), accrual_percent=Decimal("10"))
    card_type = CardTypeFactory(program=program, name=f"{title} standard", number_prefix=card_prefix)
    shopper, relative = _contact(marker, 1, phone_prefix), _contact(marker, 2, phone_prefix)
    card = CardFactory(card_type=card_type, contact=shopper, number=f"{card_prefix}000000001")
    CardFactory(card_type=card_type, number=f"{card_prefix}000000002")
    EnrollmentFactory(contact=shopper, program=program)
    EnrollmentFactory(contact=relative, program=program)
    family = MasterAccountFactory(name=f"{title} family", program=program, members=[relative])
    event_record(contact_id=shopper.pk, type="product_viewed", at=timezone.now(), sku=product.sku, brand_id=brand.pk)
    account = ledger.account_for(program=program, contact=shopper)
    ledger.accrue(account=account, points=Decimal("500"), at=timezone.now() - timedelta(days=2))

    campaign = save_campaign(brand, name=f"{title} ten off", limits={"total_uses": 100})
    coded = save_campaign(brand, name=f"{title} code campaign", requires_code=True, priority=5)
    pool = single_pool(coded, name=f"{title} flyers", prefix=f"{marker}", codes=[f"{marker}CODE2", f"{marker}CODE3"])
    ProductSegmentFactory(brand=brand, name=f"{title} shampoos", skus=[product.sku])
    buyers = SegmentFactory(program=program, name=f"{title} buyers", members=[shopper])
    ContactScore.objects.create(contact=shopper, rfm="champions", churn_risk=Decimal("0.2"), computed_at=timezone.now())
    ConflictNotice.objects.create(winner=campaign, loser=coded, day=timezone.localdate())
    GenerationJob.objects.create(pool=pool, requested=10, status="done", generated=0)
    # A trigger on the product view recorded above: its message sent through the log gateway (a delivery).
    trigger_save(
        trigger=Trigger(),
        data={
            "name": f"{title} viewed",
            "brand": brand,
            "event": "product_viewed",
            "channel": "sms",
            "template": f"{marker} saw {{{{ event.sku }}}}",
        },
    )
    dispatch_pending()
    relay_due()
    AttemptBlock.objects.create(register=register, attempts=21, codes=[f"{marker}GUESS"])
    contact_note_add(contact=shopper, store=store, text=f"{title} asked about the {marker} sale", user=None)

    # A stand with its promoter (staff of the brand, the promoter role) and a lead captured there.
    promoter = UserFactory(username=f"{marker.lower()}-promoter", is_staff=True)
    brand.managers.add(promoter)
    staff_user_set_roles(user=promoter, roles=["promoter"])
    stand = stand_save(
        stand=Stand(),
        data={
            "brand": brand,
            "name": f"{title} stand",
            "code": f"{marker}-stand",
            "event": f"{title} fair",
            "place": f"{title} hall",
            "promoters": [promoter],
            "welcome_points": Decimal("50"),
        },
    )
    lead = LeadInput(
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, marker),
        stand=stand.code,
        phone=f"{phone_prefix}{3:07d}",
        first_name=title,
        email=f"{marker.lower()}3@example.com",
        consent_terms=True,
        consent_marketing=True,
    )
    lead_capture(user=promoter, data=lead)

    till = pos_client(register)
    body = {
        "customer": {"card": card.number},
        "lines": [{"sku": product.sku, "quantity": "2", "price": "150.00"}],
        "promo_codes": [f"{marker}CODE2"],
        "redeem_points": "10.00",
        "receipt_number": f"{marker}-1",
    }
    confirmed = confirm(till, body, key=f"{marker}-key")
    assert confirmed.status_code == 201, confirmed.content
    purchase_id = confirmed.json()["purchase_id"]
    refunded = refund(till, purchase_id, {"lines": [{"index": 0, "quantity": "1"}]}, key=f"{marker}-refund")
    assert refunded.status_code == 200, refunded.content
    # The shopper bought: a member by the rules too (a stay, a `segment_entered` event); an event from the shop.
    segment_recompute(segment=buyers)
    # A survey of the buyers, with its invitation, the shopper's response (answers, a reward) and their events.
    poll = survey_save(
        survey=Survey(),
        data={"name": f"{title} survey", "brand": brand, "segment": buyers, "reward_points": 5},
        questions=[{"text": f"{title} or not?", "kind": "single", "options": [f"{title}", "Other"]}],
    )
    survey_invite(survey=poll)
    survey_respond(token=make_token(poll.pk, shopper.pk), answers=[{"question": 0, "value": 0}])
    posted = till.post(
        "/api/v1/events",
        {"events": [{"id": f"{marker}-E1", "type": "cart_abandoned", "contact": {"card": card.number}}]},
        format="json",
    )
    assert posted.status_code == 202, posted.content
    return BrandWorld(
        brand=brand,
        register=register,
        objects={"contact": shopper, "card": card, "family": family, "pool": pool, "campaign": campaign},
    )


def build_world() -> tuple[BrandWorld, BrandWorld]:
    """The manager's brand and the other brand (`ZEBRA`), each with one of everything."""
    mine = build_brand("MINE", phone_prefix="+7916", card_prefix="2111")
    theirs = build_brand(OTHER, phone_prefix="+7999", card_prefix="7999")
    licence_record(at=timezone.now())  # the day's licence use of each brand (and in all)
    summaries_refresh()  # the analytics' summaries of both brands' receipts and points
    return mine, theirs


def brand_manager(brand: Brand) -> Any:
    """A staff user limited to `brand` who holds every permission there is (roles cannot hide a leak then)."""
    user = UserFactory(username="walker", is_staff=True)
    user.user_permissions.add(*Permission.objects.all())
    brand.managers.add(user)
    return user


def other_day() -> Any:
    return timezone.now() - timedelta(days=1)
