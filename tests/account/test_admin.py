"""The conversation notes in the admin: read-only, a brand manager sees their brand's only, found by phone or card."""

import pytest
from django.contrib.auth.models import Permission

from account.services.notes import contact_note_add
from tests.account.support import account_brand
from tests.factories import UserFactory
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/account/contactnote/"


@pytest.fixture
def world():
    mine, theirs = make_till(brand=account_brand(name="Mine")), make_till(brand=account_brand(name="Theirs"))
    anna = make_shopper(mine, phone="+79161234567")
    boris = make_shopper(mine, phone="+79161234568")
    contact_note_add(contact=anna.contact, store=mine.store, text="Anna asked about gift cards", user=None)
    contact_note_add(contact=boris.contact, store=mine.store, text="Boris lost his card", user=None)
    contact_note_add(contact=anna.contact, store=theirs.store, text="Secret of the other brand", user=None)
    manager = UserFactory(username="notes-manager", is_staff=True)
    manager.user_permissions.add(*Permission.objects.filter(codename__in=["view_contactnote", "add_contactnote"]))
    mine.brand.managers.add(manager)
    return {"manager": manager, "anna": anna}


def test_a_brand_manager_lists_and_finds_their_brands_notes(client, world):
    client.force_login(world["manager"])

    listed = client.get(CHANGELIST).content.decode()
    by_phone = client.get(CHANGELIST, {"q": "8 916 123-45-67"}).content.decode()
    by_card = client.get(CHANGELIST, {"q": world["anna"].card.number}).content.decode()
    nothing = client.get(CHANGELIST, {"q": "nobody"}).content.decode()

    assert "Anna asked about gift cards" in listed
    assert "Boris lost his card" in listed
    assert "Secret of the other brand" not in listed
    assert "Anna asked about gift cards" in by_phone
    assert "Boris lost his card" not in by_phone
    assert "Anna asked about gift cards" in by_card
    assert "Secret of the other brand" not in by_card
    assert "Anna asked" not in nothing


def test_notes_are_read_only_in_the_admin(client, world):
    client.force_login(world["manager"])

    assert client.get(f"{CHANGELIST}add/").status_code == 403
