"""Cash registers: creation with a one-time API key, key rotation, last-seen stamps."""

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from loyalty.models import Register, hash_api_key

KEY_BYTES = 32


def _new_key() -> str:
    return "rk_" + secrets.token_urlsafe(KEY_BYTES)


@transaction.atomic
def register_create(*, data: dict[str, Any]) -> tuple[Register, str]:
    """Create a register; returns it with its API key in clear, which is never shown again."""
    key = _new_key()
    register = Register(**data, api_key_hash=hash_api_key(key), api_key_prefix=key[:8])
    register.full_clean()
    register.save()
    return register, key


@transaction.atomic
def register_rotate_key(*, register: Register) -> str:
    """Replace a register's API key; the old one stops working at once."""
    key = _new_key()
    register.api_key_hash = hash_api_key(key)
    register.api_key_prefix = key[:8]
    register.save(update_fields=["api_key_hash", "api_key_prefix", "updated_at"])
    return key


def register_by_key(key: str) -> Register | None:
    return (
        Register.objects.select_related("store__brand__program", "store__partner")
        .filter(api_key_hash=hash_api_key(key), is_active=True)
        .first()
    )


LAST_SEEN_RESOLUTION = timedelta(seconds=30)


def register_touch(*, register: Register) -> None:
    """Stamp `last_seen_at`, at most once per resolution so busy tills do not write on every call."""
    now = timezone.now()
    if register.last_seen_at is None or now - register.last_seen_at >= LAST_SEEN_RESOLUTION:
        Register.objects.filter(pk=register.pk).update(last_seen_at=now)
        register.last_seen_at = now
