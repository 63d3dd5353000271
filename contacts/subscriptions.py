"""The history of a contact's subscriptions: every change of `subscribed_email`, `subscribed_sms`,
`subscribed_push` or `subscribed_messenger`, with who made it, when and through what (the admin, the API, an
import, an unsubscribe link). Written by the contact services in the same transaction as the change."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.scoping import ScopedManager


class SubscriptionChange(models.Model):
    """One channel's subscription switched on or off."""

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="subscription_changes"
    )
    channel = models.CharField(_("channel"), max_length=10)
    subscribed = models.BooleanField(_("subscribed"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=40, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("subscription change")
        verbose_name_plural = _("subscription changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["contact", "-at"], name="contacts_subchange_contact_at")]

    def __str__(self) -> str:
        state = "on" if self.subscribed else "off"
        return f"{self.contact_id} {self.channel} {state}"
