"""A tier set by hand (`tier_set_manually`): the enrollment locked, a `TierChange` with the reason "manual" and its
author, the validity from the tier or the date given; the admin's enrollment page saves through it, and the API
shows the tier it set."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from loyalty.choices import TierChangeReason
from loyalty.models import Enrollment, Tier, TierChange
from loyalty.services.tiers import tier_evaluate, tier_set_manually
from tests.concurrency import while_open
from tests.factories import ContactFactory, EnrollmentFactory, ProgramFactory, TierFactory, UserFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = ProgramFactory()
    TierFactory(program=program, name="Bronze", valid_days=365)
    TierFactory(program=program, name="Gold", valid_days=30)
    return program


@pytest.fixture
def enrollment(program):
    return EnrollmentFactory(contact=ContactFactory(), program=program)


def tier(program, name: str) -> Tier:
    return Tier.objects.get(program=program, name=name)


def admin_post(client, enrollment: Enrollment, tier_id, valid_until: str = "") -> object:
    """The enrollment's admin page posted with a tier and a date (`YYYY-MM-DD HH:MM`, empty: none)."""
    day, _space, hour = valid_until.partition(" ")
    data = {"tier": tier_id or "", "tier_valid_until_0": day, "tier_valid_until_1": hour}
    return client.post(reverse("admin:loyalty_enrollment_change", args=[enrollment.pk]), data)


def changes(enrollment: Enrollment) -> list[tuple]:
    return list(
        TierChange.objects.filter(enrollment=enrollment)
        .order_by("pk")
        .values_list("from_tier__name", "to_tier__name", "reason", "created_by__username")
    )


def test_a_tier_set_in_the_admin_writes_a_manual_tier_change_and_the_api_shows_it(
    admin_client, admin_user, superuser_client, program, enrollment
):
    # given
    gold = tier(program, "Gold")
    before = timezone.now()

    # when: no date given
    response = admin_post(admin_client, enrollment, gold.pk)

    # then: valid for the tier's 30 days from now, the change recorded with its author
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.tier == gold
    assert before + timedelta(days=30) <= enrollment.tier_valid_until <= timezone.now() + timedelta(days=30)
    assert changes(enrollment) == [(None, "Gold", "manual", admin_user.username)]
    assert superuser_client.get(url("contacts", enrollment.contact_id)).json()["tier"] == "Gold"


def test_the_date_given_in_the_admin_is_the_validity(admin_client, program, enrollment):
    # when
    response = admin_post(admin_client, enrollment, tier(program, "Gold").pk, "2099-05-01 10:00")

    # then
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert timezone.localtime(enrollment.tier_valid_until).strftime("%Y-%m-%d %H:%M") == "2099-05-01 10:00"


def test_a_new_date_for_the_same_tier_is_not_a_tier_change(admin_client, program, enrollment):
    # given
    tier_set_manually(enrollment=enrollment, tier=tier(program, "Gold"))

    # when
    response = admin_post(admin_client, enrollment, tier(program, "Gold").pk, "2099-05-01 10:00")

    # then
    assert response.status_code == 302
    assert changes(enrollment) == [(None, "Gold", "manual", None)]


def test_taking_the_tier_away_by_hand_is_a_change_to_no_tier(admin_client, admin_user, program, enrollment):
    # given
    tier_set_manually(enrollment=enrollment, tier=tier(program, "Bronze"), user=admin_user)

    # when
    response = admin_post(admin_client, enrollment, None)

    # then
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.tier, enrollment.tier_valid_until) == (None, None)
    assert changes(enrollment) == [(None, "Bronze", "manual", "admin"), ("Bronze", None, "manual", "admin")]


@pytest.mark.parametrize(
    ("other_program", "valid_until", "errors"),
    [
        (True, "", {"tier": ["The tier belongs to another program."]}),
        (False, "2000-01-01 10:00", {"tier_valid_until": ["The tier's validity must end in the future."]}),
    ],
    ids=["tier-of-another-program", "date-in-the-past"],
)
def test_the_admin_shows_the_services_refusal_on_the_form(
    admin_client, program, enrollment, other_program, valid_until, errors
):
    # given
    chosen = TierFactory(name="Theirs") if other_program else tier(program, "Gold")

    # when
    response = admin_post(admin_client, enrollment, chosen.pk, valid_until)

    # then
    assert response.status_code == 200
    assert {field: list(messages) for field, messages in response.context["adminform"].form.errors.items()} == errors
    enrollment.refresh_from_db()
    assert enrollment.tier is None
    assert not TierChange.objects.exists()


def test_a_new_enrollment_with_a_tier_in_the_admin_records_the_change(admin_client, admin_user, program):
    # given
    contact = ContactFactory()

    # when
    response = admin_client.post(
        reverse("admin:loyalty_enrollment_add"),
        {"contact": contact.pk, "program": program.pk, "tier": tier(program, "Bronze").pk},
    )

    # then
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(contact=contact)
    assert changes(enrollment) == [(None, "Bronze", "manual", admin_user.username)]


def test_the_reason_is_shown_by_its_label(admin_client, admin_user, program, enrollment):
    # given
    tier_set_manually(enrollment=enrollment, tier=tier(program, "Gold"), user=admin_user)

    # when
    listed = admin_client.get(reverse("admin:loyalty_tierchange_changelist")).content.decode()
    contact_page = admin_client.get(reverse("admin:contacts_contact_change", args=[enrollment.contact_id]))

    # then
    assert TierChange.objects.get().get_reason_display() == "set by hand"
    assert "set by hand" in listed
    assert "set by hand" in contact_page.content.decode()
    assert str(TierChangeReason.MANUAL.label) == "set by hand"


POSTGRES_ONLY = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="row locks need PostgreSQL"
)


@POSTGRES_ONLY
def test_a_manual_change_waits_for_the_enrollment_lock(transactional_db):
    # given: a transaction holds the enrollment's row (as a purchase's re-evaluation does) and moves it to Bronze
    program = ProgramFactory()
    bronze = TierFactory(program=program, name="Bronze")
    gold = TierFactory(program=program, name="Gold")
    enrollment = EnrollmentFactory(program=program)
    user = UserFactory(is_staff=True)

    # when: staff set Gold meanwhile
    waited = while_open(
        lambda: tier_set_manually(enrollment=enrollment, tier=bronze),
        lambda: tier_set_manually(enrollment=enrollment, tier=gold, user=user),
    )

    # then: the change waited for the lock and starts from the tier the other transaction wrote
    assert waited
    assert changes(enrollment) == [(None, "Bronze", "manual", None), ("Bronze", "Gold", "manual", user.username)]


@POSTGRES_ONLY
def test_a_purchase_evaluation_that_waited_for_a_manual_change_keeps_the_manual_tier(transactional_db):
    # given: staff are setting Gold by hand; the contact's spend qualifies for Bronze only
    program = ProgramFactory()
    TierFactory(program=program, name="Bronze", min_spend=Decimal("0"))
    gold = TierFactory(program=program, name="Gold", min_spend=Decimal("1000"))
    enrollment = EnrollmentFactory(program=program)

    # when: a purchase re-evaluates the tier before the manual change is committed
    waited = while_open(
        lambda: tier_set_manually(enrollment=enrollment, tier=gold),
        lambda: tier_evaluate(enrollment=enrollment, at=timezone.now()),
    )

    # then: it waited, saw Gold, still valid, and kept it (a lower tier is not given before the validity lapses)
    assert waited
    enrollment.refresh_from_db()
    assert enrollment.tier == gold
    assert changes(enrollment) == [(None, "Gold", "manual", None)]
