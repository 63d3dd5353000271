"""Inviting a survey's audience: one invitation and one `survey_invited` event (with the personal link in its data,
for a trigger to send) per member not yet invited, in batches."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.segments.selectors import segment_member_ids
from campaigns.surveys import tokens
from campaigns.surveys.models import Invitation, Survey
from campaigns.surveys.tallies import tallies_count_invited
from common.errors import Conflict
from contacts.models import ContactEvent
from contacts.services.events import events_record
from loyalty.models import Enrollment

BATCH = 5_000


def survey_audience_ids(survey: Survey) -> QuerySet[Any]:
    """The contact ids of the survey's audience now, as a subquery: its segment's current members, else everyone
    enrolled in the brand's program."""
    if survey.segment_id is not None:
        return segment_member_ids(survey.segment_id)
    return Enrollment.objects.filter(program_id=survey.brand.program_id).values_list("contact_id", flat=True)


def _uninvited(survey: Survey) -> Iterator[list[int]]:
    """The audience's contact ids that have no invitation yet, in batches by id (keyset: each batch is one indexed
    query, whatever the size of the audience)."""
    audience = survey_audience_ids(survey)
    invited = Invitation.objects.filter(survey=survey).values("contact_id")
    after = 0
    while True:
        batch = list(
            audience.filter(contact_id__gt=after).exclude(contact_id__in=invited).order_by("contact_id")[:BATCH]
        )
        if not batch:
            return
        yield batch
        after = batch[-1]


def survey_is_open(survey: Survey, at: datetime) -> bool:
    """Whether the survey may be answered at `at`: after its start (if any), before its end (if any)."""
    return (survey.starts_at is None or survey.starts_at <= at) and (survey.ends_at is None or at < survey.ends_at)


@transaction.atomic
def survey_invite(*, survey: Survey, base: str | None = None, now: datetime | None = None) -> int:
    """Invite every member of the audience not yet invited: an invitation each and a `survey_invited` event with
    `data.url` (the personal link on `base`, see `tokens.site_base`), `data.survey`, `data.survey_name` and
    `data.points` (the reward). Returns how many were invited. The survey is locked meanwhile, so two invitations
    at once invite each contact once; a survey whose window has ended is 409 `survey_closed`."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update(of=("self",)).select_related("brand").get(pk=survey.pk)
    if survey.ends_at is not None and survey.ends_at <= now:
        raise Conflict(_("The survey has ended."), code="survey_closed")
    site = tokens.site_base(base)
    data = {"survey": survey.pk, "survey_name": survey.name, "points": str(survey.reward_points)}
    invited = 0
    for batch in _uninvited(survey):
        Invitation.objects.bulk_create([Invitation(survey=survey, contact_id=contact_id) for contact_id in batch])
        events_record(
            [
                ContactEvent(
                    contact_id=contact_id,
                    type="survey_invited",
                    at=now,
                    data={**data, "url": tokens.link(survey.pk, contact_id, base=site)},
                    brand_id=survey.brand_id,
                )
                for contact_id in batch
            ]
        )
        invited += len(batch)
    tallies_count_invited(survey, invited)
    return invited
