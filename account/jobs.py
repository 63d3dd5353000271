"""The account's periodic job: forget what the login no longer needs (idempotent)."""

from datetime import datetime, timedelta

from account.models import CustomerToken, LoginCode

# Codes are kept a day for the limits (an hour is the longest window) and for support's questions.
KEEP_CODES = timedelta(days=1)


def cleanup(at: datetime) -> str:
    """Delete login codes older than a day and tokens expired or revoked more than a day ago."""
    codes, _detail = LoginCode.objects.filter(sent_at__lt=at - KEEP_CODES).delete()
    expired = CustomerToken.objects.filter(expires_at__lt=at - KEEP_CODES).delete()[0]
    revoked = CustomerToken.objects.filter(revoked_at__lt=at - KEEP_CODES).delete()[0]
    return f"{codes} codes, {expired + revoked} tokens forgotten"
