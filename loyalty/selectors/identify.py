"""Finding many contacts at once by how a sender names them (card, phone, e-mail, contact id): the events API's
batches. One query per kind of key, whatever the batch's size.

A register finds contacts as the till does: a card of its program (a blocked one is refused), a phone or an e-mail of
anyone (the customer gave it), a contact id only of a contact enrolled in its program (ids are sequential and must
not be walkable). A staff user finds only the contacts they may see (`Contact.objects.for_user`).
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from contacts.models import Contact
from contacts.normalize import normalize_email, normalize_phone
from loyalty.choices import CardStatus
from loyalty.models import Card, Enrollment, Register

NOT_FOUND = "customer_not_found"
CARD_BLOCKED = "card_blocked"


def _normalized(kind: str, value: str) -> str | None:
    try:
        return normalize_phone(value) if kind == "phone" else normalize_email(value)
    except ValidationError:
        return None


def contacts_identify(
    keys: Iterable[tuple[str, str | int]], *, register: Register | None = None, user: Any = None
) -> list[int | str]:
    """For each `(kind, value)` the contact's id, or why not (`customer_not_found`, `card_blocked`), in order."""
    keys = list(keys)
    program_id = register.store.brand.program_id if register is not None else None
    visible = Contact.objects.all() if register is not None else Contact.objects.for_user(user)
    wanted: dict[str, set[Any]] = {"card": set(), "phone": set(), "email": set(), "contact_id": set()}
    normal: list[Any] = []
    for kind, value in keys:
        found: Any
        if kind in ("phone", "email"):
            found = _normalized(kind, str(value))
        elif kind == "card":
            found = str(value).strip() or None
        else:
            found = value
        normal.append(found)
        if found is not None:
            wanted[kind].add(found)
    answers: dict[str, dict[Any, int | str]] = {kind: {} for kind in wanted}
    if wanted["card"]:
        cards = Card.objects.filter(number__in=wanted["card"], contact_id__isnull=False)
        if program_id is not None:
            cards = cards.filter(card_type__program_id=program_id)
        else:
            cards = cards.filter(contact_id__in=visible.values("pk"))
        for number, contact_id, status in cards.values_list("number", "contact_id", "status"):
            answers["card"][number] = CARD_BLOCKED if status == CardStatus.BLOCKED else contact_id
    if wanted["phone"]:
        answers["phone"] = dict(visible.filter(phone__in=wanted["phone"]).values_list("phone", "pk"))
    if wanted["email"]:
        # An e-mail may be shared (a family's): the earliest contact with it.
        for email, pk in visible.filter(email__in=wanted["email"]).order_by("-pk").values_list("email", "pk"):
            answers["email"][email] = pk
    if wanted["contact_id"]:
        if program_id is not None:
            ids = Enrollment.objects.filter(program_id=program_id, contact_id__in=wanted["contact_id"]).values_list(
                "contact_id", flat=True
            )
        else:
            ids = visible.filter(pk__in=wanted["contact_id"]).values_list("pk", flat=True)
        answers["contact_id"] = {pk: pk for pk in ids}
    return [
        answers[kind].get(found, NOT_FOUND) if found is not None else NOT_FOUND
        for (kind, _value), found in zip(keys, normal, strict=True)
    ]
