"""Demo contacts with their enrollments, cards and master accounts, and the blacklist."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import phonenumbers
from django.utils import timezone

from contacts.models import BlacklistEntry, Contact
from demo import data
from demo.base import (
    BATCH_SIZE,
    BLACKLIST_EMAILS,
    BLACKLIST_PHONES,
    Org,
    Progress,
    _weighted,
)
from demo.data import Language, Text
from loyalty.choices import CardStatus
from loyalty.models import (
    Card,
    Enrollment,
    MasterAccount,
    MasterAccountMember,
)
from loyalty.services.cards import card_numbers_reserve

# --- contacts, enrollments, cards -----------------------------------------------------------------------------


def _phones(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct valid Russian mobiles in E.164, none of them in `taken`."""
    phones: list[str] = []
    seen = set(taken)
    while len(phones) < count:
        phone = f"+7{rng.choice(data.MOBILE_CODES)}{rng.randrange(10**7):07d}"
        if phone in seen or not phonenumbers.is_valid_number(phonenumbers.parse(phone)):
            continue
        seen.add(phone)
        phones.append(phone)
    return phones


FAMILY = Text("{surname} family", "Семья {plural}")


def _family_name(surname: str, language: Language) -> str:
    """Иванов -> Семья Ивановых, Островский -> Семья Островских (Иванов family, Островский family)."""
    plural = surname[:-2] + "их" if surname.endswith("ий") else surname + "ых"
    return FAMILY(language).format(surname=surname, plural=plural)


@dataclass
class _Person:
    contact: Contact
    surname: str
    female: bool
    programs: list[str]


