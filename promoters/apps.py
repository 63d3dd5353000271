from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotersConfig(AppConfig):
    name = "promoters"
    verbose_name = _("Promoters")
