"""Celery tasks of the outbox: fetch nothing, call the dispatcher and the relay; safe to run again at any time."""

from celery import shared_task

from campaigns.messaging.dispatcher import dispatch_pending
from campaigns.messaging.relay import relay_due


@shared_task(name="messaging.dispatch_and_relay", ignore_result=True)
def dispatch_and_relay() -> str:
    """Turn the new events into messages, then, if any were made, send what is due (an event no trigger wants
    costs the dispatcher's three queries and no more; messages due later go out with the outbox job)."""
    made = dispatch_pending()
    return f"{made} messages made; {relay_due() if made else 'nothing to send'}"


@shared_task(name="messaging.relay", ignore_result=True)
def relay() -> str:
    """Send the messages that are due."""
    return str(relay_due())
