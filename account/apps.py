from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountConfig(AppConfig):
    """The customer's personal account, wallet cards and the store assistant's page: above every app, like the
    checkout (it calls their services and selectors; none of them imports it)."""

    name = "account"
    verbose_name = _("Personal account")

    def ready(self) -> None:
        from account import jobs
        from account.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from common.jobs import register_job

        register_job("account_cleanup", jobs.cleanup, description="Forget spent login codes and expired tokens.")
