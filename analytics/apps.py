from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from analytics import jobs
        from analytics.summaries.job import summaries_job
        from common.jobs import register_job

        register_job("licence", jobs.licence)
        register_job("analytics", summaries_job)
