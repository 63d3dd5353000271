"""The page `/account/`: the customer logs in by an SMS code and sees their balance, tier, cards (as a barcode
and a QR code), history, open surveys and subscriptions, and blocks a lost card.

Plain forms posted to the page (each answered by a redirect), no script needed: the same services and selectors as
the API. The session keeps the id of the customer's token (never its key), so logging out revokes it.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from account.models import CustomerToken
from account.selectors.history import AccountHistory
from account.selectors.overview import account_overview
from account.services.login import customer_login, login_code_send
from account.services.profile import PROFILE_FIELDS, account_card_block, account_profile_update
from account.services.tokens import customer_token_by_id, customer_token_revoke
from account.wallet.apple import CONTENT_TYPE, apple_config, pkpass
from account.wallet.cards import own_card
from account.wallet.google import google_configured, google_save_url
from common.errors import DomainError, InvalidInput
from common.login_throttle import client_ip
from contacts.models import Contact

SESSION_TOKEN = "account_token"
SESSION_PHONE = "account_phone"
HISTORY_PAGE = 10
SUBSCRIPTIONS = ("subscribed_sms", "subscribed_email", "subscribed_push", "subscribed_messenger")


def page_token(request: HttpRequest) -> CustomerToken | None:
    """The customer logged in on this browser, if their token is still live."""
    return customer_token_by_id(request.session.get(SESSION_TOKEN))


def _here(request: HttpRequest, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("account:page") + (f"#{anchor}" if anchor else ""))


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account_page(request: HttpRequest) -> HttpResponse:
    token = page_token(request)
    if token is None:
        return _login(request)
    if request.method == "POST":
        return _act(request, token)
    return _show(request, token.contact)


def _login(request: HttpRequest) -> HttpResponse:
    phone = request.session.get(SESSION_PHONE, "")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send":
                code = login_code_send(phone=request.POST.get("phone", ""), ip=client_ip(request))
                request.session[SESSION_PHONE] = code.phone
            elif action == "login" and phone:
                login = customer_login(phone=phone, code=request.POST.get("code", ""), source="site")
                request.session.cycle_key()
                request.session[SESSION_TOKEN] = login.token.pk
                request.session.pop(SESSION_PHONE, None)
            elif action == "other_phone":
                request.session.pop(SESSION_PHONE, None)
        except DomainError as exc:
            _fail(request, exc)
            if action == "send":
                request.session.pop(SESSION_PHONE, None)
        return _here(request)
    return render(request, "account/login.html", {"phone": phone})


def _act(request: HttpRequest, token: CustomerToken) -> HttpResponse:
    contact = token.contact
    action = request.POST.get("action")
    anchor = ""
    try:
        if action == "block":
            card = account_card_block(contact=contact, number=request.POST.get("number", ""))
            messages.success(request, _("Card %(number)s is blocked.") % {"number": card.number})
            anchor = "cards"
        elif action == "subscriptions":
            account_profile_update(
                contact=contact, data={field: request.POST.get(field) == "on" for field in SUBSCRIPTIONS}
            )
            messages.success(request, _("Your subscriptions are saved."))
            anchor = "subscriptions"
        elif action == "profile":
            account_profile_update(contact=contact, data=_profile_data(request.POST, contact))
            messages.success(request, _("Your details are saved."))
            anchor = "profile"
        elif action == "logout":
            customer_token_revoke(token=token)
            request.session.pop(SESSION_TOKEN, None)
    except DomainError as exc:
        _fail(request, exc)
    return _here(request, anchor)


def _profile_data(form: Any, contact: Contact) -> dict[str, Any]:
    data: dict[str, Any] = {
        "first_name": form.get("first_name", "")[:100],
        "last_name": form.get("last_name", "")[:100],
        "email": form.get("email", "").strip() or None,
    }
    if contact.birth_date is None and form.get("birth_date"):
        try:
            data["birth_date"] = parse_date(form["birth_date"])
        except ValueError:
            data["birth_date"] = None
        if data["birth_date"] is None:
            raise InvalidInput(_("Enter the birth date as a date."), fields={"birth_date": [_("Not a date.")]})
    return {key: value for key, value in data.items() if key in PROFILE_FIELDS}


def _show(request: HttpRequest, contact: Contact) -> HttpResponse:
    overview = account_overview(contact=contact)
    timeline: Any = AccountHistory(contact)  # a sequence the paginator slices, not a list
    history = Paginator(timeline, HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        "overview": overview,
        "contact": contact,
        "history": history,
        "surveys": overview.surveys,
        "subscriptions": [(field, getattr(contact, field)) for field in SUBSCRIPTIONS],
        "apple_wallet": apple_config() is not None,
        "google_wallet": google_configured(),
    }
    return render(request, "account/page.html", context)


@never_cache
@require_http_methods(["GET"])
def wallet_apple(request: HttpRequest) -> HttpResponse:
    """The logged-in customer's card (`?card=`, else the first active one) as an Apple Wallet pass."""
    token = page_token(request)
    if token is None or apple_config() is None:
        return _here(request)
    try:
        data, _state = pkpass(own_card(token.contact, request.GET.get("card")))
    except DomainError as exc:
        _fail(request, exc)
        return _here(request, "cards")
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="card.pkpass"'
    return response


@never_cache
@require_http_methods(["GET"])
def wallet_google(request: HttpRequest) -> HttpResponse:
    """Off to Google Wallet with the card's signed "save" link."""
    token = page_token(request)
    if token is None or not google_configured():
        return _here(request)
    try:
        url = google_save_url(own_card(token.contact, request.GET.get("card")))
    except DomainError as exc:
        _fail(request, exc)
        return _here(request, "cards")
    return HttpResponseRedirect(url)
