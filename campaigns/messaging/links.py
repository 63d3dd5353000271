"""Signed links for people outside the office: unsubscribe (`/u/<token>/`), the open pixel (`/t/o/<token>`), click
redirects (`/t/c/<token>`) and e-mail confirmation (`/c/<token>/`). Each kind signs with its own salt, so one kind's
token never opens another's page; only the confirmation expires (an unsubscribe link must work forever)."""

import re
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

CONFIRM_EMAIL_MAX_AGE = 7 * 24 * 3600

_HREF = re.compile(r"""(href\s*=\s*)(["'])(https?://[^"'\s>]+)\2""", re.IGNORECASE)
_HTML = re.compile(r"<(html|body|p|br|div|a|table|span|h[1-6])\b", re.IGNORECASE)


def public_url(path: str) -> str:
    """An absolute address of a page of ours, for a message read outside (PUBLIC_URL, else the first host)."""
    base = settings.PUBLIC_URL.rstrip("/")
    if not base:
        hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*", "") and not host.startswith(".")]
        base = f"http://{hosts[0] if hosts else 'localhost'}"
    return base + path


def _dumps(kind: str, payload: dict[str, Any]) -> str:
    return signing.dumps(payload, salt=f"messaging.{kind}", compress=True)


def loads(kind: str, token: str, *, max_age: int | None = None) -> dict[str, Any] | None:
    """The payload of a token of `kind`, or None when it is forged, of another kind or expired."""
    try:
        payload = signing.loads(token, salt=f"messaging.{kind}", max_age=max_age)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


@lru_cache(maxsize=8)
def _address(name: str) -> tuple[str, str]:
    """The page's address around its token, reversed once (a message batch makes thousands)."""
    before, _token, after = reverse(f"messaging:{name}", args=["TOKEN"]).partition("TOKEN")
    return public_url(before), after


def _url(name: str, token: str) -> str:
    before, after = _address(name)
    return f"{before}{token}{after}"


def unsubscribe_url(contact_id: int, channel: str) -> str:
    return _url("unsubscribe", _dumps("unsubscribe", {"c": contact_id, "ch": channel}))


def open_url(message_id: int) -> str:
    return _url("open", _dumps("open", {"m": message_id}))


def click_url(message_id: int, url: str) -> str:
    return _url("click", _dumps("click", {"m": message_id, "u": url}))


def confirm_email_url(contact_id: int, email: str) -> str:
    return _url("confirm-email", _dumps("confirm", {"c": contact_id, "e": email}))


def is_html(text: str) -> bool:
    return bool(_HTML.search(text))


def tracked_html(html: str, *, message_id: int) -> str:
    """The HTML with every http(s) link through a signed click redirect (but our own unsubscribe and confirmation
    pages) and an open pixel."""
    own = (public_url("/u/"), public_url("/c/"))

    def rewrite(found: re.Match[str]) -> str:
        url = found.group(3).replace("&amp;", "&")
        if url.startswith(own):
            return found.group(0)
        return f"{found.group(1)}{found.group(2)}{escape(click_url(message_id, url))}{found.group(2)}"

    html = _HREF.sub(rewrite, html)
    pixel = f'<img src="{escape(open_url(message_id))}" width="1" height="1" alt="">'
    closing = html.lower().rfind("</body>")
    if closing >= 0:
        return html[:closing] + pixel + html[closing:]
    return html + pixel
