from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Processing centre")

    def ready(self) -> None:
        from loyalty.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
