"""The customer's open surveys in the account (the surveys app's selector): invited and not answered, with the
personal page's link; gone once answered."""

from decimal import Decimal

import pytest

from campaigns.surveys.models import Survey
from campaigns.surveys.services import survey_invite, survey_respond, survey_save
from campaigns.surveys.tokens import make_token
from tests.account.support import API, account_brand, customer_client, log_in, sent_code
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


def test_an_invited_customer_sees_the_open_survey_until_answering_it(api_client, client):
    # given: the brand's survey (its audience: everyone enrolled in the program), invited
    till = make_till(brand=account_brand(name="Fresh"))
    shopper = make_shopper(till, phone=PHONE)
    survey = survey_save(
        survey=Survey(),
        data={"name": "How was your visit?", "brand": till.brand, "reward_points": Decimal("20")},
        questions=[{"text": "Rate us", "kind": "rating", "options": []}],
    )
    survey_invite(survey=survey)
    me = customer_client(log_in(api_client, PHONE))

    # when
    listed = me.get(f"{API}/me").json()["surveys"]
    client.post("/account/", {"action": "send", "phone": PHONE})
    page = client.post("/account/", {"action": "login", "code": sent_code(PHONE)}, follow=True).content.decode()
    survey_respond(token=make_token(survey.pk, shopper.contact.pk), answers=[{"question": 0, "value": 5}])
    after = me.get(f"{API}/me").json()["surveys"]

    # then
    [open_survey] = listed
    assert (open_survey["id"], open_survey["name"], open_survey["brand"]) == (survey.pk, "How was your visit?", "Fresh")
    assert open_survey["reward_points"] == "20.00"
    assert "/s/" in open_survey["url"]
    assert "How was your visit?" in page
    assert after == []
