from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PoolKind(models.TextChoices):
    SINGLE_USE = "single_use", _("single-use codes")
    MULTI_USE = "multi_use", _("one multi-use code")


class CodeStatus(models.TextChoices):
    """A code's stored state; "expired" is not stored: it is the pool's window having closed (see `codes_filter`)."""

    ACTIVE = "active", pgettext_lazy("promo code status", "active")
    USED = "used", _("used")
    EXPIRED = "expired", _("expired")


class CheckStatus(models.TextChoices):
    """What calculate answers for a submitted code."""

    APPLIED = "applied", _("applied")
    NOT_FOUND = "not_found", _("not found")
    EXPIRED = "expired", _("expired")
    USED = "used", _("used")
    LIMIT_REACHED = "limit_reached", _("limit reached")
    NOT_APPLICABLE = "not_applicable", _("conditions not met")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")
