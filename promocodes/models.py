"""Promo-code pools, their codes (unique across the whole system), each use of a code on a receipt, generation
jobs, and the count and record of registers sending unknown codes (brute-force protection)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, brand_scoped, internal

from .choices import CodeStatus, JobStatus, PoolKind


@brand_scoped("brand")
class PromoPool(TimeStampedModel):
    """Codes that unlock one campaign (`requires_code`): many generated single-use codes, or one multi-use code."""

    BRAND_SCOPE = ("brand",)
    # What a marketer sets, in the order the admin form and the API show it.
    EDITABLE_FIELDS = (
        "name",
        "brand",
        "campaign",
        "kind",
        "code",
        "prefix",
        "length",
        "valid_from",
        "valid_to",
        "max_uses",
        "max_uses_per_contact",
        "release_on_refund",
    )

    name = models.CharField(_("name"), max_length=200)
    brand = models.ForeignKey(
        "loyalty.Brand", verbose_name=_("brand"), on_delete=models.PROTECT, related_name="promo_pools"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="promo_pools"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PoolKind.choices, default=PoolKind.SINGLE_USE)
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("The one code of a multi-use pool (generated if empty).")
    )
    prefix = models.CharField(_("prefix"), max_length=16, blank=True)
    length = models.PositiveSmallIntegerField(
        _("length"), default=8, help_text=_("Random characters after the prefix (4 to 24).")
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    max_uses = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Multi-use code: empty = unlimited.")
    )
    max_uses_per_contact = models.PositiveIntegerField(
        _("uses per customer"),
        null=True,
        blank=True,
        default=1,
        help_text=_("Codes of this pool one customer may use; empty = unlimited."),
    )
    release_on_refund = models.BooleanField(
        _("release on refund"), default=False, help_text=_("A fully refunded receipt makes its code usable again.")
    )
    total_codes = models.PositiveIntegerField(_("codes"), default=0, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("promo-code pool")
        verbose_name_plural = _("promo-code pools")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="%(app_label)s_%(class)s_valid_to_after_from",
                violation_error_message=_("The end of validity must be after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@brand_scoped("pool__brand")
class PromoCode(models.Model):
    """One code. Unique across the system, stored upper-case; single-use codes are burned by a confirm,
    the multi-use pool's one code counts its uses."""

    # Every index here costs time on each of a million generated codes, so there are just three: the unique code
    # (byte-order collation on PostgreSQL, migration 0002, which also serves prefix searches), the pool with the
    # status and id, and the purchases of used codes. No database constraint to the pool either: its per-row check was a
    # third of the insert's time; codes are written only by the pool's services and go with it (`pool_delete`).
    code = models.CharField(_("code"), max_length=40)
    pool = models.ForeignKey(
        PromoPool,
        verbose_name=_("pool"),
        on_delete=models.CASCADE,
        related_name="codes",
        db_constraint=False,
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=CodeStatus.choices[:2], default=CodeStatus.ACTIVE)
    uses = models.PositiveIntegerField(_("uses"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    purchase = models.ForeignKey(
        "loyalty.Purchase",
        verbose_name=_("last purchase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["code"], name="promocodes_code_unique")]
        indexes = [
            # A pool's codes by status, newest first, without a sort (the admin and API lists on millions of codes).
            models.Index(fields=["pool", "status", "-id"], name="promocodes_code_pool_status_id"),
            models.Index(fields=["purchase"], name="promocodes_code_purchase", condition=Q(purchase__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code


@brand_scoped("pool__brand")
class CodeUse(models.Model):
    """A code carried by a confirmed receipt (released when a full refund gives the code back)."""

    code = models.ForeignKey(PromoCode, verbose_name=_("code"), on_delete=models.CASCADE, related_name="code_uses")
    pool = models.ForeignKey(PromoPool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="code_uses")
    purchase = models.ForeignKey(
        "loyalty.Purchase", verbose_name=_("purchase"), on_delete=models.CASCADE, related_name="code_uses"
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="code_uses",
    )
    store = models.ForeignKey("loyalty.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    register = models.ForeignKey(
        "loyalty.Register", verbose_name=_("register"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("code use")
        verbose_name_plural = _("code uses")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["pool", "contact"], name="promocodes_use_pool_contact"),
            models.Index(fields=["pool", "at"], name="promocodes_use_pool_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code_id} on {self.purchase_id}"


@brand_scoped("pool__brand")
class GenerationJob(TimeStampedModel):
    """Codes being generated into a pool in the background; `generated` moves as each batch commits."""

    BRAND_SCOPE = ("pool__brand",)

    pool = models.ForeignKey(PromoPool, verbose_name=_("pool"), on_delete=models.CASCADE, related_name="jobs")
    requested = models.PositiveIntegerField(_("requested"))
    generated = models.PositiveIntegerField(_("generated"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.pool_id}: {self.generated}/{self.requested}"

    @property
    def percent(self) -> int:
        return int(self.generated * 100 / self.requested) if self.requested else 100


@internal
class AttemptCounter(models.Model):
    """Promo codes a register sent within one clock minute that were not found: one row per register and minute,
    moved by one atomic upsert per request (`promocodes.guessing`), so concurrent calculates cannot all pass one
    look at the count; codes still being checked are counted until the found ones are given back."""

    # No timestamps: the row is its minute, and the register's next minute deletes it.
    register = models.ForeignKey(
        "loyalty.Register",
        verbose_name=_("register"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (register, minute) index serves every lookup
    )
    minute = models.DateTimeField(_("minute"))
    codes = models.PositiveIntegerField(_("unknown codes"), default=0)
    requests = models.PositiveIntegerField(_("requests with codes"), default=0)
    refusals = models.PositiveIntegerField(_("refused requests"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("unknown code count")
        verbose_name_plural = _("unknown code counts")
        constraints = [
            models.UniqueConstraint(fields=["register", "minute"], name="promocodes_attemptcounter_register_minute")
        ]

    def __str__(self) -> str:
        return f"{self.register_id} at {self.minute:%Y-%m-%d %H:%M}: {self.codes}"


@brand_scoped("register__store__brand")
class AttemptBlock(models.Model):
    """Audit: a register was refused (429) for sending too many unknown codes within a minute."""

    BRAND_SCOPE = ("register__store__brand",)

    register = models.ForeignKey(
        "loyalty.Register", verbose_name=_("register"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(_("unknown codes in the last minute"))
    codes = models.JSONField(_("codes sent"), default=list)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("blocked code guessing")
        verbose_name_plural = _("blocked code guessing")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.register_id} at {self.at:%Y-%m-%d %H:%M}"
