"""The points ledger: accounts with a cached balance and their append-only entries.

An entry with no `lot` and positive points is a *lot*: it creates points (an accrual, a reward, a positive
adjustment, an incoming transfer) and carries their activation, expiry and origin partner. Every other movement
of points names the lot it takes from or gives back to (`lot`): redemptions, expiries, revokes, returns,
negative adjustments, outgoing transfers. A lot's remaining points are its own points plus the (signed) points of
the entries that name it. An entry with no `lot` and negative points is a *debt*: revoked points the account
could not cover (it is paid off by the lots that expire later, see `loyalty.services.ledger`).

Every entry counts in the pending or active bucket by its own `activation_at` (empty = active); an entry that
names a lot carries that lot's `activation_at`, so a lot and all its movements are always in the same bucket.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField, TimeStampedModel, loaded
from common.scoping import ScopedManager, brand_scoped
from loyalty.choices import EntryKind


class LedgerEntryImmutable(RuntimeError):
    """Raised on an attempt to change or delete a ledger entry: the ledger is append-only."""


@brand_scoped("program__brands")
class Account(TimeStampedModel):
    """A points account in a program, of a contact or of a master account (the pool of its members).

    `active` and `pending` are a cache of the entries' sums as of `balance_at`: entries whose `activation_at` is
    empty or not after `balance_at` are active, the others pending. They change only in
    `loyalty.services.ledger`, under `select_for_update`, and `manage.py ledger_check` proves them against the
    entries. Expiry is not in the cache until its entries are written (the periodic job, or the next write to
    the account); the balance shown to people is computed from the entries (`loyalty.selectors.balance`).
    """

    BRAND_SCOPE = ("program__brands",)
    BRAND_SCOPE_MULTI = True

    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.PROTECT, related_name="point_accounts"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_accounts",
    )
    master_account = models.ForeignKey(
        "loyalty.MasterAccount",
        verbose_name=_("master account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="point_accounts",
    )
    active = MoneyField(_("active points"), default=0, editable=False)
    pending = MoneyField(_("pending points"), default=0, editable=False)
    balance_at = models.DateTimeField(
        _("balance as of"),
        default=timezone.now,
        editable=False,
        help_text=_("The moment the cached active/pending split is computed for."),
    )
    # Where a redemption's first read of the lots starts (`loyalty.selectors.fifo.first_lots`): every lot before this
    # position in redemption order (expiry, never-expiring last, then id) holds no points. Empty: from the first lot.
    # Kept by the ledger's writes under the account's lock (`loyalty.services.ledger.core`), proved by `ledger_check`.
    spent_before_expires = models.DateTimeField(_("spent lots before: expiry"), null=True, blank=True, editable=False)
    spent_before_id = models.BigIntegerField(_("spent lots before: entry"), null=True, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, master_account__isnull=True)
                | Q(contact__isnull=True, master_account__isnull=False),
                name="%(app_label)s_%(class)s_contact_xor_master_account",
                violation_error_message=_("An account belongs to either a contact or a master account."),
            ),
            models.UniqueConstraint(
                fields=["program", "contact"],
                condition=Q(contact__isnull=False),
                name="%(app_label)s_%(class)s_unique_contact_program",
                violation_error_message=_("The contact already has an account in this program."),
            ),
            models.UniqueConstraint(
                fields=["master_account"],
                condition=Q(master_account__isnull=False),
                name="%(app_label)s_%(class)s_unique_master_account",
                violation_error_message=_("The master account already has a points account."),
            ),
        ]

    def __str__(self) -> str:
        # Names only of what is already loaded (the admins select them), ids otherwise: no query per row.
        owner = loaded(self, "master_account") if self.master_account_id else loaded(self, "contact")
        if owner is None and self.master_account_id:
            owner = gettext("master account #%(id)s") % {"id": self.master_account_id}
        elif owner is None:
            owner = gettext("contact #%(id)s") % {"id": self.contact_id}
        program = loaded(self, "program")
        if program is None:
            return gettext("Points account #%(id)s (%(owner)s)") % {"id": self.pk, "owner": owner}
        return gettext("Points account #%(id)s (%(owner)s, %(program)s)") % {
            "id": self.pk,
            "owner": owner,
            "program": program,
        }


LOT_MOVEMENT_KINDS = (
    EntryKind.REDEMPTION,
    EntryKind.EXPIRY,
    EntryKind.REVOKE,
    EntryKind.RETURN,
    EntryKind.ADJUSTMENT,
    EntryKind.TRANSFER,
)


@brand_scoped("account__program__brands")
class LedgerEntry(TimeStampedModel):
    """One movement of points; append-only: never changed, never deleted (see the module's docstring).

    For a manual adjustment the entry is its own audit record: `created_by`, `reason` and `created_at`.
    """

    # No index of its own: the indexes below start with the account, and the planner, given one of a bare account
    # (its statistics older than a fast-growing account), read every entry of it instead of a range of another.
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    at = models.DateTimeField(_("at"), help_text=_("The business time, e.g. the receipt's time."))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    points = MoneyField(_("points"))
    activation_at = models.DateTimeField(
        _("active from"), null=True, blank=True, help_text=_("Pending until then; empty = active at once.")
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Of a lot; empty = never."))
    lot = models.ForeignKey(
        "self",
        verbose_name=_("lot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
        help_text=_("The lot this entry takes from or gives back to."),
    )
    source = models.ForeignKey(
        "self",
        verbose_name=_("source entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continuations",
        help_text=_("A return: the redemption it gives back. An incoming transfer: the lot or debt it moves."),
    )
    partner = models.ForeignKey(
        "loyalty.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A lot: the partner where it was earned. A redemption or a return: the redeeming partner."),
    )
    purchase_id = models.BigIntegerField(_("purchase"), null=True, blank=True, db_index=True)
    campaign_id = models.BigIntegerField(_("campaign"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(points=0),
                name="%(app_label)s_%(class)s_points_not_zero",
                violation_error_message=_("An entry moves some points."),
            ),
            models.CheckConstraint(
                condition=Q(lot__isnull=True) | Q(kind__in=[kind.value for kind in LOT_MOVEMENT_KINDS]),
                name="%(app_label)s_%(class)s_lot_movement_kind",
                violation_error_message=_("Accruals and rewards create lots; they take from none."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "expires_at"], name="loyalty_entry_account_expires"),
            models.Index(fields=["account", "activation_at"], name="loyalty_entry_account_active"),
            models.Index(fields=["account", "at"], name="loyalty_entry_account_at"),
            # An account's lots in the order redemptions take them (`loyalty.selectors.fifo.first_lots`): read in
            # order, the first few are found without sorting all of them.
            models.Index(
                fields=["account", "expires_at", "id"], condition=Q(lot__isnull=True), name="loyalty_entry_lot_order"
            ),
            models.Index(fields=["kind", "at"], name="loyalty_entry_kind_at"),
            models.Index(
                fields=["expires_at"],
                condition=Q(lot__isnull=True, points__gt=0, expires_at__isnull=False),
                name="loyalty_entry_lot_expiry",
            ),
            models.Index(
                fields=["activation_at"],
                condition=Q(activation_at__isnull=False),
                name="loyalty_entry_activation",
            ),
        ]

    def __str__(self) -> str:
        at = formats.date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT") if self.at else "—"
        return gettext("%(kind)s: %(points)s points, %(at)s") % {
            "kind": capfirst(self.get_kind_display()),
            "points": formats.number_format(self.points, 2) if self.points is not None else "—",
            "at": at,
        }

    @property
    def is_lot(self) -> bool:
        return self.lot_id is None and self.points > 0

    def status(self, now: datetime) -> str:
        """`pending` while the entry's `activation_at` is after `now`, else `active`."""
        return "pending" if self.activation_at is not None and self.activation_at > now else "active"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerEntryImmutable("Ledger entries are append-only; write a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise LedgerEntryImmutable("Ledger entries are never deleted.")
