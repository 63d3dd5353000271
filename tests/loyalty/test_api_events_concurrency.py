"""Two senders' batches racing with the same ids on PostgreSQL: each id stored once and counted once."""

import pytest
from django.conf import settings

from contacts.models import ContactEvent
from tests.concurrency import run_in_threads
from tests.loyalty.pos_support import make_shopper, make_till, pos_client

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="concurrent inserts need PostgreSQL",
    ),
]


def test_eight_clients_posting_the_same_ids_store_each_once(transactional_db):
    # given: the same 200 events, sent by eight clients of one register at once
    till = make_till()
    shopper = make_shopper(till)
    batch = {
        "events": [
            {"id": f"e-{n}", "type": "product_viewed", "contact": {"card": shopper.card.number}} for n in range(200)
        ]
    }

    # when
    def work(_index: int) -> dict:
        response = pos_client(till.register).post("/api/v1/events", batch, format="json")
        assert response.status_code == 202, response.content
        return response.json()

    answers = run_in_threads(8, work)

    # then
    assert sum(answer["accepted"] for answer in answers) == 200
    assert sum(answer["duplicates"] for answer in answers) == 7 * 200
    assert ContactEvent.objects.filter(origin=f"register:{till.register.pk}").count() == 200
