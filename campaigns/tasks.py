"""Celery tasks of the campaigns app: each fetches by id, calls a service and is safe to run again."""

from datetime import date

from celery import shared_task

from campaigns.services.notices import conflict_notices_send


@shared_task
def send_conflict_notices(pairs: list[list[int]], day: str) -> int:
    """E-mail the owners of campaigns that lost an exclusive tie, once a day per pair."""
    return conflict_notices_send(pairs=[(winner, loser) for winner, loser in pairs], day=date.fromisoformat(day))
