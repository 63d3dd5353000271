"""The promoter's pages: the stand's lead form (`/promo/<code>/`, an offline-capable PWA), the list of the user's
stands (`/promo/`, the installed app's start), a small login page, and the service worker at `/promo/sw.js` (so
that its scope covers every page under /promo/). Leads are sent by the page's script to `POST /api/v1/leads`."""

import hashlib
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.admin.login import AdminLoginForm
from promoters.models import Stand
from promoters.selectors import stand_is_open, stands_for_user

# The files the service worker keeps for offline use; their digest names the worker's version, so a change to any of
# them installs a new worker that drops the old cache.
ASSETS = (
    "promoters/lead.css",
    "promoters/lead.js",
    "promoters/sw.js",
    "promoters/manifest.webmanifest",
    "promoters/icon.svg",
    "promoters/icon-192.png",
    "promoters/icon-512.png",
)
LANGUAGES = ("ru", "en")


@cache
def assets_version() -> str:
    digest = hashlib.sha256()
    for name in ASSETS:
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:12]


def with_language(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """`?lang=ru|en` switches a page's language and remembers it (Django's language cookie)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        wanted = request.GET.get("lang")
        if wanted not in LANGUAGES:
            return view(request, *args, **kwargs)
        with translation.override(wanted):
            request.LANGUAGE_CODE = wanted
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, wanted, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    return wrapped


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"sw_url": f"{reverse('promoters:sw')}?v={assets_version()}", "languages": LANGUAGES, **context}
    return render(request, f"promoters/{template}", context, status=status)


def _login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('promoters:login')}?{urlencode({'next': request.get_full_path()})}")


def _may_capture(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.is_active and user.has_perm("promoters.add_lead"))


@never_cache
@require_GET
@with_language
def stand_list(request: HttpRequest) -> HttpResponse:
    """The stands the user captures leads at, open ones first (the installed app starts here)."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    now = timezone.now()
    stands = list(stands_for_user(request.user).order_by("starts_at", "name")) if _may_capture(request.user) else []
    rows = [{"stand": stand, "open": stand_is_open(stand, now)} for stand in stands]
    rows.sort(key=lambda row: not row["open"])
    return _page(request, "stands.html", {"rows": rows})


@never_cache
@require_GET
@with_language
def stand_page(request: HttpRequest, code: str) -> HttpResponse:
    """The stand's lead form, for its promoters (and staff who run its stands)."""
    if not request.user.is_authenticated:
        return _login_redirect(request)
    stand: Stand | None = None
    if _may_capture(request.user):
        stand = stands_for_user(request.user).select_related("brand").filter(code=code).first()
    if stand is None:
        return _page(request, "denied.html", {"code": code}, status=403)
    now = timezone.now()
    config = {
        "stand": stand.code,
        "api": "/api/v1/leads",
        "consentVersion": stand.consent_version_shown,
        "csrfToken": get_token(request),
        "swUrl": f"{reverse('promoters:sw')}?v={assets_version()}",
        "resetSeconds": 12,
        "text": _script_texts(),
    }
    context = {
        "stand": stand,
        "open": stand_is_open(stand, now),
        "config": config,
        "consent_version": stand.consent_version_shown,
    }
    return _page(request, "stand.html", context)


def _script_texts() -> dict[str, str]:
    """What the page's script says, in the page's language."""
    return {
        "phoneInvalid": _("Enter a mobile number: +7 and ten digits."),
        "phoneRequired": _("Enter the phone number."),
        "emailInvalid": _("Enter a valid e-mail or leave it empty."),
        "birthInvalid": _("Enter a birth date in the past."),
        "termsRequired": _("The visitor must accept the terms to join."),
        "blacklisted": _("Sorry, we cannot register this phone number or e-mail. Please ask the promoter for help."),
        "closed": _("The stand is not open now: leads cannot be taken."),
        "denied": _("You are not a promoter of this stand."),
        "loginAgain": _("Your session has ended: log in again to send the waiting leads."),
        "error": _("Something went wrong. Please check the form and try again."),
        "thanks": _("Thank you!"),
        "thanksName": _("Thank you, %(name)s!"),
        "joined": _("You have joined the loyalty program."),
        "matched": _("Welcome back! Your card is ready to use."),
        "card": _("Card number: %(card)s"),
        "savedOffline": _("Saved on this tablet: it will be sent as soon as the network is back."),
        "queued": _("Leads waiting to be sent: %(count)s"),
        "sending": _("Sending waiting leads…"),
        "allSent": _("All leads are sent."),
        "refused": _("Leads refused by the server: %(count)s"),
        "offline": _("No network: leads are kept on this tablet."),
    }


login = with_language(
    auth_views.LoginView.as_view(
        template_name="promoters/login.html",
        authentication_form=AdminLoginForm,
        next_page="promoters:stands",
        extra_context={"languages": LANGUAGES},
    )
)
logout = auth_views.LogoutView.as_view(next_page="promoters:login")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from static/ but served under /promo/ so that its scope is /promo/."""
    found = finders.find("promoters/sw.js")
    if not isinstance(found, str):
        raise Http404
    response = HttpResponse(Path(found).read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/promo/"
    response["Cache-Control"] = "no-cache"
    return response
