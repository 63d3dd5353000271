"""`GET /surveys/{id}/results`: counts per option or value, text answers, the NPS score; as CSV and XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from account.selectors.surveys import open_surveys
from campaigns.surveys.selectors import nps_score, surveys_open_for
from campaigns.surveys.services import survey_invite, survey_respond
from tests.factories import BrandFactory
from tests.helpers import assert_error, url
from tests.surveys.support import ANSWERS, enrolled, survey, token

pytestmark = pytest.mark.django_db


def answered(count: int = 3) -> tuple:
    """A survey answered by `count` contacts: single 1,0,1…; multiple [0,2],[1],…; NPS 9, 5, 10."""
    brand = BrandFactory()
    contacts = enrolled(brand, count)
    saved = survey(brand)
    survey_invite(survey=saved)
    variants = [
        {0: 1, 1: [0, 2], 2: "More stores", 3: 5, 4: 9},
        {0: 0, 1: [1], 2: '=HYPERLINK("http://x")', 3: 3, 4: 5},
        {0: 1, 1: [2], 2: "Цены", 3: 4, 4: 10},
    ]
    for contact, values in zip(contacts, variants, strict=False):
        answers = [{"question": index, "value": value} for index, value in values.items()]
        survey_respond(token=token(saved, contact), answers=answers)
    return brand, saved, contacts


def test_results_count_each_option_and_value_and_score_the_nps(superuser_client):
    # given
    _brand, saved, _contacts = answered()
    # when
    response = superuser_client.get(url("surveys", saved.pk, action="results"))
    # then
    assert response.status_code == 200, response.content
    results = response.json()
    assert results["responses"] == 3
    single, multiple, text, rating, nps = results["questions"]
    assert single["counts"] == {"0": 1, "1": 2, "2": 0}
    assert single["options"] == ["Friends", "Internet", "Store"]
    assert multiple["counts"] == {"0": 1, "1": 1, "2": 2}
    assert text["answers"] == ["More stores", '=HYPERLINK("http://x")', "Цены"]
    assert text["answers_count"] == 3
    assert rating["counts"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert rating["average"] == 4.0
    assert nps["counts"] == {str(value): {5: 1, 9: 1, 10: 1}.get(value, 0) for value in range(11)}
    # 2 promoters of 3 (66.67 %) − 1 detractor of 3 (33.33 %)
    assert (nps["score"], nps["promoters"], nps["passives"], nps["detractors"]) == (33.33, 2, 0, 1)


def test_results_of_a_survey_not_answered_yet(superuser_client):
    saved = survey(BrandFactory())
    nps = superuser_client.get(url("surveys", saved.pk, action="results")).json()["questions"][4]
    assert nps["score"] is None
    assert set(nps["counts"].values()) == {0}


@pytest.mark.parametrize(
    ("counts", "score"),
    [({10: 3}, 100.0), ({0: 1, 6: 1}, -100.0), ({7: 2, 8: 1}, 0.0), ({9: 1, 7: 1, 3: 1}, 0.0), ({9: 2, 8: 1}, 66.67)],
)
def test_the_nps_score_is_promoters_less_detractors_in_percent(counts, score):
    assert nps_score(counts) == score


def test_results_as_csv(superuser_client):
    # given
    _brand, saved, _contacts = answered()
    # when
    response = superuser_client.get(url("surveys", saved.pk, action="results"), {"format": "csv"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="survey-{saved.pk}-results.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["question", "text", "kind", "answer", "count"]
    assert rows[1] == ["1", "Where did you hear of us?", "single", "Friends", "1"]
    assert ["3", "What should we improve?", "text", '\'=HYPERLINK("http://x")', "1"] in rows  # never a formula
    assert ["5", "Would you recommend us?", "nps", "NPS score", "33.33"] in rows
    assert ["4", "How was the service?", "rating", "average", "4.0"] in rows


def test_results_as_xlsx(superuser_client):
    # given
    _brand, saved, _contacts = answered()
    # when
    response = superuser_client.get(url("surveys", saved.pk, action="results"), {"format": "xlsx"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["question", "text", "kind", "answer", "count"]
    assert [3, "What should we improve?", "text", "Цены", 1] in rows
    assert [5, "Would you recommend us?", "nps", "NPS score", 33.33] in rows


def test_results_of_another_brands_survey_are_not_found(manager_client, manager):
    # given: the manager may view surveys, in their brand only
    from django.contrib.auth.models import Permission

    manager.user_permissions.add(*Permission.objects.filter(content_type__app_label="surveys"))
    _brand, saved, _contacts = answered(1)
    # when
    response = manager_client.get(url("surveys", saved.pk, action="results"), {"format": "csv"})
    # then
    assert_error(response, 404, "not_found")


def test_a_contacts_open_surveys_are_those_invited_not_answered_and_open():
    # given: invited to two, answered one
    brand = BrandFactory()
    [contact] = enrolled(brand)
    done, still = survey(brand, name="Done"), survey(brand, name="Still open", reward_points=20)
    for saved in (done, still):
        survey_invite(survey=saved)
    survey_respond(token=token(done, contact), answers=ANSWERS)
    # when
    found = surveys_open_for(contact)
    # then
    assert [(item.survey_id, item.name, item.path) for item in found] == [
        (still.pk, "Still open", f"/s/{token(still, contact)}/")
    ]
    assert str(found[0].reward_points) == "20.00"


def test_the_personal_account_lists_the_open_surveys_with_their_pages():
    # given
    brand = BrandFactory()
    [contact] = enrolled(brand)
    saved = survey(brand, name="Tell us")
    survey_invite(survey=saved)
    # when
    found = open_surveys(contact=contact)
    # then
    assert [(item.name, item.path) for item in found] == [("Tell us", f"/s/{token(saved, contact)}/")]
