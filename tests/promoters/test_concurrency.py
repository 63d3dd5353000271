"""Leads racing on PostgreSQL: the same client id sent at once makes one lead; the same new phone, one contact."""

import pytest
from django.conf import settings

from contacts.models import Contact
from loyalty.choices import EntryKind
from loyalty.models import Card, LedgerEntry
from promoters.models import Lead
from tests.concurrency import run_in_threads
from tests.conftest import token_client
from tests.promoters.support import brand_with_cards, lead_body, promoter, stand

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent inserts need PostgreSQL",
    ),
]


@pytest.fixture
def person(transactional_db):
    brand = brand_with_cards()
    user = promoter(brand)
    stand(brand, promoters=[user])
    return user


def test_the_same_client_id_sent_eight_times_at_once_makes_one_lead(person):
    # given
    body = lead_body()

    # when
    def work(_index: int) -> tuple[int, dict]:
        response = token_client(person).post("/api/v1/leads", body, format="json")
        return response.status_code, response.json()

    answers = run_in_threads(8, work)

    # then: every sender hears the one answer
    assert [status for status, _body in answers] == [201] * 8, answers
    assert len({tuple(sorted(body.items())) for _status, body in answers}) == 1
    assert Lead.objects.count() == 1
    assert Contact.objects.count() == 1
    assert Card.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.REWARD).count() == 1


def test_one_new_phone_in_leads_with_different_ids_at_once_is_one_contact(person):
    # when: six tablets register the same visitor at once
    def work(_index: int) -> tuple[int, dict]:
        response = token_client(person).post("/api/v1/leads", lead_body(), format="json")
        return response.status_code, response.json()

    answers = run_in_threads(6, work)

    # then: six leads, one contact with one card, joined once (one welcome reward), one of them `created`
    assert [status for status, _body in answers] == [201] * 6, answers
    assert Lead.objects.count() == 6
    assert Contact.objects.count() == 1
    assert Card.objects.count() == 1
    assert sorted(body["created"] for _status, body in answers) == [False] * 5 + [True]
    assert LedgerEntry.objects.filter(kind=EntryKind.REWARD).count() == 1
