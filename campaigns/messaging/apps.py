from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """Triggers, the outbox, channels and gateways, tracking, unsubscribe and confirmation."""

    name = "campaigns.messaging"
    label = "messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        from campaigns.messaging import jobs
        from campaigns.messaging.selectors import days_before_needed, heard_types_sql
        from common.events_bus import listen, listen_ahead, listen_hearing
        from common.jobs import register_job

        # After every commit that recorded events: the dispatcher (inline with eager Celery, else a task).
        listen(jobs.kick)
        # Which types it hears at a brand: the till writes the events no active trigger hears as dispatched.
        listen_hearing(heard_types_sql)
        # The daily jobs record `points_expiring` and `birthday` as far ahead as the triggers' `days_before` need.
        listen_ahead(days_before_needed)
        register_job("outbox", jobs.outbox)
