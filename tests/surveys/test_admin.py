"""The surveys' admin: the builder (questions as ordered rows, checked as the API checks them), the invite action, the
results page with its charts, NPS score and text answers, and the exports."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.surveys.models import Invitation, Survey
from campaigns.surveys.services import survey_invite, survey_respond
from tests.factories import BrandFactory, UserFactory
from tests.surveys.support import ANSWERS, QUESTIONS, enrolled, survey, token

pytestmark = pytest.mark.django_db

PREFIX = "questions"


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


def builder_data(brand: Any, rows: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """The add page's form: the survey's fields and the question rows (position, text, kind, options per line)."""
    data: dict[str, Any] = {
        "name": "Quality survey",
        "brand": brand.pk,
        "segment": "",
        "reward_points": "25",
        "starts_at_0": "",
        "starts_at_1": "",
        "ends_at_0": "",
        "ends_at_1": "",
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": "0",
        f"{PREFIX}-MIN_NUM_FORMS": "0",
        f"{PREFIX}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{PREFIX}-{index}-position"] = row.get("position", "")
        data[f"{PREFIX}-{index}-text"] = row["text"]
        data[f"{PREFIX}-{index}-kind"] = row["kind"]
        data[f"{PREFIX}-{index}-options"] = "\n".join(row.get("options", []))
    return {**data, **changes}


def test_the_builder_saves_the_questions_in_the_order_of_their_numbers(admin_client_):
    # given: rows typed in one order, numbered in another
    brand = BrandFactory()
    rows = [
        {"position": "2", "text": "Would you recommend us?", "kind": "nps"},
        {"position": "1", "text": "Which?", "kind": "multiple", "options": ["Soap", "  ", "Cream"]},
        {"position": "", "text": "Anything else?", "kind": "text"},
    ]
    # when
    response = admin_client_.post(reverse("admin:surveys_survey_add"), builder_data(brand, rows))
    # then
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Survey.objects.get()
    assert (saved.name, saved.reward_points) == ("Quality survey", 25)
    assert [(q.position, q.text, q.kind, q.options) for q in saved.questions.all()] == [
        (0, "Which?", "multiple", ["Soap", "Cream"]),
        (1, "Would you recommend us?", "nps", []),
        (2, "Anything else?", "text", []),
    ]


def test_the_builder_refuses_a_choice_without_options_on_the_form(admin_client_):
    # given
    brand = BrandFactory()
    rows = [{"text": "Pick one", "kind": "single", "options": []}]
    # when
    response = admin_client_.post(reverse("admin:surveys_survey_add"), builder_data(brand, rows))
    # then
    assert response.status_code == 200
    assert "Give the options to choose from." in response.content.decode()
    assert not Survey.objects.exists()


def test_the_builder_refuses_a_survey_without_questions(admin_client_):
    response = admin_client_.post(reverse("admin:surveys_survey_add"), builder_data(BrandFactory(), []))
    assert response.status_code == 200
    assert "A survey has at least one question." in response.content.decode()
    assert not Survey.objects.exists()


def test_the_change_page_edits_the_survey_and_shows_its_figures(admin_client_):
    # given
    brand = BrandFactory()
    saved = survey(brand)
    enrolled(brand, 2)
    survey_invite(survey=saved)
    url = reverse("admin:surveys_survey_change", args=[saved.pk])
    # when
    page = admin_client_.get(url)
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-figure="invited">2<' in html
    assert "Where did you hear of us?" in html
    assert reverse("admin:surveys_survey_results", args=[saved.pk]) in html


def test_the_invite_action_invites_the_audience(admin_client_):
    # given
    brand = BrandFactory()
    saved = survey(brand)
    enrolled(brand, 3)
    # when
    response = admin_client_.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "invite_audiences", "_selected_action": [saved.pk]},
        follow=True,
    )
    # then
    assert "3 contacts invited." in response.content.decode()
    assert Invitation.objects.count() == 3


def test_the_invite_button_on_the_survey_page(admin_client_):
    # given
    brand = BrandFactory()
    saved = survey(brand)
    enrolled(brand, 1)
    # when
    url = reverse("admin:surveys_survey_invite_detail", args=[saved.pk])
    dialog = admin_client_.get(url)
    response = admin_client_.post(url, {"_form_submitted": "on"}, follow=True)
    # then
    assert dialog.status_code == 200  # the confirmation; nothing invited on GET
    assert response.status_code == 200
    assert "1 contact invited." in response.content.decode()


def test_the_results_page_draws_the_charts_and_lists_the_texts(admin_client_):
    # given
    brand = BrandFactory()
    saved = survey(brand)
    [contact] = enrolled(brand)
    survey_invite(survey=saved)
    survey_respond(token=token(saved, contact), answers=ANSWERS)
    # when
    page = admin_client_.get(reverse("admin:surveys_survey_results", args=[saved.pk]))
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="survey-charts-data"' in html
    assert "vendor/plotly/plotly.min.js" in html
    assert 'data-nps="100.0"' in html
    assert "More stores" in html
    assert html.count('class="survey-chart"') == 4  # every question but the text one
    assert reverse("admin:surveys_survey_results_xlsx", args=[saved.pk]) in html


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [("csv", "text/csv; charset=utf-8"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")],
)
def test_the_results_are_exported(admin_client_, fmt, kind):
    saved = survey(BrandFactory(), questions=QUESTIONS[:1])
    response = admin_client_.get(reverse(f"admin:surveys_survey_results_{fmt}", args=[saved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == kind


def test_the_csv_results_in_russian_are_semicolon_separated(admin_client_):
    saved = survey(BrandFactory(), questions=QUESTIONS[:1])

    response = admin_client_.get(
        reverse("admin:surveys_survey_results_csv", args=[saved.pk]), headers={"accept-language": "ru"}
    )

    assert response.content.startswith("\ufeff".encode())
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.count(";") == 4
    assert "," not in header


def test_a_brand_manager_cannot_open_another_brands_results():
    # given
    manager = UserFactory(username="limited", is_staff=True)
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="surveys"))
    BrandFactory(managers=[manager])
    theirs = survey(BrandFactory())
    client = Client()
    client.force_login(manager)
    # when
    page = client.get(reverse("admin:surveys_survey_results", args=[theirs.pk]))
    export = client.get(reverse("admin:surveys_survey_results_csv", args=[theirs.pk]))
    # then
    assert page.status_code == 404
    assert export.status_code == 404
