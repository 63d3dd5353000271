"""The pages `/account/` and `/assistant/` through Django's test client: login by the code from the outbox, the
balance and card, blocking, subscriptions; the assistant finding a customer by card or phone within their brand,
the campaigns that apply, and a note kept."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from account.models import ContactNote, CustomerToken
from campaigns.messaging.choices import Purpose
from campaigns.messaging.models import Message
from loyalty.models import Card
from loyalty.services import ledger
from tests.account.support import account_brand, sent_code
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import UserFactory
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"


@pytest.fixture
def till():
    return make_till(brand=account_brand(name="Mine"))


@pytest.fixture
def shopper(till):
    shopper = make_shopper(till, phone=PHONE, first_name="Anna")
    ledger.accrue(account=shopper.account, points=Decimal("321"), at=timezone.now())
    return shopper


def page_login(client, phone: str = PHONE):
    client.post("/account/", {"action": "send", "phone": phone})
    return client.post("/account/", {"action": "login", "code": sent_code(phone)}, follow=True)


def test_the_login_page_asks_for_a_phone_then_the_code(client, shopper):
    # when
    first = client.get("/account/")
    sent = client.post("/account/", {"action": "send", "phone": "8 916 123 45 67"}, follow=True)

    # then
    assert 'name="phone"' in first.content.decode()
    assert 'autocomplete="one-time-code"' in sent.content.decode()
    assert Message.objects.filter(purpose=Purpose.LOGIN_CODE, to=PHONE).count() == 1


def test_a_customer_logs_in_and_sees_the_balance_and_card(client, shopper):
    # when
    page = page_login(client).content.decode()

    # then
    assert "321.00" in page
    assert shopper.card.number in page
    assert "data:image/svg+xml;base64," in page
    assert CustomerToken.objects.get(contact=shopper.contact).source == "site"
    assert "account_token" in client.session


def test_a_wrong_code_keeps_the_customer_out(client, shopper):
    client.post("/account/", {"action": "send", "phone": PHONE})
    wrong = "000000" if sent_code(PHONE) != "000000" else "111111"

    page = client.post("/account/", {"action": "login", "code": wrong}, follow=True).content.decode()

    assert "The code is wrong." in page
    assert not CustomerToken.objects.exists()


def test_too_many_codes_are_refused_politely(client, shopper):
    for _ in range(3):
        client.post("/account/", {"action": "send", "phone": PHONE})
        client.post("/account/", {"action": "other_phone"})

    page = client.post("/account/", {"action": "send", "phone": PHONE}, follow=True).content.decode()

    assert "Too many codes asked for" in page
    assert 'name="phone"' in page


def test_blocking_a_card_from_the_page(client, shopper):
    page_login(client)

    page = client.post("/account/", {"action": "block", "number": shopper.card.number}, follow=True).content.decode()

    assert Card.objects.get(pk=shopper.card.pk).status == "blocked"
    assert 'data-status="blocked"' in page


def test_another_card_cannot_be_blocked_from_the_page(client, shopper, till):
    other = make_shopper(till, phone="+79167654321")
    page_login(client)

    client.post("/account/", {"action": "block", "number": other.card.number})

    assert Card.objects.get(pk=other.card.pk).status == "active"


def test_subscriptions_and_details_are_saved(client, shopper):
    page_login(client)

    client.post("/account/", {"action": "subscriptions", "subscribed_email": "on"})
    client.post("/account/", {"action": "profile", "first_name": "Anya", "last_name": "", "birth_date": "1990-02-03"})

    shopper.contact.refresh_from_db()
    assert (shopper.contact.subscribed_email, shopper.contact.subscribed_sms) == (True, False)
    assert (shopper.contact.first_name, str(shopper.contact.birth_date)) == ("Anya", "1990-02-03")


def test_logging_out_revokes_the_token(client, shopper):
    page_login(client)

    page = client.post("/account/", {"action": "logout"}, follow=True).content.decode()

    assert 'name="phone"' in page
    assert CustomerToken.objects.get().revoked_at is not None


def test_the_page_speaks_russian(client, shopper):
    client.cookies["django_language"] = "ru"

    page = client.get("/account/").content.decode()

    assert '<html lang="ru">' in page


def test_wallet_buttons_are_hidden_without_configuration(client, shopper):
    page = page_login(client).content.decode()

    assert "Apple Wallet" not in page
    assert "Google Wallet" not in page
    assert client.get("/account/wallet/apple/").status_code == 302


# --- the assistant ---------------------------------------------------------------------------------------------------


def assistant(brand, username="assistant"):
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_contactnote"), Permission.objects.get(codename="view_contact")
    )
    brand.managers.add(user)
    return user


def test_the_assistant_page_needs_a_staff_login(client):
    answer = client.get("/assistant/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/")


def test_staff_without_the_assistant_permission_are_refused(client, till):
    user = UserFactory(username="analyst", is_staff=True)
    till.brand.managers.add(user)
    client.force_login(user)

    assert client.get("/assistant/").status_code == 403


def test_the_assistant_finds_a_customer_by_phone_and_sees_the_campaigns(client, till, shopper):
    # given: a campaign for everyone at the brand, one for another brand
    save_campaign(till.brand, name="Ten off for all")
    save_campaign(make_till().brand, name="Elsewhere")
    client.force_login(assistant(till.brand))

    # when
    page = client.get("/assistant/", {"q": "8 916 123-45-67"}).content.decode()

    # then
    assert "Anna" in page
    assert 'data-balance="active">321.00<' in page
    assert "Ten off for all" in page
    assert "Elsewhere" not in page


def test_the_assistant_finds_a_customer_by_card_and_keeps_a_note(client, till, shopper):
    user = assistant(till.brand)
    client.force_login(user)

    page = client.get("/assistant/", {"q": shopper.card.number}).content.decode()
    client.post(
        "/assistant/",
        {"store": till.store.pk, "q": shopper.card.number, "contact": shopper.contact.pk, "text": "Wants a gift card"},
    )
    again = client.get("/assistant/", {"q": shopper.card.number}).content.decode()

    assert "Anna" in page
    note = ContactNote.objects.get()
    assert (note.contact_id, note.brand_id, note.store_id, note.author_id) == (
        shopper.contact.pk,
        till.brand.pk,
        till.store.pk,
        user.pk,
    )
    assert "Wants a gift card" in again


def test_the_assistant_does_not_find_another_brands_customer(client, till, shopper):
    other_till = make_till(brand=account_brand(name="Theirs"))
    stranger = make_shopper(other_till, phone="+79165550000", first_name="Stranger")
    client.force_login(assistant(till.brand))

    by_phone = client.get("/assistant/", {"q": stranger.contact.phone}).content.decode()
    by_card = client.get("/assistant/", {"q": stranger.card.number}).content.decode()
    note = client.post("/assistant/", {"store": till.store.pk, "q": "x", "contact": stranger.contact.pk, "text": "hi"})

    assert "Stranger" not in by_phone
    assert 'data-problem="not_found"' in by_phone
    assert 'data-problem="not_found"' in by_card
    assert note.status_code == 200
    assert not ContactNote.objects.exists()


def test_a_blocked_card_is_said_to_be_blocked(client, till, shopper):
    shopper.card.status = "blocked"
    shopper.card.save()
    client.force_login(assistant(till.brand))

    page = client.get("/assistant/", {"q": shopper.card.number}).content.decode()

    assert 'data-problem="card_blocked"' in page
