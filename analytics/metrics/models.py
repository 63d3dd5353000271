"""The metrics' records: the churn model each `analytics` job trains, and the admin's report pages.

The report pages (RFM, LTV, ABC/XYZ, BCG, fraud) are proxies of purchases, which they are made of: each is an entry
in the admin with its own view permission (`metrics.view_rfmreport`...), limited to the user's brands like the
purchases are; their pages are drawn by `analytics.metrics.admin`, not as change lists.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, shared
from loyalty.models import Purchase


class ChurnStatus(models.TextChoices):
    TRAINED = "trained", _("trained")
    SKIPPED = "skipped", _("not enough history")


@shared
class ChurnModel(TimeStampedModel):
    """One training of the churn model by the `analytics` job: a logistic regression on features of each contact's
    purchases and events as of the training cutoff, labelled by whether they bought in the `horizon_days` after it,
    validated on a later cutoff (its AUC), and used to score every contact who bought in the last year. The latest
    trained row is the one in use. Seen by all staff (figures of the whole installation, nothing of a brand's)."""

    trained_at = models.DateTimeField(_("trained at"), help_text=_("The time the job ran for."))
    status = models.CharField(_("status"), max_length=20, choices=ChurnStatus.choices)
    note = models.TextField(_("note"), blank=True)
    horizon_days = models.PositiveIntegerField(_("horizon (days)"), help_text=_("No purchase within it = churned."))
    training_cutoff = models.DateTimeField(_("training cutoff"), null=True, blank=True)
    validation_cutoff = models.DateTimeField(_("validation cutoff"), null=True, blank=True)
    training_contacts = models.PositiveIntegerField(_("training contacts"), default=0)
    training_churned = models.PositiveIntegerField(_("churned in training"), default=0)
    validation_contacts = models.PositiveIntegerField(_("validation contacts"), default=0)
    validation_churned = models.PositiveIntegerField(_("churned in validation"), default=0)
    training_auc = models.FloatField(_("training AUC"), null=True, blank=True)
    auc = models.FloatField(_("validation AUC"), null=True, blank=True, help_text=_("On the held-out later period."))
    features = models.JSONField(
        _("features"), default=list, blank=True, help_text=_("Each feature's name, weight, mean and scale.")
    )
    intercept = models.FloatField(_("intercept"), null=True, blank=True)
    scored_contacts = models.PositiveIntegerField(_("contacts scored"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("churn model")
        verbose_name_plural = _("churn models")
        ordering = ["-trained_at", "-pk"]

    def __str__(self) -> str:
        auc = f"AUC {self.auc:.3f}" if self.auc is not None else self.get_status_display()
        return f"{self.trained_at:%Y-%m-%d %H:%M}: {auc}"


class RfmReport(Purchase):
    """The RFM page (a proxy of purchases)."""

    class Meta:
        proxy = True
        verbose_name = _("RFM")
        verbose_name_plural = _("RFM")


class LtvReport(Purchase):
    """The LTV and retention page (a proxy of purchases)."""

    class Meta:
        proxy = True
        verbose_name = _("LTV and retention")
        verbose_name_plural = _("LTV and retention")


class AbcXyzReport(Purchase):
    """The ABC/XYZ page (a proxy of purchases)."""

    class Meta:
        proxy = True
        verbose_name = _("ABC/XYZ")
        verbose_name_plural = _("ABC/XYZ")


class BcgReport(Purchase):
    """The BCG matrix page (a proxy of purchases)."""

    class Meta:
        proxy = True
        verbose_name = _("BCG matrix")
        verbose_name_plural = _("BCG matrix")


class FraudReport(Purchase):
    """The fraud signals page (a proxy of purchases)."""

    class Meta:
        proxy = True
        verbose_name = _("fraud signals")
        verbose_name_plural = _("fraud signals")
