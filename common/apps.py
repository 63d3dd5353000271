from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every app shares and no app owns: brand scoping, staff roles, admin and API bases."""

    name = "common"
    verbose_name = _("Access")
