from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromocodesConfig(AppConfig):
    name = "promocodes"
    verbose_name = _("Promo codes")
