from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from campaigns.segments.jobs import segments_job
        from common.jobs import register_job

        register_job("segments", segments_job)
