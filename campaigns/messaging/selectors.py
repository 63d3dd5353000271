"""Reads of the outbox: a trigger's figures."""

from typing import Any

from django.db import connection
from django.db.models import Count, Q

from campaigns.messaging.choices import MessageStatus, Suppression
from campaigns.messaging.conditions import DAYS_BEFORE_DEFAULT
from campaigns.messaging.models import Message, Trigger


def trigger_figures(trigger: Trigger) -> dict[str, Any]:
    """Messages by status, suppressed by reason, opens and clicks: one aggregate over the trigger's messages."""
    counts: dict[str, Any] = {status: Count("pk", filter=Q(status=status)) for status in MessageStatus.values}
    counts |= {
        f"reason_{reason}": Count("pk", filter=Q(status=MessageStatus.SUPPRESSED, reason=reason))
        for reason in Suppression.values
    }
    counts["opened"] = Count("pk", filter=Q(opened_at__isnull=False))
    counts["clicked"] = Count("pk", filter=Q(clicked_at__isnull=False))
    row = Message.objects.filter(trigger=trigger).aggregate(**counts)
    return {
        "by_status": [(MessageStatus(status).label, row[status]) for status in MessageStatus.values],
        "by_reason": [(Suppression(reason).label, row[f"reason_{reason}"]) for reason in Suppression.values],
        "opened": row["opened"],
        "clicked": row["clicked"],
    }


def days_before_needed(event_type: str) -> int:
    """The most days before its day that an active trigger on `event_type` sends (`conditions.days_before`): how far
    ahead the daily jobs must record such events (common.events_bus.days_ahead)."""
    default = DAYS_BEFORE_DEFAULT.get(event_type)
    if default is None:
        return 0
    days = [default]
    for conditions in Trigger.objects.filter(active=True, event=event_type).values_list("conditions", flat=True):
        value = conditions.get("days_before", default) if isinstance(conditions, dict) else default
        if isinstance(value, int) and not isinstance(value, bool):
            days.append(value)
    return max(days)


def heard_types_sql(vendor: str) -> str:
    """The types of a brand's active triggers, comma-separated, as a scalar subquery of one parameter, the brand's id
    (`common.events_bus.listen_hearing`): the till's confirm writes the events no trigger hears as dispatched. Read
    in the confirm's transaction, so a trigger saved before it is always heard; one saved during it is a trigger
    started after the receipt."""
    table = connection.ops.quote_name(Trigger._meta.db_table)
    joined = "string_agg(DISTINCT event, ',')" if vendor == "postgresql" else "group_concat(DISTINCT event)"
    return f"SELECT {joined} FROM {table} WHERE brand_id = %s AND active"  # noqa: S608  (the model's table)
