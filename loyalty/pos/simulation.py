"""A campaign tried on a basket from its page: a calculate as a register of its brand would make it, writing nothing."""

from typing import Any

from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.services.basket import lines_with_list_prices
from common.errors import InvalidInput
from contacts.models import Contact
from loyalty.models import (
    Register,
    Store,
)
from loyalty.pos.answers import calculation_answer
from loyalty.pos.checkout import calculate
from loyalty.pos.identification import CustomerNotFound


def simulate(*, campaign: Campaign, data: dict[str, Any], user: Any, store: Store | None = None) -> dict[str, Any]:
    """Calculate as a register of the campaign's brand would, with this campaign added whatever its status and
    window (a draft included). Writes nothing. The store is the one given, else the brand's first. The customer is
    one the staff user may see (another brand's contact is unknown here, whatever the phone or id given). A line
    without a price is priced at the product's list price."""
    store = (
        store
        or Store.objects.filter(brand_id=campaign.brand_id).select_related("brand__program").order_by("pk").first()
    )
    if store is None:
        raise InvalidInput(_("The brand has no store to simulate at."), fields={"store": [_("Create a store first.")]})
    if store.brand_id != campaign.brand_id:
        raise InvalidInput(_("The store belongs to another brand."), fields={"store": [_("Another brand's store.")]})
    register = Register(store=store)  # never saved: a simulation has no till
    data = {**data, "lines": lines_with_list_prices(brand_id=campaign.brand_id, lines=data["lines"])}
    calc = calculate(register=register, data=data, extra_campaign=campaign)
    if calc.customer is not None and not Contact.objects.for_user(user).filter(pk=calc.customer.contact.pk).exists():
        raise CustomerNotFound(_("No such customer."))
    return calculation_answer(calc)
