"""Making and changing stands: one service for the API and the admin."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput
from promoters.models import Stand
from promoters.selectors import works_in_brand


def stand_promoters_check(*, brand_id: int, promoters: list[Any]) -> None:
    """Every promoter is active staff who works in the stand's brand (else they could not open its page)."""
    strangers = [user for user in promoters if not works_in_brand(user, brand_id)]
    if strangers:
        names = ", ".join(sorted(user.get_username() for user in strangers))
        raise InvalidInput(
            _("Not staff of the stand's brand: %(names)s.") % {"names": names},
            fields={"promoters": [_("Each promoter must be active staff who works in the stand's brand.")]},
        )


@transaction.atomic
def stand_save(*, stand: Stand, data: dict[str, Any]) -> Stand:
    """Create or change a stand from `data` (any of `Stand.EDITABLE_FIELDS`); `promoters` replaces the list."""
    promoters = data.get("promoters")
    for name in Stand.EDITABLE_FIELDS:
        if name in data and name != "promoters":
            setattr(stand, name, data[name])
    stand.code = (stand.code or "").strip()
    try:
        stand.full_clean(validate_unique=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from exc
    if promoters is not None:
        stand_promoters_check(brand_id=stand.brand_id, promoters=list(promoters))
    elif stand.pk is not None:
        stand_promoters_check(brand_id=stand.brand_id, promoters=list(stand.promoters.all()))
    try:
        with transaction.atomic():
            stand.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A stand with this code already exists."), code="duplicate_code", fields={"code": [_("Taken.")]}
        ) from exc
    if promoters is not None:
        stand.promoters.set(promoters)
    return stand
