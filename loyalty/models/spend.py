"""The money a contact spent in a program, by day: the maintained figure tiers are judged by."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import MoneyField
from common.scoping import ScopedManager, internal


@internal
class SpendDay(models.Model):
    """What a contact paid in a program on one day (UTC), less what was refunded of that day's purchases.

    Kept by the writers of purchases and refunds (`loyalty.services.spend`), in their transaction, so that a tier's
    window is a sum over at most a few hundred days instead of over every purchase in it. `ledger_check` proves it
    against the purchases (`spend_differences`); `spend_rebuild` writes it from them.
    """

    contact = models.ForeignKey(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    program = models.ForeignKey(
        "loyalty.Program", verbose_name=_("program"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField(_("day"))
    spend = MoneyField(_("spend"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("day's spend")
        verbose_name_plural = _("days' spend")
        constraints = [
            # Also the index of a window's read: a contact's days in a program, in order.
            models.UniqueConstraint(fields=["contact", "program", "day"], name="loyalty_spendday_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}/{self.program_id} {self.day}: {self.spend}"
