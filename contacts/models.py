"""Contacts: one person across every program and brand, the blacklist and the audit trail of changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, shared

from .choices import AuditAction, ContactSource, Gender


class Contact(TimeStampedModel):
    """A customer or lead: reachable by phone (E.164) or e-mail, or both."""

    # Visible to a brand-limited manager when enrolled in a program of one of their brands.
    BRAND_SCOPE = ("enrollments__program__brands",)
    BRAND_SCOPE_MULTI = True
    # What staff and the API set, in the order the forms show it: the service, the admin form, the import and
    # export columns and the API serializer read it (each adds its own extras, such as the API's `cards`).
    EDITABLE_FIELDS = (
        "phone",
        "email",
        "first_name",
        "last_name",
        "birth_date",
        "gender",
        "city",
        "phone_confirmed",
        "email_confirmed",
        "subscribed_email",
        "subscribed_sms",
        "subscribed_push",
        "subscribed_messenger",
    )

    # NULL, not "", for a missing phone or e-mail: the unique constraint must allow many contacts without one.
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, unique=True)
    email = models.EmailField(_("e-mail"), max_length=254, null=True, blank=True, db_index=True)  # noqa: DJ001
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    phone_confirmed = models.BooleanField(_("phone confirmed"), default=False)
    phone_confirmed_at = models.DateTimeField(_("phone confirmed at"), null=True, blank=True)
    phone_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("phone confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email_confirmed = models.BooleanField(_("e-mail confirmed"), default=False)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    email_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("e-mail confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subscribed_email = models.BooleanField(_("subscribed to e-mail"), default=False)
    subscribed_sms = models.BooleanField(_("subscribed to SMS"), default=False)
    subscribed_push = models.BooleanField(_("subscribed to push"), default=False)
    subscribed_messenger = models.BooleanField(_("subscribed to messengers"), default=False)
    source = models.CharField(
        _("source"), max_length=20, choices=ContactSource.choices, default=ContactSource.ADMIN, db_index=True
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="%(app_label)s_%(class)s_phone_or_email",
                violation_error_message=_("A contact needs a phone or an e-mail."),
            ),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.phone or self.email or f"#{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@shared
class BlacklistEntry(TimeStampedModel):
    """A phone or e-mail that may not be registered and never receives messages."""

    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, unique=True)
    email = models.EmailField(_("e-mail"), max_length=254, null=True, blank=True, unique=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="%(app_label)s_%(class)s_phone_or_email",
                violation_error_message=_("A blacklist entry needs a phone or an e-mail."),
            ),
        ]

    def __str__(self) -> str:
        return self.phone or self.email or f"#{self.pk}"


class ContactAuditLog(models.Model):
    """Who changed which fields of a contact, and when: written in the same transaction as the change."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="audit_log")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    source = models.CharField(_("source"), max_length=20, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact audit record")
        verbose_name_plural = _("contact audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


from contacts.events import ContactEvent  # noqa: E402,F401  (a model of this app, in its own module)
from contacts.scores import ContactScore  # noqa: E402,F401  (a model of this app, in its own module)
from contacts.subscriptions import SubscriptionChange  # noqa: E402,F401  (likewise)
