"""A contact's events: what the contact did or what happened to them (a product viewed, a purchase confirmed, a tier
changed, a segment entered...), one row each. Segment rules read them and the triggers of the messaging app turn
them into messages.

Events live here, in the lowest app, so that every app can record one (contacts: `contact_registered`; the checkout:
`purchase_confirmed`; segments: `segment_entered`...) without importing the app that reacts to them. Whoever reacts
registers itself with `common.events_bus` (one callback list, run after the recording transaction commits).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.scoping import ScopedManager


class ContactEvent(models.Model):
    """One event of one contact, with its time, an optional SKU and data; `dispatched_at` once triggers saw it."""

    # No index of its own: the (contact, at) index below serves the foreign key, and every index costs each insert
    # (the events API's batches).
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    type = models.CharField(_("type"), max_length=64)
    at = models.DateTimeField(_("at"))
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The brand it happened at (a register's), when one did: a plain id, since contacts know nothing of brands.
    brand_id = models.BigIntegerField(_("brand"), null=True, blank=True)
    # Who sent it ("register:12", "user:5", "system") and their id for it: the same id from the same sender is
    # one event, however often it is sent.
    origin = models.CharField(_("origin"), max_length=40, default="system")
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        ordering = ["-at", "-pk"]
        indexes = [
            # A segment rule over all contacts ("viewed a product in the last 30 days"): the type and the window
            # are the range, and the contact ids come from the index alone (no table visit); the brand is carried
            # too, since a segment reads only the events of its program's brands (or of none). Measured on 10 M
            # events: the rule's semi-join went from heap visits per candidate to an index-only scan (PostgreSQL;
            # elsewhere the index has no included columns).
            models.Index(fields=["type", "at", "contact"], include=["brand_id"], name="contacts_event_type_at_contact"),
            # One contact's timeline, and a rule checked for one contact.
            models.Index(fields=["contact", "at"], name="contacts_event_contact_at"),
            # The dispatcher's queue: the events no trigger has seen yet (a small partial index).
            models.Index(fields=["id"], name="contacts_event_undispatched", condition=Q(dispatched_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "client_id"],
                condition=~Q(client_id=""),
                name="contacts_contactevent_unique_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} @ {self.at:%Y-%m-%d %H:%M}"
