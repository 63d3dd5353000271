from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    UNKNOWN = "", _("unknown")
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class ContactSource(models.TextChoices):
    ADMIN = "admin", _("admin")
    API = "api", _("API")
    IMPORT = "import", _("import")
    POS = "pos", _("point of sale")
    PROMOTER = "promoter", _("promoter")
    SITE = "site", _("web site")
    APP = "app", _("mobile app")


class AuditAction(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    CONFIRMED = "confirmed", _("confirmed")
    DELETED = "deleted", _("deleted")
