"""Saving a trigger: the template must render, the conditions and audience must fit the trigger's brand."""

from datetime import time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.messaging.choices import Channel
from campaigns.messaging.conditions import conditions_check
from campaigns.messaging.links import is_html
from campaigns.messaging.models import Trigger
from campaigns.messaging.templating import template_check
from common.errors import InvalidInput

EVENT_PATTERN = r"^[a-z0-9_.]{1,64}$"

EDITABLE_FIELDS = (
    "name",
    "brand",
    "event",
    "channel",
    "subject",
    "template",
    "conditions",
    "segment",
    "delay_minutes",
    "quiet_from",
    "quiet_to",
    "quiet_zone",
    "max_per_contact",
    "per_days",
    "active",
    "confirmed_only",
)


def trigger_clean(trigger: Trigger) -> None:
    """Check a trigger with its new values set (raises InvalidInput with the field)."""
    trigger.conditions = conditions_check(trigger.conditions)
    template_check(
        template=trigger.template,
        subject=trigger.subject,
        autoescape=trigger.channel == Channel.EMAIL and is_html(trigger.template),
    )
    if trigger.segment is not None and trigger.segment.program_id != trigger.brand.program_id:
        raise InvalidInput(
            _("The audience is a segment of another program than the brand's."),
            fields={"segment": [_("Pick a segment of the brand's program.")]},
        )
    if (trigger.quiet_from is None) != (trigger.quiet_to is None):
        raise InvalidInput(_("Quiet hours need a start and an end."), fields={"quiet_hours": [_("Give both.")]})
    if trigger.max_per_contact and not trigger.per_days:
        trigger.per_days = 1
    if trigger.per_days and not trigger.max_per_contact:
        raise InvalidInput(
            _("A frequency cap needs the number of messages."), fields={"max_per_contact": [_("Give a number.")]}
        )


@transaction.atomic
def trigger_save(*, trigger: Trigger, data: dict[str, Any]) -> Trigger:
    """Create or change a trigger after `trigger_clean`."""
    for key, value in data.items():
        if key in EDITABLE_FIELDS:
            setattr(trigger, key, value)
    trigger_clean(trigger)
    trigger.full_clean(exclude=["conditions"])
    trigger.save()
    return trigger


def parse_quiet_hours(value: Any) -> tuple[time | None, time | None]:
    """`["22:00", "09:00"]` → the two times; `[]` or null → none (InvalidInput otherwise)."""
    if value in (None, [], ""):
        return None, None
    error = InvalidInput(
        _('Quiet hours are ["HH:MM", "HH:MM"].'), fields={"quiet_hours": [_('Give ["HH:MM", "HH:MM"].')]}
    )
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise error
    times = []
    for item in value:
        try:
            hours, minutes = str(item).split(":")
            times.append(time(int(hours), int(minutes)))
        except ValueError:
            raise error from None
    return times[0], times[1]
