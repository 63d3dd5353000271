from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set behind `manage.py seed_demo`: above every app, imported by none (no models)."""

    name = "demo"
    verbose_name = _("Demo data")
