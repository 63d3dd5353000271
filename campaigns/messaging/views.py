"""Pages for people outside the office: one-click unsubscribe, e-mail confirmation, the open pixel and click
redirects. Small pages from templates and a local stylesheet, in the visitor's language (Russian or English)."""

import base64
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.messaging import links
from campaigns.messaging.choices import Channel
from campaigns.messaging.services.confirmation import email_confirm_by_link
from campaigns.messaging.services.tracking import message_clicked, message_opened
from contacts.models import Contact
from contacts.services.subscriptions import contact_subscription_set

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _language(request: HttpRequest) -> None:
    wanted = request.GET.get("lang")
    if wanted in ("ru", "en"):
        translation.activate(wanted)
        request.LANGUAGE_CODE = wanted


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"messaging/public/{template}", context, status=status)


@csrf_exempt  # the signed token is the authority; mail clients post the one-click unsubscribe (RFC 8058)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link unsubscribes (one click); the page offers to subscribe again."""
    _language(request)
    payload = links.loads("unsubscribe", token)
    contact = Contact.objects.filter(pk=payload.get("c")).first() if payload else None
    channel = payload.get("ch") if payload else None
    if contact is None or channel not in Channel.values:
        return _page(request, "invalid.html", {}, status=404)
    subscribed = request.method == "POST" and request.POST.get("action") == "resubscribe"
    if request.method != "HEAD":
        contact_subscription_set(
            contact=contact,
            channel=str(channel),
            subscribed=subscribed,
            source="unsubscribe_page" if subscribed else "unsubscribe_link",
        )
    context = {"subscribed": subscribed, "channel": Channel(channel).label, "token": token}
    return _page(request, "unsubscribe.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    _language(request)
    payload = links.loads("confirm", token, max_age=links.CONFIRM_EMAIL_MAX_AGE)
    confirmed = payload is not None and email_confirm_by_link(contact_id=payload.get("c"), email=payload.get("e"))
    if not confirmed:
        return _page(request, "invalid.html", {}, status=404)
    return _page(request, "confirmed.html", {})


@never_cache
def track_open(request: HttpRequest, token: str) -> HttpResponse:
    payload = links.loads("open", token)
    if payload is not None and isinstance(payload.get("m"), int):
        message_opened(message_id=payload["m"], at=timezone.now())
    return HttpResponse(PIXEL, content_type="image/gif")


@never_cache
def track_click(request: HttpRequest, token: str) -> HttpResponse:
    payload = links.loads("click", token) or {}
    url, message_id = payload.get("u"), payload.get("m")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or not isinstance(message_id, int):
        raise Http404
    message_clicked(message_id=message_id, url=url, at=timezone.now())
    return HttpResponseRedirect(url)
