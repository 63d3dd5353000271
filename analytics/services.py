"""Licence use, recorded: the daily `licence` job stores the day's counts (per brand and in all) and tells the
superusers by e-mail when the licence is 90 % used, once until the use falls below that again."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from analytics.models import LicenceUsage
from analytics.selectors import ALERT_SHARE, LicenceCounts, licence_counts

log = logging.getLogger(__name__)


def _alert_due(total: LicenceUsage, counts: LicenceCounts) -> bool:
    """Whether to tell the superusers now. `alerted` on a day's total means "told, and not below 90 % since": it is
    carried from the day before while the use stays at or above 90 %, and cleared when it falls below."""
    if not counts.licensed or counts.share < ALERT_SHARE:
        total.alerted = False
        return False
    if total.alerted:
        return False  # this day's count already told them (the job ran again for the same day)
    before = LicenceUsage.objects.filter(brand__isnull=True, day__lt=total.day).order_by("-day").first()
    total.alerted = True
    return before is None or not before.alerted


def _tell_superusers(counts: LicenceCounts) -> None:
    recipients = list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not recipients:
        log.warning(
            "licence: %s of %s active contacts used, and no superuser has an e-mail address",
            counts.active,
            counts.licensed,
        )
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Licence: %(percent)s %% of the active contacts used") % {"percent": round(counts.share * 100)}
        body = _(
            "%(active)s contacts were active in the last %(days)s days; the licence allows %(licensed)s. "
            "Extend the licence before it runs out."
        ) % {"active": counts.active, "days": settings.ACTIVE_CONTACT_DAYS, "licensed": counts.licensed}
    send_mail(subject, body, None, recipients)


@transaction.atomic
def licence_record(*, at: datetime) -> LicenceCounts:
    """Store the counts of `at`'s day (again for the same day: the newer counts) and send the 90 % e-mail when due,
    after the commit."""
    counts = licence_counts(now=at)
    day = timezone.localdate(at)
    for brand in counts.by_brand:
        LicenceUsage.objects.update_or_create(day=day, brand_id=brand.brand, defaults={"active": brand.active})
    total, _created = LicenceUsage.objects.get_or_create(
        day=day, brand=None, defaults={"active": counts.active, "licensed": counts.licensed}
    )
    total.active, total.licensed = counts.active, counts.licensed
    if _alert_due(total, counts):
        transaction.on_commit(lambda: _tell_superusers(counts))
    total.save(update_fields=["active", "licensed", "alerted", "updated_at"])
    return counts
