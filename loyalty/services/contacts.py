"""Registering a contact in the programs: the contacts service plus enrollment and a first card."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from common.scoping import user_scope
from contacts.models import Contact
from contacts.services import contact_create
from loyalty.models import Program
from loyalty.services.cards import card_issue, enrollment_ensure


def programs_for_user(user: Any) -> list[Program]:
    return list(Program.objects.for_user(user).order_by("pk"))


def _resolve_program(*, program: Program | None, issue_card: bool, user: Any) -> Program | None:
    if program is not None:
        return program
    limited = not user_scope(user).unlimited
    if not issue_card and not limited:
        return None
    programs = programs_for_user(user)
    if len(programs) == 1:
        return programs[0]
    raise InvalidInput(
        _("Choose the program: there is more than one."),
        fields={"program": [_("This field is required when there is more than one program.")]},
    )


@transaction.atomic
def contact_register(
    *,
    data: dict[str, Any],
    program: Program | None = None,
    issue_card: bool = False,
    user: Any = None,
    source: str | None = None,
) -> Contact:
    """Create a contact, enroll it in the program (given, or the only one) and bind a new card if asked."""
    program = _resolve_program(program=program, issue_card=issue_card, user=user)
    contact = contact_create(data=data, user=user, source=source)
    if program is not None:
        enrollment_ensure(contact=contact, program=program)
        if issue_card:
            card_issue(contact=contact, program=program)
    return contact


@transaction.atomic
def contact_issue_card(*, contact: Contact, program: Program | None, user: Any = None) -> Contact:
    """Bind a new card of the program to an existing contact."""
    program = _resolve_program(program=program, issue_card=True, user=user)
    assert program is not None
    card_issue(contact=contact, program=program)
    return contact
