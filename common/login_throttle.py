"""Wrong passwords throttled (django-axes, configured in settings): a username with `AXES_FAILURE_LIMIT` failures,
or an address with `LOGIN_FAILURE_LIMIT_PER_ADDRESS`, is refused for `AXES_COOLOFF_TIME` after its last counted
failure, the right password too, before any password is hashed (a check costs ~0.4 s of CPU with PBKDF2).

The failures are axes' attempt rows in the database, so every worker process sees them. Axes compares one number
with one limit; `LoginThrottleHandler` gives it the username's failures, or the limit itself when the address has
reached its own, so an address flooding with many usernames is stopped without locking those users out elsewhere.
"""

import ipaddress
import math
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_credentials, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import ngettext

from common.api.errors import error_body
from common.errors import DomainError


def client_ip(request: HttpRequest) -> str | None:
    """`AXES_CLIENT_IP_CALLABLE`: the address a login is counted against. `REMOTE_ADDR` unless `TRUSTED_PROXY_COUNT`
    proxies stand in front; then the address that many hops from the right of X-Forwarded-For, since each proxy
    appends the address it was reached from and whatever lies further left was written by the client."""
    remote = request.META.get("REMOTE_ADDR")
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops <= 0 or not forwarded:
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, and every entry was written by a proxy.
    candidate = forwarded[-hops] if len(forwarded) >= hops else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per username and another, higher, per address."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_username, by_address = self.failures(request, credentials)
        if by_address >= int(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
            return max(by_username, get_failure_limit(request, credentials))
        return by_username

    def failures(self, request: Any, credentials: dict[str, Any] | None = None) -> tuple[int, int]:
        """Failures within the cool-off for the username (from anywhere) and from the address (for any username)."""
        same_user = Q(username=get_client_username(request, credentials))
        same_address = Q(ip_address=request.axes_ip_address)
        totals = AccessAttempt.objects.filter(
            same_user | same_address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(
            by_username=Sum("failures_since_start", filter=same_user),
            by_address=Sum("failures_since_start", filter=same_address),
        )
        return totals["by_username"] or 0, totals["by_address"] or 0


def lockout_message(request: HttpRequest | None = None) -> str:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return ngettext(
        "Too many failed logins for this user or from this address: try again in %(minutes)d minute.",
        "Too many failed logins for this user or from this address: try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


class TooManyLoginAttempts(DomainError):
    status_code = 429
    code = "too_many_attempts"


def login_refused(request: Any, username: str) -> bool:
    """Whether the throttle refuses a login for this username from this request's address; asked before the
    password is checked. The same check in axes' backend stops a login that becomes refused meanwhile."""
    if not getattr(settings, "AXES_ENABLED", True):
        return False
    return not AxesProxyHandler.is_allowed(request, get_credentials(username))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """`AXES_LOCKOUT_CALLABLE`, called by axes' middleware after a refused login: the page that refused it (the
    admin's login form says why) with status 429, or the contract's error for the API."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(TooManyLoginAttempts.code, message), status=429)
    if original_response is None:
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    original_response.status_code = 429
    return original_response
