"""The customer's open surveys, for the account page: those the surveys app says the contact was invited to, has not
answered and may answer now (`campaigns.surveys.selectors.surveys_open_for`), each with its personal page."""

from dataclasses import dataclass

from campaigns.surveys.selectors import surveys_open_for
from contacts.models import Contact


@dataclass
class OpenSurvey:
    name: str
    url: str


def open_surveys(*, contact: Contact) -> list[OpenSurvey]:
    """The surveys the contact is invited to and has not answered, open now, the earliest to end first."""
    return [OpenSurvey(name=survey.name, url=survey.path) for survey in surveys_open_for(contact)]
