"""The outbox's periodic job and the kicks that start the dispatcher and the relay without waiting for it.

A kick is best effort: with eager Celery (no broker) it runs inline, after the commit that recorded the events or
queued the message; with a broker it queues a task, and if the broker is down it logs and returns, leaving the
events and messages in their tables for the `outbox` job (every minute) to pick up. Nothing depends on a kick
arriving: the tables are the queue, the broker only wakes a worker early.
"""

import logging
from datetime import datetime

from django.conf import settings

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.relay import relay_due

log = logging.getLogger(__name__)


def outbox(at: datetime) -> str:
    """Dispatch the events not yet seen and send the messages due at `at`."""
    made = dispatch_pending(now=at)
    return f"{made} messages made; {relay_due(now=at)}"


def _queue(task_name: str) -> None:
    from campaigns.messaging import tasks

    task = getattr(tasks, task_name)
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            task()
        else:
            task.apply_async(retry=False)
    except Exception:  # a broker down, or a failure inline: the outbox job will do it
        log.warning("messaging: %s not started now; the outbox job will run it", task_name, exc_info=True)


def kick() -> None:
    """After events were recorded (common.events_bus): dispatch them and send what they made."""
    _queue("dispatch_and_relay")


def kick_relay() -> None:
    """After a message was queued outside the dispatcher (a confirmation): send it."""
    _queue("relay")
