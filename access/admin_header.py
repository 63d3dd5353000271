"""What the admin's header shows at its right (unfold's `ENVIRONMENT` label): the brands a brand-limited user works
in, so a manager always knows whose contacts and campaigns they are looking at. Unlimited staff get nothing extra."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.scoping import user_scope
from loyalty.models import Brand


def brand_text(user: object) -> str | None:
    """For a brand-limited staff user "Brand: X" or "Brands: X, Y"; None for unlimited staff and for everyone else."""
    scope = user_scope(user)
    if not scope.staff or scope.unlimited:
        return None
    names = list(Brand.objects.for_user(user).order_by("name", "pk").values_list("name", flat=True))
    if not names:
        return _("No brand assigned")
    return ngettext("Brand: %(names)s", "Brands: %(names)s", len(names)) % {"names": ", ".join(names)}


def brand_label(request: HttpRequest) -> list[str] | None:
    """The label unfold draws in the header: [text, colour]."""
    text = brand_text(request.user)
    return None if text is None else [text, "info"]
