from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Surveys with an audience, personal signed links, one response per contact and a reward through the ledger."""

    name = "campaigns.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
