"""E-mail as sent (List-Unsubscribe, tracked links, the open pixel), the one-click unsubscribe page, tracking
redirects recorded as events, and the pages' language."""

import re

import pytest
from django.core import mail
from django.test import Client

from campaigns.messaging.links import loads, unsubscribe_url
from campaigns.messaging.models import Message
from contacts.models import ContactEvent, SubscriptionChange
from tests.factories import BrandFactory
from tests.messaging.support import dispatch_and_send, record, subscribed_contact, trigger

pytestmark = pytest.mark.django_db


def sent_email(
    template: str = '<p>Hello {{ contact.first_name }}! <a href="https://shop.example/sale?a=1&amp;b=2">Sale</a> '
    '<a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
):
    brand = BrandFactory()
    contact = subscribed_contact(brand, first_name="Olga")
    trigger(brand, channel="email", subject="News for {{ contact.first_name }}", template=template)
    record(contact, "purchase_confirmed", brand=brand)
    dispatch_and_send()
    return contact, Message.objects.get(), mail.outbox[-1]


def test_an_email_carries_the_unsubscribe_headers_tracked_links_and_the_pixel():
    contact, message, email = sent_email()

    assert message.status == "sent"
    assert email.subject == "News for Olga"
    assert email.to == [contact.email]
    assert re.fullmatch(r"<http://testserver/u/[^>]+/>", email.extra_headers["List-Unsubscribe"])
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.extra_headers["Message-ID"].startswith(f"<{message.key}@")
    html = email.alternatives[0][0]
    assert "https://shop.example/sale" not in html  # the link goes through the click redirect
    assert 'href="http://testserver/t/c/' in html
    assert '<img src="http://testserver/t/o/' in html
    assert "/u/" in html  # the unsubscribe link is left as it is
    assert "Hello Olga! Sale Unsubscribe" in email.body  # the text part


def test_a_plain_text_email_gets_an_html_part_with_the_pixel():
    _contact, _message, email = sent_email("Hello {{ contact.first_name }}, see https://shop.example/new")

    assert email.body == "Hello Olga, see https://shop.example/new"
    html = email.alternatives[0][0]
    assert "/t/c/" in html
    assert "/t/o/" in html


def test_the_open_pixel_records_one_open_event():
    contact, message, email = sent_email()
    pixel = re.search(r'<img src="http://testserver(/t/o/[^"]+)"', email.alternatives[0][0]).group(1)
    client = Client()

    first, second = client.get(pixel), client.get(pixel)

    assert (first.status_code, first["Content-Type"], second.status_code) == (200, "image/gif", 200)
    message.refresh_from_db()
    assert message.opened_at is not None
    opened = ContactEvent.objects.get(type="email_opened")
    assert (opened.contact_id, opened.data["message"], opened.brand_id) == (contact.pk, message.pk, message.brand_id)


def test_a_click_redirects_and_records_the_click_and_the_open():
    _contact, message, email = sent_email()
    link = re.search(r'href="http://testserver(/t/c/[^"]+)"', email.alternatives[0][0]).group(1)

    response = Client().get(link)

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/sale?a=1&b=2"
    message.refresh_from_db()
    assert (message.clicks, message.clicked_at is not None, message.opened_at is not None) == (1, True, True)
    clicked = ContactEvent.objects.get(type="email_clicked")
    assert clicked.data["url"] == "https://shop.example/sale?a=1&b=2"
    assert ContactEvent.objects.filter(type="email_opened").count() == 1


def test_a_forged_click_token_is_not_found():
    assert Client().get("/t/c/forged:token").status_code == 404
    assert Client().get("/t/o/forged").status_code == 200  # the pixel answers, records nothing
    assert ContactEvent.objects.count() == 0


def test_opening_the_unsubscribe_link_unsubscribes_and_records_the_change():
    contact = subscribed_contact(BrandFactory())
    url = unsubscribe_url(contact.pk, "email").removeprefix("http://testserver")

    response = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert b'data-state="unsubscribed"' in response.content
    contact.refresh_from_db()
    assert (contact.subscribed_email, contact.subscribed_sms) == (False, True)
    change = SubscriptionChange.objects.get(contact=contact)
    assert (change.channel, change.subscribed, change.source, change.user) == ("email", False, "unsubscribe_link", None)


def test_the_mail_clients_one_click_post_unsubscribes():
    contact = subscribed_contact(BrandFactory())
    url = unsubscribe_url(contact.pk, "sms").removeprefix("http://testserver")

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.subscribed_sms is False


def test_the_page_subscribes_again():
    contact = subscribed_contact(BrandFactory())
    url = unsubscribe_url(contact.pk, "email").removeprefix("http://testserver")
    client = Client()
    client.get(url)

    response = client.post(url, {"action": "resubscribe"})

    assert b'data-state="subscribed"' in response.content
    contact.refresh_from_db()
    assert contact.subscribed_email is True
    sources = list(
        SubscriptionChange.objects.filter(contact=contact).order_by("pk").values_list("source", "subscribed")
    )
    assert sources == [("unsubscribe_link", False), ("unsubscribe_page", True)]


def test_the_unsubscribe_page_in_russian_under_the_content_security_policy():
    contact = subscribed_contact(BrandFactory())
    url = unsubscribe_url(contact.pk, "email").removeprefix("http://testserver")

    response = Client().get(url + "?lang=ru")

    assert response.status_code == 200
    assert b'lang="ru"' in response.content
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert b"<style" not in response.content
    assert b"<script" not in response.content


def test_a_forged_unsubscribe_link_changes_nothing():
    contact = subscribed_contact(BrandFactory())
    token = unsubscribe_url(contact.pk, "email").rstrip("/").rsplit("/", 1)[1]
    assert loads("unsubscribe", token) == {"c": contact.pk, "ch": "email"}

    response = Client().get(f"/u/{token[:-2]}xx/")

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.subscribed_email is True
