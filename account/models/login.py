"""Logging in to the personal account: one-time SMS codes (hashed), the rows their limits lock, customer tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, internal


@internal
class LoginCode(TimeStampedModel):
    """A one-time code sent by SMS to log in by phone: kept as a keyed hash, valid 5 minutes or until 5 wrong
    tries; a new code for the phone voids the previous one. Counted for the limits per phone and per address."""

    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=64)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    wrong_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("login code")
        verbose_name_plural = _("login codes")
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["phone", "-sent_at"], name="account_logincode_phone"),
            models.Index(fields=["ip", "sent_at"], name="account_logincode_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.sent_at:%Y-%m-%d %H:%M}"


@internal
class LoginThrottle(TimeStampedModel):
    """One row per phone and per address that asks for codes, locked while its codes are counted, so that two
    requests at once cannot both pass the last free place of a limit."""

    key = models.CharField(_("key"), max_length=80, unique=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")

    def __str__(self) -> str:
        return self.key


@internal
class CustomerToken(TimeStampedModel):
    """`Authorization: Customer <token>`: the key of one customer's login, kept only as its SHA-256 (like a
    register's key); it reaches that contact's own account and nothing else. Revoked on logout, lapses when old."""

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    source = models.CharField(_("logged in from"), max_length=20, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("customer token")
        verbose_name_plural = _("customer tokens")
        indexes = [models.Index(fields=["contact", "-created_at"], name="account_customertoken_contact")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.contact_id})"
