"""Helpers of the survey tests: a brand with enrolled contacts, surveys saved through the service, the token of a
contact's link, answers to every question."""

from typing import Any

from campaigns.surveys.models import Survey
from campaigns.surveys.services import survey_save
from campaigns.surveys.tokens import make_token
from contacts.models import Contact
from loyalty.models import Brand
from loyalty.selectors import balance
from loyalty.services import ledger
from tests.factories import ContactFactory, EnrollmentFactory

# One question of each kind.
QUESTIONS: list[dict[str, Any]] = [
    {"text": "Where did you hear of us?", "kind": "single", "options": ["Friends", "Internet", "Store"]},
    {"text": "What do you buy?", "kind": "multiple", "options": ["Shampoo", "Soap", "Cream"]},
    {"text": "What should we improve?", "kind": "text", "options": []},
    {"text": "How was the service?", "kind": "rating", "options": []},
    {"text": "Would you recommend us?", "kind": "nps", "options": []},
]
# A right answer to each of QUESTIONS.
ANSWERS: list[dict[str, Any]] = [
    {"question": 0, "value": 1},
    {"question": 1, "value": [0, 2]},
    {"question": 2, "value": "More stores"},
    {"question": 3, "value": 5},
    {"question": 4, "value": 9},
]


def enrolled(brand: Brand, count: int = 1) -> list[Contact]:
    contacts = ContactFactory.create_batch(count)
    for contact in contacts:
        EnrollmentFactory(contact=contact, program=brand.program)
    return contacts


def survey(brand: Brand, *, questions: list[dict[str, Any]] | None = None, **fields: Any) -> Survey:
    data = {"name": "Service survey", "brand": brand, "reward_points": 50, **fields}
    return survey_save(survey=Survey(), data=data, questions=questions or QUESTIONS)


def token(survey: Survey, contact: Contact) -> str:
    return make_token(survey.pk, contact.pk)


def points(brand: Brand, contact: Contact) -> Any:
    """The contact's active points in the brand's program."""
    return balance(account=ledger.account_for(program=brand.program, contact=contact))["active"]
