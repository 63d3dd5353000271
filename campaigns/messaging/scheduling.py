"""When a message goes out: the trigger's delay, then past its quiet hours (in the contact's or the store's local
time); and the frequency cap, counted over the trigger's messages to the contact in the last `per_days` days."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, Q

from campaigns.messaging.choices import MessageStatus, QuietHoursZone
from campaigns.messaging.models import Message, Trigger
from contacts.models import ContactEvent
from loyalty.models import Purchase, Store


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def after_quiet_hours(at: datetime, start: time, end: time, tz: ZoneInfo) -> datetime:
    """`at`, or the end of the quiet hours [start, end) it falls in (a window may span midnight)."""
    if start == end:
        return at
    local = at.astimezone(tz)
    moment = local.time()
    if start < end:
        inside, end_day = start <= moment < end, local.date()
    else:
        inside = moment >= start or moment < end
        end_day = local.date() if moment < end else local.date() + timedelta(days=1)
    if not inside:
        return at
    return datetime.combine(end_day, end, tzinfo=tz)


def contact_zone(contact_id: int, brand_id: int | None) -> str:
    """The contact's local time zone: that of the store of their latest purchase (at the brand, if one), else the
    project's."""
    purchases = Purchase.objects.filter(contact_id=contact_id)
    if brand_id is not None:
        purchases = purchases.filter(brand_id=brand_id)
    name = purchases.order_by("-at").values_list("store__timezone", flat=True).first()
    return name or settings.TIME_ZONE


def quiet_zone(trigger: Trigger, contact_id: int, event: ContactEvent | None) -> ZoneInfo:
    data = event.data if event is not None and isinstance(event.data, dict) else {}
    store_id = data.get("store")
    if trigger.quiet_zone == QuietHoursZone.STORE and isinstance(store_id, int):
        name = Store.objects.filter(pk=store_id).values_list("timezone", flat=True).first()
        if name:
            return zone(name)
    return zone(contact_zone(contact_id, trigger.brand_id))


def scheduled_time(
    *, trigger: Trigger, contact_id: int, event: ContactEvent | None, now: datetime, not_before: datetime | None
) -> datetime:
    """Now (or the condition's moment, if later) plus the delay, moved past the quiet hours."""
    at = max(now, not_before) if not_before is not None else now
    at += timedelta(minutes=trigger.delay_minutes)
    if trigger.quiet_from is None or trigger.quiet_to is None:
        return at
    return after_quiet_hours(at, trigger.quiet_from, trigger.quiet_to, quiet_zone(trigger, contact_id, event))


def has_cap(trigger: Trigger) -> bool:
    return bool(trigger.max_per_contact)


def cap_window(trigger: Trigger, now: datetime) -> datetime:
    return now - timedelta(days=trigger.per_days or 1)


class CapCounter:
    """How many messages each capped trigger has queued or sent to each contact within its window: read in one
    query for a batch, then counted up as the batch makes more."""

    def __init__(self, triggers: Iterable[Trigger], contact_ids: Iterable[int], now: datetime) -> None:
        self.counts: dict[tuple[int, int], int] = defaultdict(int)
        capped = [trigger for trigger in triggers if has_cap(trigger)]
        contact_ids = list(contact_ids)
        if not capped or not contact_ids:
            return
        window = Q()
        for trigger in capped:
            window |= Q(trigger_id=trigger.pk, created_at__gte=cap_window(trigger, now))
        rows = (
            Message.objects.filter(
                window, contact_id__in=contact_ids, status__in=[MessageStatus.QUEUED, MessageStatus.SENT]
            )
            .values("trigger_id", "contact_id")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            self.counts[(row["trigger_id"], row["contact_id"])] = row["n"]

    def allows(self, trigger: Trigger, contact_id: int) -> bool:
        return not has_cap(trigger) or self.counts[(trigger.pk, contact_id)] < (trigger.max_per_contact or 0)

    def add(self, trigger: Trigger, contact_id: int) -> None:
        self.counts[(trigger.pk, contact_id)] += 1


def cap_reached_at_send(message: Message, trigger: Trigger, now: datetime) -> bool:
    """Just before sending: the trigger's messages already sent to the contact within the window."""
    if not has_cap(trigger):
        return False
    sent = (
        Message.objects.filter(
            trigger_id=trigger.pk,
            contact_id=message.contact_id,
            status=MessageStatus.SENT,
            sent_at__gte=cap_window(trigger, now),
        )
        .exclude(pk=message.pk)
        .count()
    )
    return sent >= (trigger.max_per_contact or 0)


def local_day(at: datetime) -> date:
    return at.astimezone(zone(settings.TIME_ZONE)).date()
