"""The daily jobs that record events ahead of their day: `points_expiring` for points that will expire soon and
`birthday` for birthdays coming up, so that triggers can send their messages `days_before` the day.

Both look `EVENTS_LOOKAHEAD_DAYS` ahead (or further, when an active trigger's `days_before` asks: see
`common.events_bus.days_ahead`), and both are idempotent: each event has a client id under its job's origin
(`job:points_expiring`, `job:birthdays`), which the unique (origin, client_id) constraint keeps to one row however
often the job runs. An event recorded early waits: its trigger's message is scheduled for its day.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.events_bus import days_ahead
from common.money import ZERO, quantize
from contacts.models import Contact, ContactEvent
from contacts.services.events import events_ingest
from loyalty.models import Account, Brand, Enrollment, MasterAccountMember
from loyalty.selectors import HALF_CENT, account_roots, expiry_plan, roots_with_remaining

EXPIRING_ORIGIN = "job:points_expiring"
BIRTHDAY_ORIGIN = "job:birthdays"
BATCH_SIZE = 1000
MAX_LOOKAHEAD_DAYS = 366


def _batches[T](items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def lookahead_days(event_type: str) -> int:
    return min(days_ahead(event_type, at_least=settings.EVENTS_LOOKAHEAD_DAYS), MAX_LOOKAHEAD_DAYS)


# --- points expiring ---------------------------------------------------------------------------------------------


@dataclass
class Expiring:
    """The points of one account that expire on one day (local), and the first moment of that day they do."""

    account_id: int
    day: date
    expires_at: datetime
    points: Decimal = ZERO


def _expiring_plain(at: datetime, until: datetime) -> dict[tuple[int, date], Expiring]:
    """Per account and local day: the remaining points of the lots expiring in (at, until]; one query, over the
    partial index of lots by expiry."""
    lots = (
        roots_with_remaining()
        .filter(Q(remaining_raw__gte=HALF_CENT), points__gt=0, expires_at__gt=at, expires_at__lte=until)
        .order_by()
        .values_list("account_id", "expires_at", "remaining_raw")  # type: ignore[misc]
    )
    found: dict[tuple[int, date], Expiring] = {}
    for account_id, expires_at, remaining in lots.iterator(chunk_size=5000):
        day = timezone.localdate(expires_at)
        item = found.setdefault((account_id, day), Expiring(account_id, day, expires_at))
        item.expires_at = min(item.expires_at, expires_at)
        item.points += Decimal(remaining)
    return found


def _accounts_with_debts(account_ids: list[int]) -> set[int]:
    """Of these accounts, those owing points (a revoke they could not cover): their next expiries pay it first."""
    owing: set[int] = set()
    for batch in _batches(account_ids):
        debts = roots_with_remaining().filter(Q(remaining_raw__lte=-HALF_CENT), account_id__in=batch, points__lt=0)
        owing |= set(debts.order_by().values_list("account_id", flat=True))
    return owing


def _expiring_planned(account_id: int, at: datetime, until: datetime) -> list[Expiring]:
    """An account that owes points: what its expiry plan (debts paid first) lets expire in (at, until]."""
    found: dict[date, Expiring] = {}
    for step in expiry_plan(account_roots(account=Account.objects.get(pk=account_id))):
        expires_at = step.lot.expires_at
        assert expires_at is not None
        if not at < expires_at <= until or step.expired <= 0:
            continue
        day = timezone.localdate(expires_at)
        item = found.setdefault(day, Expiring(account_id, day, expires_at))
        item.expires_at = min(item.expires_at, expires_at)
        item.points += step.expired
    return list(found.values())


def points_expiring(*, at: datetime, horizon_days: int) -> list[Expiring]:
    """What expires per account and day within `horizon_days` after `at`, as the expiry will take it."""
    until = at + timedelta(days=horizon_days)
    found = _expiring_plain(at, until)
    owing = _accounts_with_debts(sorted({account_id for account_id, _day in found}))
    items = [item for (account_id, _day), item in found.items() if account_id not in owing]
    for account_id in sorted(owing):
        items.extend(_expiring_planned(account_id, at, until))
    return sorted((item for item in items if quantize(item.points) > 0), key=lambda i: (i.account_id, i.day))


def _recipients(account_ids: list[int]) -> dict[int, tuple[int, list[int]]]:
    """Per account: its program and who hears of its points (the contact; a master account's members, each)."""
    rows = Account.objects.filter(pk__in=account_ids).values_list("pk", "program_id", "contact_id", "master_account_id")
    members: dict[int, list[int]] = defaultdict(list)
    masters = [master for _pk, _program, _contact, master in rows if master is not None]
    for master_id, contact_id in (
        MasterAccountMember.objects.filter(master_account_id__in=masters)
        .order_by("contact_id")
        .values_list("master_account_id", "contact_id")
    ):
        members[master_id].append(contact_id)
    return {
        pk: (program_id, [contact_id] if contact_id is not None else members[master_id])
        for pk, program_id, contact_id, master_id in rows
    }


def points_expiring_record(*, at: datetime, horizon_days: int | None = None) -> int:
    """Record a `points_expiring` event per account, expiry day, contact and brand of the program (`data`:
    `expires_at`, `points`, `program`); a master account's pool is told to each member. Returns how many new."""
    horizon = lookahead_days("points_expiring") if horizon_days is None else horizon_days
    brands: dict[int, list[int]] = defaultdict(list)
    for brand_id, program_id in Brand.objects.order_by("pk").values_list("pk", "program_id"):
        brands[program_id].append(brand_id)
    recorded = 0
    for batch in _batches(points_expiring(at=at, horizon_days=horizon)):
        recipients = _recipients(sorted({item.account_id for item in batch}))
        events = []
        for item in batch:
            program_id, contact_ids = recipients[item.account_id]
            data = {
                "expires_at": timezone.localtime(item.expires_at).isoformat(),
                "points": str(quantize(item.points)),
                "program": program_id,
            }
            for contact_id in contact_ids:
                for brand_id in brands[program_id]:
                    client_id = f"{item.account_id}:{item.day.isoformat()}:{contact_id}:{brand_id}"
                    events.append(_event(contact_id, "points_expiring", at, data, brand_id, client_id))
        recorded += events_ingest(origin=EXPIRING_ORIGIN, events=events).accepted
    return recorded


def _event(
    contact_id: int, type: str, at: datetime, data: dict[str, Any], brand_id: int | None, client_id: str
) -> ContactEvent:
    return ContactEvent(contact_id=contact_id, type=type, at=at, data=data, brand_id=brand_id, client_id=client_id)


# --- birthdays ---------------------------------------------------------------------------------------------------


def coming_birthday(born: date, today: date) -> date:
    """The first birthday on or after `today`; one born on 29 February has it on the 28th in a common year (the last
    day of their month, the same rule the triggers' conditions use)."""
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable: next year's birthday is after today")


def _birthday_condition(today: date, horizon: int) -> Q:
    condition = Q(pk__in=[])
    for offset in range(horizon + 1):
        day = today + timedelta(days=offset)
        condition |= Q(birth_date__month=day.month, birth_date__day=day.day)
        if day.month == 2 and day.day == 28 and (day + timedelta(days=1)).month == 3:
            condition |= Q(birth_date__month=2, birth_date__day=29)
    return condition


def birthdays_record(*, at: datetime, horizon_days: int | None = None) -> int:
    """Record a `birthday` event (`data.birthday`: the coming one, YYYY-MM-DD) for each contact enrolled in a program
    whose birthday falls within `horizon_days` of `at`'s day, once per contact and year. No brand: the triggers of
    every brand the contact is enrolled in hear of it. Returns how many new."""
    horizon = lookahead_days("birthday") if horizon_days is None else horizon_days
    today = timezone.localdate(at)
    last = today + timedelta(days=horizon)
    contacts = (
        Contact.objects.filter(_birthday_condition(today, horizon), birth_date__isnull=False)
        .filter(Exists(Enrollment.objects.filter(contact_id=OuterRef("pk"))))
        .order_by("pk")
        .values_list("pk", "birth_date")
    )
    recorded = 0
    for batch in _batches(contacts.iterator(chunk_size=5000)):
        events = []
        for contact_id, born in batch:
            day = coming_birthday(born, today)
            if day <= last:
                data = {"birthday": day.isoformat()}
                events.append(_event(contact_id, "birthday", at, data, None, f"{contact_id}:{day.year}"))
        recorded += events_ingest(origin=BIRTHDAY_ORIGIN, events=events).accepted
    return recorded
