"""What a store assistant noted of a conversation with a customer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, brand_scoped


@brand_scoped("brand")
class ContactNote(TimeStampedModel):
    """A note of a conversation with a customer, kept on the contact for the brand's staff: written once by an
    assistant at a store and never changed, so it is its own audit record (who, where, when, what)."""

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey(
        "loyalty.Store", verbose_name=_("store"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=2000)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("conversation note")
        verbose_name_plural = _("conversation notes")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A customer's notes at a brand (the assistant's page, the admin's search), and a brand's newest (its list).
            models.Index(fields=["contact", "brand", "-created_at"], name="account_contactnote_contact"),
            models.Index(fields=["brand", "-created_at", "-id"], name="account_contactnote_brand"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} @ {self.created_at:%Y-%m-%d %H:%M}"
