"""The store assistant's page `/assistant/`: on a phone on the shop floor, find a customer by card, phone or a
code scanned with the camera, see what the till would (tier, balance, expiring points), their recent purchases and
the campaigns that apply to them here now, and keep a note of the conversation.

For staff who are store assistants (`assistant_stores`): a staff user with the assistant permission who works for
the store's brand. Everything is read through `for_user`, so an assistant never finds another brand's customer.
"""

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from account.selectors.assistant import Found, assistant_customer, assistant_stores
from account.services.notes import contact_note_add
from common.errors import DomainError
from contacts.models import Contact
from loyalty.models import Store

SESSION_STORE = "assistant_store"


def _store(request: HttpRequest, stores: list[Store]) -> Store:
    """The store chosen (`store`), else the one chosen last on this browser, else the first."""
    by_id = {str(store.pk): store for store in stores}
    wanted = request.POST.get("store") or request.GET.get("store") or str(request.session.get(SESSION_STORE, ""))
    store = by_id.get(wanted, stores[0])
    request.session[SESSION_STORE] = store.pk
    return store


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def assistant_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    stores = list(assistant_stores(user))
    if not stores:
        return render(request, "account/assistant_refused.html", status=403)
    store = _store(request, stores)
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()
    error = ""
    if request.method == "POST":
        contact = Contact.objects.for_user(user).filter(pk=_int(request.POST.get("contact"))).first()
        if contact is not None:
            try:
                contact_note_add(contact=contact, store=store, text=request.POST.get("text"), user=user)
            except DomainError as exc:
                error = exc.message
            else:
                return HttpResponseRedirect(
                    f"{reverse('account:assistant')}?{urlencode({'store': store.pk, 'q': query})}#notes"
                )
    found = assistant_customer(user=user, store=store, query=query) if query else Found()
    context = {"stores": stores, "store": store, "query": query, "found": found, "note_error": error}
    return render(request, "account/assistant.html", context)


def _int(value: object) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 19 else 0
