"""The staff profile: what Django's user lacks for brand scoping."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scoping import ScopedManager, internal


@internal
class StaffProfile(TimeStampedModel):
    """Whether a staff user works across every brand; a user without one works only in the brands they manage."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    all_brands = models.BooleanField(
        _("all brands"),
        default=False,
        help_text=_("Sees and changes the objects of every brand, and what all brands share (categories, blacklist)."),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
