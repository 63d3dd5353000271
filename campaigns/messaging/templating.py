"""Message templates: the Django template language over plain data, never over model instances.

The context is `contact`, `balance`, `points`, `tier`, `purchase`, `campaign`, `event` and `unsubscribe_url`, all
dictionaries, strings and numbers (a template cannot walk from a contact to another brand's data, nor call a
method). `balance` and `tier` are read only when the template names them.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput
from contacts.models import Contact, ContactEvent

CONTEXT_NAMES = ("contact", "balance", "points", "tier", "purchase", "campaign", "event", "unsubscribe_url")


@lru_cache(maxsize=1)
def _engine() -> Engine:
    # No template directories or loaders: `{% include %}` and `{% extends %}` find nothing outside the text.
    return Engine(dirs=[], app_dirs=False, loaders=[("django.template.loaders.locmem.Loader", {})])


@lru_cache(maxsize=512)
def compile_template(text: str) -> Template:
    return _engine().from_string(text)


def render(text: str, context: dict[str, Any], *, autoescape: bool = False) -> str:
    """Render `text` with `context`; raises TemplateSyntaxError and whatever a filter raises."""
    if not text:
        return ""
    return compile_template(text).render(Context(context, autoescape=autoescape))


def contact_data(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": contact.full_name,
        "phone": contact.phone or "",
        "email": contact.email or "",
        "birth_date": contact.birth_date,
        "city": contact.city,
        "gender": contact.gender,
    }


def event_data(event: ContactEvent | None) -> dict[str, Any]:
    if event is None:
        return {}
    return {"type": event.type, "at": event.at, "sku": event.sku, "data": event.data}


def _part(data: dict[str, Any], name: str) -> Any:
    """`purchase` or `campaign` of an event: a dictionary in its data, or {} when the event has none."""
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def message_context(
    *,
    contact: Contact,
    event: ContactEvent | None,
    unsubscribe_url: Callable[[], str] | str,
    balance: Callable[[], Any] | Any = None,
    tier: Callable[[], Any] | Any = None,
) -> dict[str, Any]:
    """The context of a trigger's message (callables are called by the template engine only when used)."""
    data = event.data if event is not None and isinstance(event.data, dict) else {}
    return {
        "contact": contact_data(contact),
        "balance": balance,
        "points": data.get("points", ""),
        "tier": tier if tier is not None else data.get("tier", ""),
        "purchase": _part(data, "purchase"),
        "campaign": _part(data, "campaign"),
        "event": event_data(event),
        "unsubscribe_url": unsubscribe_url,
    }


def sample_context() -> dict[str, Any]:
    """What a template is tried with on save: every name present, with plausible values."""
    now = timezone.now()
    return {
        "contact": {
            "id": 1,
            "first_name": "Anna",
            "last_name": "Petrova",
            "full_name": "Anna Petrova",
            "phone": "+79161234567",
            "email": "anna@example.com",
            "birth_date": date(1990, 5, 17),
            "city": "Moscow",
            "gender": "female",
        },
        "balance": Decimal("1250.00"),
        "points": Decimal("120.00"),
        "tier": "Gold",
        "purchase": {"id": 1, "total": "1990.00", "receipt_number": "A-1", "store": "Main street", "at": now},
        "campaign": {"id": 1, "name": "Spring sale"},
        "event": {"type": "purchase_confirmed", "at": now, "sku": "SKU-1", "data": {}},
        "unsubscribe_url": "https://example.com/u/sample/",
    }


def template_check(*, template: str, subject: str = "", autoescape: bool = False) -> None:
    """Refuse a template (or subject) that does not compile or does not render with the sample context."""
    errors: dict[str, list[str]] = {}
    for field, text in (("template", template), ("subject", subject)):
        try:
            render(text, sample_context(), autoescape=autoescape)
        except TemplateSyntaxError as exc:
            errors[field] = [_("The template does not compile: %(error)s") % {"error": exc}]
        except Exception as exc:  # a filter's own error (e.g. a bad date format) is the template's fault too
            errors[field] = [_("The template does not render: %(error)s") % {"error": exc}]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
