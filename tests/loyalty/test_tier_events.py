"""`tier_changed` from the changes that happen at no brand (set by hand, lapsed in the daily `tiers` job): one event
per brand of the program, in the change's transaction, none for another program's brands."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import ContactEvent
from loyalty.models import Tier
from loyalty.services.tiers import tier_set_manually
from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory, ProgramFactory, TierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = ProgramFactory()
    TierFactory(program=program, name="Bronze", min_spend=Decimal("0"), valid_days=365)
    TierFactory(program=program, name="Gold", min_spend=Decimal("1000"), valid_days=30)
    return program


def tier(program, name: str) -> Tier:
    return Tier.objects.get(program=program, name=name)


def tier_events(contact):
    return list(ContactEvent.objects.filter(contact=contact, type="tier_changed").order_by("brand_id"))


def test_a_tier_set_by_hand_tells_each_brand_of_the_program(program):
    # given: two brands share the program; a third brand is another program's
    first, second = BrandFactory(program=program), BrandFactory(program=program)
    BrandFactory()
    enrollment = EnrollmentFactory(contact=ContactFactory(), program=program, tier=tier(program, "Bronze"))

    # when
    tier_set_manually(enrollment=enrollment, tier=tier(program, "Gold"), user=UserFactory(is_staff=True))

    # then
    recorded = tier_events(enrollment.contact)
    assert [event.brand_id for event in recorded] == [first.pk, second.pk]
    assert recorded[0].data == {
        "from_tier": "Bronze",
        "from_tier_id": tier(program, "Bronze").pk,
        "to_tier": "Gold",
        "to_tier_id": tier(program, "Gold").pk,
        "tier": "Gold",
        "reason": "manual",
        "program": program.pk,
    }


def test_a_new_validity_of_the_same_tier_is_no_event(program):
    BrandFactory(program=program)
    enrollment = EnrollmentFactory(contact=ContactFactory(), program=program, tier=tier(program, "Gold"))

    tier_set_manually(enrollment=enrollment, tier=tier(program, "Gold"), valid_until=timezone.now() + timedelta(days=9))

    assert tier_events(enrollment.contact) == []


def test_the_tiers_job_records_a_lapsed_tier_and_twice_records_nothing_more(program):
    # given: Gold lapsed yesterday, no spend: back to Bronze
    brand = BrandFactory(program=program)
    now = timezone.now()
    enrollment = EnrollmentFactory(
        contact=ContactFactory(),
        program=program,
        tier=tier(program, "Gold"),
        tier_valid_until=now - timedelta(days=1),
    )

    # when
    call_command("run_job", "tiers", "--at", now.isoformat())
    call_command("run_job", "tiers", "--at", now.isoformat())

    # then
    (event,) = tier_events(enrollment.contact)
    assert (event.brand_id, event.at) == (brand.pk, now)
    assert (event.data["from_tier"], event.data["to_tier"], event.data["reason"]) == (
        "Gold",
        "Bronze",
        "validity lapsed",
    )
