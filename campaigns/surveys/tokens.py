"""Personal survey links: `/s/<token>/`, the token signed from the survey and the contact.

Signed with the secret key (and its fallbacks) under a salt of its own, so a token of another kind never opens a
survey, and without a time stamp, so the same invitation always has the same link (recomputed, never stored: a
million invitations need no million tokens kept, and the links API answers with the link the message carried).
"""

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "surveys.invitation"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def make_token(survey_id: int, contact_id: int) -> str:
    return _signer().sign(f"{survey_id}.{contact_id}")


def read_token(token: str) -> tuple[int, int] | None:
    """(survey id, contact id) of a genuine token, else None."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    survey, _dot, contact = value.partition(".")
    if not (survey.isdigit() and contact.isdigit()):
        return None
    return int(survey), int(contact)


@lru_cache(maxsize=1)
def _page_path() -> tuple[str, str]:
    before, _token, after = reverse("surveys:page", args=["TOKEN"]).partition("TOKEN")
    return before, after


def page_path(token: str) -> str:
    """The page's path for a token (`/s/<token>/`)."""
    before, after = _page_path()
    return f"{before}{token}{after}"


def site_base(request_base: str | None = None) -> str:
    """Where customers reach this site: DJANGO_PUBLIC_URL when set, else the address the staff request came to,
    else http:// and the first allowed host (as the messaging app's links)."""
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL.rstrip("/")
    if request_base:
        return request_base.rstrip("/")
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*", "") and not host.startswith(".")]
    return f"http://{hosts[0] if hosts else 'localhost'}"


def link(survey_id: int, contact_id: int, *, base: str) -> str:
    """The absolute personal link of a contact to a survey."""
    return base + page_path(make_token(survey_id, contact_id))