def _person(rng: random.Random, index: int, phone: str | None, today: date) -> _Person:
    roll = rng.random()
    gender = "female" if roll < 0.6 else ("male" if roll < 0.98 else "")
    female = gender == "female" or (gender == "" and rng.random() < 0.5)
    first = rng.choice(data.FEMALE_NAMES if female else data.MALE_NAMES)
    surname = rng.choice(data.SURNAMES)
    last = data.female_surname(surname) if female else surname
    email = None
    if phone is None or rng.random() < 0.55:
        local = rng.choice(
            [
                f"{data.translit(first)}.{data.translit(last)}",
                f"{data.translit(first)[0]}.{data.translit(last)}",
                f"{data.translit(last)}.{data.translit(first)}",
            ]
        )
        email = f"{local}{index}@{rng.choice(data.EMAIL_DOMAINS)}"
    birth_date = None
    if rng.random() < 0.9:
        age = int(rng.triangular(18, 76, 34))
        birth_date = date(today.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    city_roll = rng.random()
    city = "" if city_roll < 0.08 else rng.choice(data.STORE_SITES)[0]
    phone_confirmed = phone is not None and rng.random() < 0.7
    email_confirmed = email is not None and rng.random() < 0.5
    now = timezone.now()
    contact = Contact(
        phone=phone,
        email=email,
        first_name=first,
        last_name=last,
        birth_date=birth_date,
        gender=gender,
        city=city,
        phone_confirmed=phone_confirmed,
        phone_confirmed_at=now - timedelta(days=rng.randrange(1000)) if phone_confirmed else None,
        email_confirmed=email_confirmed,
        email_confirmed_at=now - timedelta(days=rng.randrange(1000)) if email_confirmed else None,
        subscribed_sms=phone is not None and rng.random() < 0.65,
        subscribed_email=email is not None and rng.random() < 0.45,
        source=_weighted(rng, data.CONTACT_SOURCES),
    )
    # Women join the beauty program more often.
    club, beauty = (data.CLUB, data.BEAUTY)
    roll = rng.random()
    if female:
        programs = [club] if roll < 0.45 else ([beauty] if roll < 0.65 else [club, beauty])
    else:
        programs = [club] if roll < 0.8 else ([beauty] if roll < 0.85 else [club, beauty])
    return _Person(contact, surname, female, programs)


def _tier_key(rng: random.Random, vip: bool) -> str:
    roll = rng.random()
    if vip:
        return data.GOLD if roll < 0.6 else data.SILVER
    return data.BRONZE if roll < 0.85 else (data.SILVER if roll < 0.97 else data.GOLD)


def seed_contacts(*, org: Org, rng: random.Random, contacts: int, progress: Progress | None = None) -> int:
    """Contacts with enrollments and bound cards, a few blocked and unbound cards, families (master
    accounts) and the blacklist; returns how many contacts were made (0 when the demo programs already
    have members)."""
    progress = progress or Progress()
    programs = list(org.programs.values())
    if contacts <= 0 or Enrollment.objects.filter(program__in=programs).exists():
        return 0
    now = timezone.now()
    today = timezone.localdate()
    taken: set[str] = set()
    for model in (Contact, BlacklistEntry):
        taken.update(phone for phone in model.objects.values_list("phone", flat=True) if phone)
    phones = _phones(rng, contacts + BLACKLIST_PHONES, taken)
    blacklist_phones, phones = phones[:BLACKLIST_PHONES], phones[BLACKLIST_PHONES:]

    people = []
    for index in range(contacts):
        email_only = rng.random() < 0.05
        people.append(_person(rng, index + 1, None if email_only else phones[index], today))
        progress.count("Contacts", index + 1, contacts)

    # Families: 2-4 people sharing a surname, all in the first program.
    club = data.CLUB
    family_count = max(2, min(20, contacts // 1000)) if contacts >= 8 else 0
    sizes = [rng.randint(2, 4) for _family in range(family_count)]
    chosen = rng.sample(range(contacts), sum(sizes))
    families: list[tuple[str, list[_Person]]] = []
    for size in sizes:
        members = [people[chosen.pop()] for _member in range(size)]
        surname = members[0].surname
        for person in members:
            person.surname = surname
            person.contact.last_name = data.female_surname(surname) if person.female else surname
            if club not in person.programs:
                person.programs.insert(0, club)
        families.append((_family_name(surname, org.language), members))

    progress.stage("Saving contacts, enrollments and cards")
    Contact.objects.bulk_create([person.contact for person in people], batch_size=BATCH_SIZE)

    # Enrollments with a tier, each with a bound card: Standard mostly, VIP for about 5 %.
    enrollments: list[Enrollment] = []
    planned: list[tuple[tuple[str, str], Contact | None, str, Any]] = []
    for person in people:
        joined = now - timedelta(days=rng.randrange(1, 1100))
        for program_name in person.programs:
            vip = rng.random() < 0.05
            tier_key = _tier_key(rng, vip)
            tier = org.tiers[(program_name, tier_key)]
            enrollments.append(
                Enrollment(
                    contact=person.contact,
                    program=org.programs[program_name],
                    tier=tier,
                    tier_valid_until=(
                        now + timedelta(days=rng.randint(30, tier.valid_days)) if tier_key != data.BRONZE else None
                    ),
                )
            )
            kind = (program_name, data.VIP if vip else data.STANDARD)
            planned.append((kind, person.contact, CardStatus.ACTIVE, joined))
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH_SIZE)

    # A few contacts lost a card: the old one is blocked, still bound to them.
    program_keys = {program.pk: key for key, program in org.programs.items()}
    for enrollment in rng.sample(enrollments, min(len(enrollments), max(2, contacts // 1000))):
        joined = now - timedelta(days=rng.randrange(200, 1500))
        kind = (program_keys[enrollment.program.pk], data.STANDARD)
        planned.append((kind, enrollment.contact, CardStatus.BLOCKED, joined))
    # Cards handed to stores but not yet given to anyone.
    for program_name in org.programs:
        for _card in range(max(2, contacts // 800)):
            planned.append(((program_name, data.STANDARD), None, CardStatus.ACTIVE, None))

    numbers = {
        kind: iter(card_numbers_reserve(card_type=org.card_types[kind], count=count))
        for kind, count in Counter(kind for kind, *_rest in planned).items()
    }
    cards = [
        Card(
            number=next(numbers[kind]),
            card_type=org.card_types[kind],
            contact=contact,
            status=status,
            bound_at=bound_at,
        )
        for kind, contact, status, bound_at in planned
    ]
    Card.objects.bulk_create(cards, batch_size=BATCH_SIZE)

    accounts = MasterAccount.objects.bulk_create(
        [MasterAccount(name=name, program=org.programs[club]) for name, _members in families]
    )
    MasterAccountMember.objects.bulk_create(
        [
            MasterAccountMember(master_account=account, contact=person.contact, program=account.program)
            for account, (_name, members) in zip(accounts, families, strict=True)
            for person in members
        ]
    )
    _seed_blacklist(rng, blacklist_phones, org.language)
    return contacts


BLACKLIST_REASONS = [
    Text("Asked not to be contacted", "Просьба клиента не беспокоить"),
    Text("Complained about the mailing", "Жалоба на рассылку"),
    Text("Points fraud", "Мошенничество с баллами"),
    Text("The number changed hands", "Номер сменил владельца"),
    Text("An employee's work number", "Служебный номер сотрудника"),
]


def _seed_blacklist(rng: random.Random, phones: list[str], language: Language) -> None:
    entries = [BlacklistEntry(phone=phone, reason=rng.choice(BLACKLIST_REASONS)(language)) for phone in phones]
    entries += [
        BlacklistEntry(
            email=f"no-mail{index + 1}@{rng.choice(data.EMAIL_DOMAINS)}",
            reason=rng.choice(BLACKLIST_REASONS)(language),
        )
        for index in range(BLACKLIST_EMAILS)
    ]
    BlacklistEntry.objects.bulk_create(entries, ignore_conflicts=True)
