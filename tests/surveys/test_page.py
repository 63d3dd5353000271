"""The page a personal link opens (`/s/<token>/`): the form, its errors, the thank-you screen with the reward, the
closed and invalid screens, in English and Russian, under the Content-Security-Policy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns.surveys.models import Response
from campaigns.surveys.services import survey_invite, survey_respond
from tests.factories import BrandFactory
from tests.surveys.support import ANSWERS, enrolled, points, survey, token

pytestmark = pytest.mark.django_db

FORM = {"q0": "1", "q1": ["0", "2"], "q2": "More stores", "q3": "5", "q4": "9"}


def invited():
    brand = BrandFactory()
    [contact] = enrolled(brand)
    saved = survey(brand)
    survey_invite(survey=saved)
    return brand, contact, saved, f"/s/{token(saved, contact)}/"


def test_the_page_shows_the_questions(client):
    # given
    _brand, _contact, _saved, link = invited()
    # when
    page = client.get(link)
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "Answer every question and get 50 points." in html
    assert html.count('<fieldset class="question') == 5
    assert 'type="checkbox" name="q1"' in html
    assert 'name="q4" value="10"' in " ".join(html.split())
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]
    assert "<script>" not in html  # nothing inline
    assert "style=" not in html


def test_answering_on_the_page_rewards_and_thanks(client):
    # given
    brand, contact, _saved, link = invited()
    # when
    posted = client.post(link, FORM)
    thanks = client.get(posted["Location"])
    # then
    assert posted.status_code == 302
    assert posted["Location"] == f"{link}?done=1"
    assert thanks.status_code == 200
    assert "Thank you for your answers!" in thanks.content.decode()
    assert "50 points have been added to your balance." in thanks.content.decode()
    assert points(brand, contact) == Decimal("50.00")


def test_a_form_with_questions_left_out_says_which(client):
    # given
    _brand, _contact, _saved, link = invited()
    # when
    page = client.post(link, {"q0": "1", "q2": "Fine"})
    # then
    html = page.content.decode()
    assert page.status_code == 400
    assert "3 questions need your attention." in html
    assert html.count("This question needs an answer.") == 3
    assert 'value="1" checked' in html  # what was chosen is kept
    assert ">Fine</textarea>" in html
    assert not Response.objects.exists()


def test_the_page_speaks_russian(client):
    # given
    _brand, _contact, _saved, link = invited()
    # when
    page = client.get(link + "?lang=ru")
    # then
    html = page.content.decode()
    assert '<html lang="ru">' in html
    with translation.override("ru"):
        assert gettext("Send answers") in html  # the catalogue's Russian (merged from the PO entries)


def test_a_second_visit_says_it_was_answered(client):
    # given
    _brand, contact, saved, link = invited()
    survey_respond(token=token(saved, contact), answers=ANSWERS)
    # when
    page = client.get(link)
    again = client.post(link, FORM)
    # then
    assert "You have already answered this survey" in page.content.decode()
    assert again.status_code == 200  # the answered screen, not a second response
    assert Response.objects.count() == 1


def test_a_closed_survey_says_so(client):
    # given
    _brand, _contact, saved, link = invited()
    saved.starts_at = timezone.now() + timedelta(days=1)
    saved.save()
    # when
    page = client.get(link)
    # then
    assert "This survey is closed" in page.content.decode()


def test_a_bad_link_is_not_found(client):
    page = client.get("/s/1.1:forged/")
    assert page.status_code == 404
    assert "This link is not valid" in page.content.decode()
