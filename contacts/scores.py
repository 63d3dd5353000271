"""Per-contact scores computed by analytics (the RFM segment's name, the churn risk), stored here, in the lowest app,
so that segment rules (`rfm`, `churn_risk`) read them without importing analytics. Until the analytics job fills
the table it is empty, and rules over it match nobody."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager

# The RFM segments (the contract's names, in its order) and their labels: analytics writes them, segment rules and the
# rule builder read them.
RFM_SEGMENTS = ("champions", "loyal", "at_risk", "lost", "new", "others")
RFM_SEGMENT_LABELS = {
    "champions": _("Champions"),
    "loyal": _("Loyal"),
    "at_risk": _("At risk"),
    "lost": _("Lost"),
    "new": _("New"),
    "others": _("Others"),
}


class ContactScore(TimeStampedModel):
    """A contact's latest scores: `rfm` (an RFM segment name, e.g. "champions") and `churn_risk` (0–1)."""

    contact = models.OneToOneField(
        "contacts.Contact", verbose_name=_("contact"), on_delete=models.CASCADE, related_name="score", primary_key=True
    )
    # Indexed: a segment rule `rfm in [...]` reads the contacts of a few names out of a million.
    rfm = models.CharField(_("RFM segment"), max_length=40, blank=True, db_index=True)
    churn_risk = models.DecimalField(
        _("churn risk"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contact score")
        verbose_name_plural = _("contact scores")
        ordering = ["contact"]
        constraints = [
            models.CheckConstraint(
                condition=Q(churn_risk__gte=0, churn_risk__lte=1) | Q(churn_risk__isnull=True),
                name="%(app_label)s_%(class)s_churn_risk_range",
                violation_error_message=_("The churn risk is between 0 and 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.rfm or '-'} / {self.churn_risk if self.churn_risk is not None else '-'}"
