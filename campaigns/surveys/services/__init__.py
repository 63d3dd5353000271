"""The surveys' writes: saving a survey with its questions, inviting its audience, recording a response."""

from campaigns.surveys.services.invitations import survey_invite
from campaigns.surveys.services.responses import survey_respond
from campaigns.surveys.services.surveys import survey_delete, survey_save

__all__ = ["survey_delete", "survey_invite", "survey_respond", "survey_save"]
