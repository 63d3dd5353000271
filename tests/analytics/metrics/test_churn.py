"""The churn model on a synthetic history whose answer is known: loyal contacts buy every 10 days and browse;
churners slow down to a purchase a month and stop browsing for their last three months, then stop buying."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.metrics.churn import churn_train
from analytics.metrics.churn.features import FEATURES
from analytics.metrics.models import ChurnModel
from analytics.metrics.scores import churn_scores_write
from common.money import ZERO
from contacts.models import ContactEvent, ContactScore
from loyalty.models import Purchase
from tests.analytics.metrics.support import contact, shop

pytestmark = pytest.mark.django_db


def history(mine, person, at, *, until, every: int, slow_from=None, events=True):
    """Purchases every `every` days from 540 days before `at` to `until` (every 30 days from `slow_from`), and a
    product view every 5 days while fast."""
    day, purchases, views = at - timedelta(days=540), [], []
    while day < until:
        slow = slow_from is not None and day >= slow_from
        purchases.append(
            Purchase(
                register=mine.register,
                store=mine.register.store,
                brand=mine.brand,
                program=mine.brand.program,
                contact=person,
                receipt_number=f"{person.pk}-{len(purchases)}",
                at=day,
                base=Decimal("100"),
                discount=ZERO,
                total=Decimal("100"),
                redeemed_points=ZERO,
                payable=Decimal("100"),
                points=ZERO,
            )
        )
        if events and not slow:
            views += [
                ContactEvent(contact=person, type="product_viewed", at=day + timedelta(days=offset))
                for offset in (0, 5)
            ]
        day += timedelta(days=30 if slow else every)
    Purchase.objects.bulk_create(purchases)
    ContactEvent.objects.bulk_create(views)


@pytest.fixture
def synthetic():
    mine, at = shop(), timezone.now()
    first_cutoff, second_cutoff = at - timedelta(days=180), at - timedelta(days=90)
    loyal, churners = [], []
    for _n in range(30):
        person = contact()
        history(mine, person, at, until=at, every=10)
        loyal.append(person.pk)
    for cutoff in (first_cutoff, second_cutoff):
        for _n in range(15):
            person = contact()
            history(
                mine, person, at, until=cutoff - timedelta(days=19), every=10, slow_from=cutoff - timedelta(days=110)
            )
            churners.append(person.pk)
    return at, loyal, churners


def test_a_clearly_separable_history_gives_a_high_auc_and_risks_that_rank_right(synthetic):
    at, loyal, churners = synthetic

    model = churn_train(at=at)
    scored = churn_scores_write(model=model, at=at)

    assert model.status == "trained"
    assert model.training_contacts == 60
    assert model.training_churned == 15
    assert model.validation_contacts == 60
    assert model.validation_churned == 30
    assert model.auc >= 0.95
    assert [feature["name"] for feature in model.features] == list(FEATURES)
    assert scored == 60
    risks = dict(ContactScore.objects.values_list("contact_id", "churn_risk"))
    assert max(risks[pk] for pk in loyal) < min(risks[pk] for pk in churners)
    assert all(Decimal("0") <= risk <= Decimal("1") for risk in risks.values())


def test_the_analytics_job_trains_and_scores_and_says_so(synthetic):
    at, _loyal, _churners = synthetic

    call_command("run_job", "analytics", "--at", at.isoformat())

    model = ChurnModel.objects.get()
    assert model.scored_contacts == 60
    assert ContactScore.objects.filter(churn_risk__isnull=False).count() == 60
    assert ContactScore.objects.exclude(rfm="").count() == 60  # everyone bought in the last year


def test_without_enough_history_the_model_says_why_and_scores_nobody():
    at = timezone.now()
    mine = shop()
    history(mine, contact(), at, until=at, every=10)

    model = churn_train(at=at)

    assert model.status == "skipped"
    assert "at least 20 contacts" in model.note
    assert model.auc is None
