"""Exclusive conflicts: the later campaign's owner learns that an earlier one of equal priority took the lines."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.models import Campaign, ConflictNotice


def conflict_notices_send(*, pairs: list[tuple[int, int]], day: date) -> int:
    """Send one e-mail per (winner, loser) pair and day; returns how many were sent."""
    sent = 0
    for winner_id, loser_id in pairs:
        try:
            with transaction.atomic():
                ConflictNotice.objects.create(winner_id=winner_id, loser_id=loser_id, day=day)
        except IntegrityError:
            continue  # already told today
        campaigns = Campaign.objects.select_related("owner").in_bulk([winner_id, loser_id])
        loser, winner = campaigns.get(loser_id), campaigns.get(winner_id)
        if loser is None or winner is None or loser.owner is None or not loser.owner.email:
            continue
        send_mail(
            subject=_("Campaign “%(name)s” was left out by an exclusive campaign") % {"name": loser.name},
            message=_(
                "Your exclusive campaign “%(loser)s” has the same priority as the exclusive campaign “%(winner)s”, "
                "which was created earlier and so took the receipt lines both apply to. Change a priority to decide "
                "which one wins."
            )
            % {"loser": loser.name, "winner": winner.name},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[loser.owner.email],
            fail_silently=True,
        )
        sent += 1
    return sent
