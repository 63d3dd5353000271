"""`common.rawrows.new_instance`: the instance the ORM's keyword construction gives, field for field, defaults
included; a name that is not one of the model's attributes is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.rawrows import new_instance
from loyalty.choices import EntryKind
from loyalty.models import LedgerEntry, PurchaseLine


def _values(instance):  # type: ignore[no-untyped-def]
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_a_ledger_entry_is_the_one_the_orm_builds():
    at = timezone.now()
    given = {
        "kind": EntryKind.ACCRUAL,
        "points": Decimal("12.50"),
        "at": at,
        "expires_at": at + timedelta(days=30),
        "partner_id": 4,
        "purchase_id": 9,
        "campaign_id": 3,
        "account_id": 2,
    }
    fast = new_instance(LedgerEntry, given)
    assert _values(fast) == _values(LedgerEntry(**given))
    assert fast._state.adding
    assert fast.pk is None
    assert fast.reason == ""
    assert fast.activation_at is None
    assert fast.lot_id is None


def test_defaults_made_per_instance_are_fresh():
    # `applied` defaults to a new list: two instances never share one
    first, second = new_instance(PurchaseLine, {}), new_instance(PurchaseLine, {})
    assert first.applied == []
    assert first.applied is not second.applied


def test_a_name_that_is_no_attribute_is_refused():
    with pytest.raises(AssertionError, match="partner"):
        new_instance(LedgerEntry, {"partner": None})
