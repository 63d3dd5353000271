"""Apple's pass web service (the pass's `webServiceURL`): devices register for a card's pass, ask which of their
passes changed since a tag, fetch the latest pass, and unregister. Each call about a pass carries
`Authorization: ApplePass <authenticationToken>`, the keyed hash of the card's number the pass was made with.

Apple would be told of a change by a push through APNs to the registered push tokens; that needs Apple's
network and the pass type's push certificate, out of this installation's reach: the devices learn of changes when
they ask (Wallet asks on its own when a pass is opened or pulled to refresh), and `lastUpdated` tells them which.
"""

import json
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from account.models import WalletRegistration
from account.wallet.apple import CONTENT_TYPE, apple_config, authentication_token, pkpass
from account.wallet.images import badge_png
from account.wallet.state import pass_state, tag_moment, update_tag
from common.api.errors import error_body
from loyalty.models import Card

MAX_ID = 128


def _not_configured() -> JsonResponse:
    return JsonResponse(error_body("not_configured", "Wallet cards are not configured."), status=404)


def _pass_card(request: HttpRequest, pass_type: str, serial: str) -> Card | HttpResponse:
    """The card of an authenticated request about its pass, or the answer refusing it (404 when no pass type is
    configured or it is another one, 401 for a wrong or missing authentication token)."""
    config = apple_config()
    if config is None:
        return _not_configured()
    if pass_type != config.pass_type_id:
        return HttpResponse(status=404)
    card = (
        Card.objects.select_related("contact", "card_type__program")
        .filter(number=serial, contact__isnull=False)
        .first()
    )
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if card is None or scheme != "ApplePass" or not constant_time_compare(token, authentication_token(card)):
        return HttpResponse(status=401)
    return card


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def registration(request: HttpRequest, device: str, pass_type: str, serial: str) -> HttpResponse:
    """POST: register the device for the pass's updates (201 new, 200 known); DELETE: unregister (200)."""
    found = _pass_card(request, pass_type, serial)
    if isinstance(found, HttpResponse):
        return found
    if request.method == "DELETE":
        WalletRegistration.objects.filter(device=device, pass_type=pass_type, card=found).delete()
        return HttpResponse(status=200)
    try:
        body: Any = json.loads(request.body or b"{}")
    except ValueError:
        body = {}
    push_token = str(body.get("pushToken", "") if isinstance(body, dict) else "")[:255]
    try:
        with transaction.atomic():
            _registration, created = WalletRegistration.objects.update_or_create(
                device=device, pass_type=pass_type, card=found, defaults={"push_token": push_token}
            )
    except IntegrityError:  # registered by a request at the same moment
        created = False
    return HttpResponse(status=201 if created else 200)


@require_http_methods(["GET"])
def updatable(request: HttpRequest, device: str, pass_type: str) -> HttpResponse:
    """The serial numbers of the device's passes changed since `passesUpdatedSince` (all without it); 204 none."""
    config = apple_config()
    if config is None:
        return _not_configured()
    since = tag_moment(request.GET.get("passesUpdatedSince"))
    cards = [
        registration.card
        for registration in WalletRegistration.objects.filter(device=device, pass_type=pass_type).select_related(
            "card__contact", "card__card_type__program"
        )
        if registration.card.contact_id is not None
    ]
    states = [pass_state(card) for card in cards]
    changed = [state for state in states if since is None or int(update_tag(state.updated_at)) > since]
    if not changed:
        return HttpResponse(status=204)
    latest = max(state.updated_at for state in states)
    return JsonResponse(
        {"serialNumbers": sorted(state.card.number for state in changed), "lastUpdated": update_tag(latest)}
    )


@require_http_methods(["GET"])
def latest_pass(request: HttpRequest, pass_type: str, serial: str) -> HttpResponse:
    """The pass as it is now; 304 when unchanged since `If-Modified-Since`."""
    found = _pass_card(request, pass_type, serial)
    if isinstance(found, HttpResponse):
        return found
    state = pass_state(found)
    modified = int(state.updated_at.timestamp())
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and modified <= since:
        return HttpResponse(status=304)
    data, _state = pkpass(found)
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Last-Modified"] = http_date(modified)
    return response


@csrf_exempt
@require_http_methods(["POST"])
def log(request: HttpRequest) -> HttpResponse:
    """Wallet's error reports about our passes: nothing to keep."""
    return HttpResponse(status=200)


@require_http_methods(["GET", "HEAD"])
def logo(request: HttpRequest) -> HttpResponse:
    """The program's logo a Google Wallet class points at."""
    response = HttpResponse(badge_png(200, 200), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
