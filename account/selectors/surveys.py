"""The customer's open surveys, for the account page.

TODO(issue 12, surveys): the surveys app (campaigns/surveys/) gives a selector of a contact's open surveys with
their personal links; it is not in the tree yet, so the account shows none. Replace the body with a call to it.
"""

from dataclasses import dataclass

from contacts.models import Contact


@dataclass
class OpenSurvey:
    name: str
    url: str


def open_surveys(*, contact: Contact) -> list[OpenSurvey]:
    """The surveys the contact is invited to and has not answered (none until the surveys app is in)."""
    return []
