from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    PUSH = "push", _("push")
    MESSENGER = "messenger", _("messenger")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SUPPRESSED = "suppressed", _("suppressed")


class Suppression(models.TextChoices):
    """Why a message is not sent (its `reason` when `suppressed`)."""

    BLACKLISTED = "blacklisted", _("blacklisted")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
    NO_ADDRESS = "no_address", _("no address")
    UNCONFIRMED = "unconfirmed", _("unconfirmed")
    FREQUENCY_CAP = "frequency_cap", _("frequency cap")


class QuietHoursZone(models.TextChoices):
    CONTACT = "contact", _("the contact's local time")
    STORE = "store", _("the store's local time")


class Purpose(models.TextChoices):
    """What a message is for: a trigger's, or a confirmation the product sends itself."""

    TRIGGER = "trigger", _("trigger")
    CONFIRM_PHONE = "confirm_phone", _("phone confirmation code")
    CONFIRM_EMAIL = "confirm_email", _("e-mail confirmation link")
    LOGIN_CODE = "login_code", _("personal account login code")
