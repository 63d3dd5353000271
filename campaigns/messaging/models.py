"""Triggers and the outbox: every message is a row first, sent by the relay (campaigns.messaging.relay)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns.messaging.choices import Channel, MessageStatus, Purpose, QuietHoursZone
from common.models import TimeStampedModel
from common.scoping import ScopedManager, brand_scoped, internal


@brand_scoped("brand")
class Trigger(TimeStampedModel):
    """When an event of a contact happens at a brand, a message over a channel, rendered from a template."""

    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey("loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="+")
    event = models.CharField(_("event"), max_length=64, help_text=_("The event type that fires the trigger."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    template = models.TextField(_("template"), help_text=_("Django template language."))
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    segment = models.ForeignKey(
        "campaigns.Segment",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="triggers",
        help_text=_("Only the members of this segment get the message."),
    )
    delay_minutes = models.PositiveIntegerField(_("delay, minutes"), default=0)
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet hours to"), null=True, blank=True)
    quiet_zone = models.CharField(
        _("quiet hours in"), max_length=10, choices=QuietHoursZone.choices, default=QuietHoursZone.CONTACT
    )
    max_per_contact = models.PositiveIntegerField(_("at most, per contact"), null=True, blank=True)
    per_days = models.PositiveIntegerField(_("per days"), null=True, blank=True)
    active = models.BooleanField(pgettext_lazy("trigger", "active"), default=True)
    confirmed_only = models.BooleanField(
        _("confirmed addresses only"),
        default=False,
        help_text=_("SMS and messengers only to a confirmed phone, e-mail only to a confirmed address."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("trigger")
        verbose_name_plural = _("triggers")
        ordering = ["pk"]
        indexes = [models.Index(fields=["event", "brand"], name="messaging_trigger_event_brand")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_to__isnull=True)
                | Q(quiet_from__isnull=False, quiet_to__isnull=False),
                name="%(app_label)s_%(class)s_quiet_hours_both",
                violation_error_message=_("Quiet hours need a start and an end."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@brand_scoped("brand")
class Message(models.Model):
    """One message to one contact: queued, then sent, failed (with the error) or suppressed (with the reason)."""

    # What the outbox shows of a message, in the API and the admin (the admin adds its bookkeeping).
    SHOWN_FIELDS = (
        "contact",
        "trigger",
        "channel",
        "event",
        "purpose",
        "status",
        "reason",
        "to",
        "subject",
        "body",
        "attempts",
        "created_at",
        "scheduled_at",
        "sent_at",
        "opened_at",
        "clicked_at",
        "clicks",
    )

    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trigger = models.ForeignKey(
        Trigger, verbose_name=_("trigger"), null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    # Empty only for a message the product sends to an address no contact has yet (a login code to a new phone).
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    # The event that made it (the dispatcher's), and its type, kept even if the event row goes.
    source_event = models.ForeignKey(
        "contacts.ContactEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(_("event"), max_length=64, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.TRIGGER)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(pgettext_lazy("message recipient", "to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Given to the gateway with every attempt: a gateway that saw it already does not deliver again.
    key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    # Set when a relay takes the message, before the gateway is called; a claim older than the relay's timeout
    # belongs to a worker that died, and the message is tried again (with the same key).
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("gateway's id"), max_length=200, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"), null=True, blank=True)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-pk"]
        indexes = [
            # The relay's queue: the queued messages by when they are due (a partial index, small).
            models.Index(
                fields=["scheduled_at"], name="messaging_message_due", condition=Q(status=MessageStatus.QUEUED)
            ),
            # The frequency cap (a trigger's messages to a contact lately) and a trigger's figures.
            models.Index(fields=["trigger", "contact", "created_at"], name="messaging_message_cap"),
            # A contact's messages, newest first.
            models.Index(fields=["contact", "-created_at"], name="messaging_message_contact"),
            models.Index(fields=["status", "reason"], name="messaging_message_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["trigger", "source_event"],
                condition=Q(trigger__isnull=False, source_event__isnull=False),
                name="%(app_label)s_%(class)s_one_per_trigger_and_event",
                violation_error_message=_("A trigger makes one message per event."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to or '—'} ({self.status})"


@brand_scoped("message__brand")
class Delivery(models.Model):
    """What the built-in `log` gateway delivered: one row per idempotency key, however often it is asked."""

    key = models.UUIDField(_("idempotency key"), unique=True)
    message = models.ForeignKey(
        Message, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(pgettext_lazy("message recipient", "to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("delivery (log gateway)")
        verbose_name_plural = _("deliveries (log gateway)")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"


@internal
class PhoneCode(models.Model):
    """A phone confirmation code sent by SMS: kept hashed, valid 10 minutes or until 5 wrong tries."""

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    wrong_attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("phone confirmation code")
        verbose_name_plural = _("phone confirmation codes")
        indexes = [models.Index(fields=["contact", "-created_at"], name="messaging_phonecode_contact")]

    def __str__(self) -> str:
        return f"{self.phone} @ {self.created_at:%Y-%m-%d %H:%M}"
