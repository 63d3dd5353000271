"""Card numbers, issuing and binding cards, and enrolling contacts in programs."""

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from contacts.models import Contact
from loyalty.choices import CardStatus
from loyalty.models import Card, CardType, Enrollment, Program


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit for a string of digits."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


def card_number(card_type: CardType, serial: int) -> str:
    """prefix + zero-padded serial + check digit, `number_length` digits in all."""
    width = card_type.number_length - len(card_type.number_prefix) - 1
    body = str(serial)
    if len(body) > width:
        raise InvalidInput(_("The card type has run out of numbers."), code="card_numbers_exhausted")
    payload = card_type.number_prefix + body.zfill(width)
    return payload + luhn_check_digit(payload)


def card_numbers_reserve(*, card_type: CardType, count: int) -> list[str]:
    """Reserve `count` fresh numbers of a card type; the counter moves under a row lock."""
    with transaction.atomic():
        locked = CardType.objects.select_for_update().get(pk=card_type.pk)
        first = locked.next_serial
        CardType.objects.filter(pk=card_type.pk).update(next_serial=F("next_serial") + count)
    card_type.next_serial = first + count
    return [card_number(locked, serial) for serial in range(first, first + count)]


def enrollment_ensure(*, contact: Contact, program: Program) -> Enrollment:
    """The contact's enrollment in a program, made if missing (safe under concurrency)."""
    enrollment, _created = Enrollment.objects.get_or_create(contact=contact, program=program)
    return enrollment


def enrollments_ensure(*, contacts: list[Contact], programs: list[Program]) -> None:
    """`enrollment_ensure` for many contacts at once (an import), the existing ones kept: on PostgreSQL one
    INSERT ... SELECT over the array of ids per program (no model instance per row), elsewhere `bulk_create`."""
    if connection.vendor != "postgresql":
        Enrollment.objects.bulk_create(
            [Enrollment(contact=contact, program=program) for contact in contacts for program in programs],
            batch_size=1000,
            ignore_conflicts=True,
        )
        return
    ids = [contact.pk for contact in contacts]
    now = timezone.now()
    with connection.cursor() as cursor:
        for program in programs:
            cursor.execute(
                f"INSERT INTO {Enrollment._meta.db_table} (contact_id, program_id, created_at, updated_at)"  # noqa: S608
                " SELECT contact_id, %s, %s, %s FROM unnest(%s::bigint[]) AS chosen (contact_id)"
                " ON CONFLICT (contact_id, program_id) DO NOTHING",
                [program.pk, now, now, ids],
            )


def _first_card_type(program: Program) -> CardType:
    card_type = program.card_types.order_by("pk").first()
    if card_type is None:
        raise InvalidInput(
            _("The program has no card type to issue a card from."),
            code="no_card_type",
            fields={"program": [_("Create a card type first.")]},
        )
    return card_type


@transaction.atomic
def card_issue(*, contact: Contact, program: Program, card_type: CardType | None = None) -> Card:
    """Issue a new card of the program's first card type (or the one given) and bind it to the contact."""
    card_type = card_type or _first_card_type(program)
    for _attempt in range(5):
        (number,) = card_numbers_reserve(card_type=card_type, count=1)
        try:
            with transaction.atomic():
                card = Card.objects.create(number=number, card_type=card_type, contact=contact, bound_at=timezone.now())
        except IntegrityError:
            continue  # a hand-made card already took this number: take the next one
        enrollment_ensure(contact=contact, program=program)
        return card
    raise Conflict(_("Could not find a free card number."), code="card_number_conflict")


@transaction.atomic
def card_save(*, card: Card, data: dict[str, Any]) -> Card:
    """Create or change a card; binding it to a contact enrolls the contact in the card's program."""
    previous_contact_id = card.contact_id
    for key, value in data.items():
        setattr(card, key, value)
    if card.contact_id and card.contact_id != previous_contact_id:
        card.bound_at = timezone.now()
    if not card.contact_id:
        card.bound_at = None
    card.number = card.number.strip()
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A card with this number already exists."),
            code="duplicate_card",
            fields={"number": [_("Already exists.")]},
        ) from exc
    if card.contact is not None:
        enrollment_ensure(contact=card.contact, program=card.card_type.program)
    return card


def card_block(*, card: Card) -> Card:
    card.status = CardStatus.BLOCKED
    card.save(update_fields=["status", "updated_at"])
    return card
