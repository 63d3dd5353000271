"""Customer tokens: made at login, found by their key (kept only hashed), revoked at logout, lapsing when old."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from account.models import CustomerToken
from contacts.models import Contact
from loyalty.models import hash_api_key

KEY_BYTES = 32
# `last_used_at` is written at most this often, so that a busy app does not write on every call.
TOUCH_RESOLUTION = timedelta(minutes=1)


def customer_token_create(
    *, contact: Contact, source: str = "", now: datetime | None = None
) -> tuple[CustomerToken, str]:
    """A new token of the contact; returns it with its key in clear, which is never shown again."""
    now = now or timezone.now()
    key = "ct_" + secrets.token_urlsafe(KEY_BYTES)
    token = CustomerToken.objects.create(
        contact=contact,
        key_hash=hash_api_key(key),
        prefix=key[:8],
        source=source,
        expires_at=now + timedelta(days=settings.ACCOUNT_TOKEN_DAYS),
    )
    return token, key


def _live(now: datetime) -> dict[str, object]:
    return {"revoked_at__isnull": True, "expires_at__gt": now}


def customer_token_find(key: str, *, now: datetime | None = None) -> CustomerToken | None:
    """The live token with this key (its contact read along), or None."""
    if not key or len(key) > 100:
        return None
    return (
        CustomerToken.objects.select_related("contact")
        .filter(key_hash=hash_api_key(key), **_live(now or timezone.now()))
        .first()
    )


def customer_token_by_id(token_id: object, *, now: datetime | None = None) -> CustomerToken | None:
    """The live token with this id (the page keeps the id in its session, never the key)."""
    if not isinstance(token_id, int):
        return None
    return CustomerToken.objects.select_related("contact").filter(pk=token_id, **_live(now or timezone.now())).first()


def customer_token_touch(*, token: CustomerToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_RESOLUTION:
        CustomerToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def customer_token_revoke(*, token: CustomerToken) -> None:
    CustomerToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
