from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CardStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("card status", "active")
    BLOCKED = "blocked", pgettext_lazy("card status", "blocked")


class EntryKind(models.TextChoices):
    """What a ledger entry records. Lots (entries that create points) are accruals, rewards, positive
    adjustments and incoming transfers; the other kinds take from or give back to a lot."""

    ACCRUAL = "accrual", _("accrual")
    REDEMPTION = "redemption", _("redemption")
    EXPIRY = "expiry", _("expiry")
    REVOKE = "revoke", _("revoke")
    RETURN = "return", _("return")
    ADJUSTMENT = "adjustment", _("adjustment")
    TRANSFER = "transfer", _("transfer")
    REWARD = "reward", _("reward")


class EntryStatus(models.TextChoices):
    """An entry's status as of a moment: pending while its `activation_at` is in the future."""

    PENDING = "pending", _("pending")
    ACTIVE = "active", _("active")


class TierChangeReason(models.TextChoices):
    """Why a contact's tier changed (`TierChange.reason`): re-evaluated after a purchase or a refund, its validity
    lapsed (the daily job), or set by hand by staff."""

    PURCHASE = "purchase", _("purchase")
    REFUND = "refund", _("refund")
    VALIDITY_LAPSED = "validity lapsed", _("validity lapsed")
    MANUAL = "manual", _("set by hand")
