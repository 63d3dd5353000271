"""Apple Wallet: the devices that keep a card's pass and want to hear of its changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, internal


@internal
class WalletRegistration(TimeStampedModel):
    """A device registered for updates of a card's pass (Apple's pass web service); its push token is what APNs
    would be told when the pass changes."""

    device = models.CharField(_("device library identifier"), max_length=128)
    pass_type = models.CharField(_("pass type identifier"), max_length=255)
    card = models.ForeignKey("loyalty.Card", verbose_name=_("card"), on_delete=models.CASCADE, related_name="+")
    push_token = models.CharField(_("push token"), max_length=255)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("wallet pass registration")
        verbose_name_plural = _("wallet pass registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "pass_type", "card"],
                name="%(app_label)s_%(class)s_one_per_device_and_pass",
                violation_error_message=_("The device is already registered for this pass."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} → {self.card_id}"
