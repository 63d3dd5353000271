"""`manage.py seed_demo` seeds the promoters' part: a stand per brand, open now, with the demo promoter on each and
the demo manager on their brand's, and a welcome SMS on `lead_captured`; a lead there is welcomed; a second run
changes nothing."""

import pytest
from django.contrib.auth import get_user_model

from campaigns.messaging.models import Message, Trigger
from demo.data import MANAGER_BRAND
from demo.promoters import PROMOTER_USERNAME
from loyalty.models import Brand
from promoters.models import Stand
from tests.conftest import token_client
from tests.demo.seeding import seed
from tests.messaging.support import dispatch_and_send
from tests.promoters.support import lead_body

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_a_stand_and_a_welcome_trigger_per_brand_that_work():
    # when
    output = seed()

    # then
    users = get_user_model().objects
    promoter, manager = users.get(username=PROMOTER_USERNAME), users.get(username="manager")
    for brand in Brand.objects.all():
        stand = Stand.objects.get(brand=brand)
        people = set(stand.promoters.values_list("username", flat=True))
        assert people == ({"promoter", "manager"} if brand.name == MANAGER_BRAND else {"promoter"})
        assert Trigger.objects.filter(brand=brand, event="lead_captured", channel="sms").count() == 1
        assert f"/promo/{stand.code}/" in output
    # a lead at the manager's brand's stand, by the manager: a contact, a card, the welcome SMS sent
    code = Stand.objects.get(brand__name=MANAGER_BRAND).code
    response = token_client(manager).post("/api/v1/leads", lead_body(code, phone="+79035550101"), format="json")
    assert response.status_code == 201, response.content
    dispatch_and_send()
    message = Message.objects.get(event="lead_captured", contact_id=response.json()["contact_id"])
    assert message.status == "sent"
    assert message.body.startswith("Anna, добро пожаловать")
    # the manager stands only at their brand's stand; the promoter at every one
    other = Stand.objects.exclude(brand__name=MANAGER_BRAND).first()
    assert token_client(manager).post("/api/v1/leads", lead_body(other.code), format="json").status_code == 403
    assert token_client(promoter).post("/api/v1/leads", lead_body(other.code), format="json").status_code == 201

    # and a second run changes nothing
    seed()
    assert Stand.objects.count() == Brand.objects.count()
    assert Trigger.objects.filter(event="lead_captured").count() == Brand.objects.count()
