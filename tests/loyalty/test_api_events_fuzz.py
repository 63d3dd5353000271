"""Property: no body posted to `POST /api/v1/events` makes the server answer 500, nor writes anything when refused."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import ContactEvent
from tests.loyalty.pos_support import make_shopper, make_till
from tests.test_api_fuzz import json_values, scalars

pytestmark = pytest.mark.django_db

contacts = st.one_of(
    st.dictionaries(st.sampled_from(["phone", "email", "card", "contact_id", "x"]), scalars, min_size=1, max_size=2),
    json_values,
)
events = st.one_of(
    st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(["product_viewed", "a.b_c", "Bad", ""]), scalars), "contact": contacts},
        optional={"id": scalars, "at": scalars, "sku": scalars, "data": json_values, "x": scalars},
    ),
    json_values,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_batches_never_cause_a_500(data):
    # given
    till = make_till()
    shopper = make_shopper(till)
    known = st.sampled_from(
        [{"card": shopper.card.number}, {"phone": shopper.contact.phone}, {"contact_id": shopper.contact.pk}]
    )
    batch = data.draw(
        st.one_of(
            st.fixed_dictionaries({"events": st.lists(events, max_size=5)}),
            st.fixed_dictionaries(
                {"events": st.lists(st.fixed_dictionaries({"type": st.just("product_viewed"), "contact": known}))}
            ),
            json_values,
        ),
        label="body",
    )
    raw = json.dumps(batch)
    before = ContactEvent.objects.count()

    # when
    response = till.client.post("/api/v1/events", data=raw, content_type="application/json")

    # then
    assert response.status_code in {202, 400}, (response.status_code, raw, response.content)
    if response.status_code == 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}
        assert ContactEvent.objects.count() == before
