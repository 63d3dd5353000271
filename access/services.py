"""Writes about staff users: made and changed with their brands, `all_brands` flag and roles in one transaction."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.models import StaffProfile
from access.roles import ROLE_NAMES, sync_roles
from common.errors import InvalidInput
from common.scoping import forget_scope

User = get_user_model()


def _check_password(password: str, user: Any) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"password": exc.messages}) from exc


def staff_user_set_roles(*, user: Any, roles: Iterable[str]) -> None:
    """The user's role groups become exactly `roles` (other groups the user is in stay)."""
    roles = list(dict.fromkeys(roles))
    unknown = [role for role in roles if role not in ROLE_NAMES]
    if unknown:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": unknown[0]}, fields={"roles": [_("Unknown role.")]})
    if Group.objects.filter(name__in=roles).count() != len(roles):
        sync_roles()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_NAMES).exclude(name__in=roles))
    user.groups.add(*Group.objects.filter(name__in=roles))


def _apply(user: Any, data: dict[str, Any]) -> Any:
    if "all_brands" in data:
        StaffProfile.objects.update_or_create(user=user, defaults={"all_brands": bool(data["all_brands"])})
    if "brands" in data:
        user.managed_brands.set(data["brands"])
    if "roles" in data:
        staff_user_set_roles(user=user, roles=data["roles"])
    forget_scope(user)
    return user


@transaction.atomic
def staff_user_create(*, data: dict[str, Any]) -> Any:
    """A new staff user (never a superuser) with a password that passes Django's validators."""
    user = User(username=data["username"], is_staff=True, is_active=data.get("is_active", True))
    for key in ("first_name", "last_name", "email"):
        if key in data:
            setattr(user, key, data[key])
    _check_password(data["password"], user)
    user.set_password(data["password"])
    user.save()
    StaffProfile.objects.create(user=user, all_brands=bool(data.get("all_brands", False)))
    return _apply(user, {key: value for key, value in data.items() if key != "all_brands"})


@transaction.atomic
def staff_user_update(*, user: Any, data: dict[str, Any]) -> Any:
    for key in ("username", "first_name", "last_name", "email", "is_active"):
        if key in data:
            setattr(user, key, data[key])
    if data.get("password"):
        _check_password(data["password"], user)
        user.set_password(data["password"])
    user.save()
    return _apply(user, data)


def staff_users_visible_to(user: Any) -> Any:
    """Staff users a user may manage: superusers see all staff; unlimited staff see the staff who are not
    superusers (so they cannot take over one); nobody else sees any."""
    from common.scoping import user_scope

    queryset = User.objects.filter(is_staff=True).order_by("pk")
    if user.is_superuser:
        return queryset
    if user_scope(user).unlimited:
        return queryset.filter(is_superuser=False)
    return queryset.none()
