"""The contact list fits a laptop's screen: the brands on one line as badges (the first two, "+N" for the others,
every name in the cell's title), the phone's and the e-mail's confirmation as a mark beside them instead of two
columns of their own (the filters still pick them)."""

import re

import pytest
from django.urls import reverse

from tests.factories import BrandFactory, ContactFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:contacts_contact_changelist")


def row_of(html: str, pk: int) -> str:
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?>{pk}</a>.*?</tr>", html, re.S)
    assert found is not None, pk
    return found.group(0)


def test_the_columns_are_the_name_brands_phone_email_city_source_and_date(admin_client):
    response = admin_client.get(URL)

    assert list(response.context["cl"].list_display) == [
        "action_checkbox",
        "id",
        "display_name",
        "brands",
        "phone_column",
        "email_column",
        "city",
        "source",
        "created_at",
    ]


def test_the_brands_are_badges_on_one_line_the_first_two_named_and_the_rest_counted(admin_client):
    # given a contact in four brands' programs, one in a single brand's
    brands = [BrandFactory(name=name) for name in ("Delta", "Alpha", "Charlie", "Bravo")]
    many, one = ContactFactory(), ContactFactory()
    for brand in brands:
        EnrollmentFactory(contact=many, program=brand.program)
    EnrollmentFactory(contact=one, program=brands[0].program)

    html = admin_client.get(URL).content.decode()

    many_cell = re.search(r'<div[^>]*data-brands="4"[^>]*>(.*?)</div>', html, re.S)
    assert many_cell is not None
    assert 'title="Alpha, Bravo, Charlie, Delta"' in many_cell.group(0)
    assert "whitespace-nowrap" in many_cell.group(0)
    assert re.findall(r"<span[^>]*>([^<]*)</span>", many_cell.group(1)) == ["Alpha", "Bravo", "+2"]
    one_cell = re.search(r'<div[^>]*data-brands="1"[^>]*>(.*?)</div>', html, re.S)
    assert one_cell is not None
    assert re.findall(r"<span[^>]*>([^<]*)</span>", one_cell.group(1)) == ["Delta"]


def test_a_confirmed_phone_or_email_has_a_mark_beside_it(admin_client):
    confirmed = ContactFactory(
        phone="+79161234567", email="vera@example.com", phone_confirmed=True, email_confirmed=True
    )
    unconfirmed = ContactFactory(phone="+79167654321", email="ivan@example.com")
    admin_client.cookies["django_language"] = "ru"

    html = admin_client.get(URL).content.decode()

    marks = re.findall(r'title="([^"]*)"[^>]*data-confirmed', row_of(html, confirmed.pk))
    assert marks == ["телефон подтверждён", "e-mail подтверждён"]
    assert "data-confirmed" not in row_of(html, unconfirmed.pk)
    assert "+79167654321" in row_of(html, unconfirmed.pk)


def test_the_confirmation_filters_still_work(admin_client):
    confirmed = ContactFactory(email="vera@example.com", email_confirmed=True)
    ContactFactory(email="ivan@example.com")

    response = admin_client.get(URL, {"email_confirmed__exact": "1"})

    assert [contact.pk for contact in response.context["cl"].result_list] == [confirmed.pk]
