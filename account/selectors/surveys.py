"""The customer's open surveys (invited, not answered, open now), from the surveys app, with their pages' paths."""

from campaigns.surveys.selectors import OpenSurvey, surveys_open_for
from contacts.models import Contact

__all__ = ["OpenSurvey", "open_surveys"]


def open_surveys(*, contact: Contact) -> list[OpenSurvey]:
    """The surveys waiting for the contact, the earliest to end first."""
    return surveys_open_for(contact)
