from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """RFM, LTV, ABC/XYZ, BCG, fraud signals and churn (see the package's docstring)."""

    name = "analytics.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from analytics.metrics.jobs import join_analytics_job

        join_analytics_job()
