from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", pgettext_lazy("campaign status", "active")  # plain "active" is said of points
    PAUSED = "paused", _("paused")
    FINISHED = "finished", _("finished")


class Combine(models.TextChoices):
    SUM = "sum", _("sum: on the base price")
    SEQUENTIAL = "sequential", _("sequential: on the price after earlier discounts")
    EXCLUSIVE = "exclusive", _("exclusive: alone on its lines")


class AudienceType(models.TextChoices):
    ALL = "all", _("everyone")
    IDENTIFIED = "identified", _("identified customers")
    TIERS = "tiers", _("tiers")
    SEGMENT = "segment", _("customer segment")
