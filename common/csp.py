"""Content-Security-Policy by area: the strict `SECURE_CSP` everywhere, `SECURE_CSP_ADMIN` on the admin's pages."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class AreaContentSecurityPolicyMiddleware:
    """Chooses the policy of an answer whose view chose none (`csp_override`), before Django's middleware writes it.

    - the admin site's pages (its URL namespace) get `SECURE_CSP_ADMIN`;
    - with DEBUG on, Django's technical error pages get none: they carry inline styles and scripts without a nonce.

    Listed after `django.middleware.csp.ContentSecurityPolicyMiddleware`, so it sees the response first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if hasattr(response, "_csp_config"):
            return response
        if settings.DEBUG and response.status_code >= 400 and response.get("Content-Type", "").startswith("text/html"):
            response._csp_config = {}  # type: ignore[attr-defined]
            return response
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            response._csp_config = settings.SECURE_CSP_ADMIN  # type: ignore[attr-defined]
        return response
