"""`common.rowsinsert.rows_insert`: plain rows stored exactly as the ORM stores the same rows (PostgreSQL writes them
as one JSON parameter), the timestamps and defaults filled in, a column without a default refused before anything is
written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import CampaignUsage
from common.rowsinsert import instances_insert, rows_insert
from loyalty.models import Category, LedgerEntry, Purchase, PurchaseLine
from tests.campaigns.test_pos_campaigns import save_campaign
from tests.factories import ContactFactory
from tests.loyalty.pos_support import confirm, line, make_shopper, make_till, ok

pytestmark = pytest.mark.django_db

USAGE = ("campaign", "purchase_id", "contact", "at", "discount", "points", "value")
LINE = ("purchase", "index", "sku", "product", "quantity", "price", "base", "discount", "total", "redeemed_points")
LINE += ("paid", "points", "applied")


def stored(model, names):
    return [tuple(row) for row in model.objects.order_by("pk").values_list(*names)]


def test_campaign_uses_are_stored_as_the_orm_stores_them():
    # given: rows with a nullable foreign key empty and set, a time to the microsecond, amounts to the cent
    till = make_till()
    campaign = save_campaign(till.brand)
    contact = ContactFactory()
    at = timezone.now().replace(microsecond=654321) - timedelta(days=3)
    rows = [
        (campaign.pk, 7, contact.pk, at, Decimal("12.34"), Decimal("0.00"), Decimal("12.34")),
        (campaign.pk, 8, None, at + timedelta(microseconds=1), Decimal("0.00"), Decimal("99999999.99"), Decimal("1.5")),
    ]
    names = ("campaign_id", "purchase_id", "contact_id", "at", "discount", "points", "value")
    CampaignUsage.objects.bulk_create([CampaignUsage(**dict(zip(names, row, strict=True))) for row in rows])
    expected = stored(CampaignUsage, names)
    CampaignUsage.objects.all().delete()

    # when
    assert rows_insert(CampaignUsage, USAGE, rows) == 2

    # then
    assert stored(CampaignUsage, names) == expected
    assert rows_insert(CampaignUsage, USAGE, []) == 0


def test_receipt_lines_are_stored_as_the_orm_stores_them():
    # given: a confirmed receipt, its lines read back as the ORM stored them
    till = make_till()
    save_campaign(till.brand, name="Ten off")
    body = {"receipt_number": "R-1", "lines": [line("A", 2, "100.00"), line("Ш-2", "0.375", "33.33")]}
    ok(confirm(till.client, body), 201)
    purchase = Purchase.objects.get()
    columns = tuple(name if name not in {"purchase", "product"} else f"{name}_id" for name in LINE)
    expected = stored(PurchaseLine, columns)
    assert expected[0][-1][0]["name"] == "Ten off"  # the applied campaigns, a JSON list of objects
    rows = [(*row[:1], row[1] + 10, *row[2:]) for row in expected]  # the same lines again, other indexes

    # when
    rows_insert(PurchaseLine, LINE, rows)

    # then
    again = stored(PurchaseLine, columns)[2:]
    assert [(*row[:1], row[1] - 10, *row[2:]) for row in again] == expected
    assert purchase.lines.count() == 4


def test_the_fields_not_named_get_the_time_or_what_the_orm_gives_them():
    # given
    Category.objects.bulk_create([Category(name="Шампуни")])
    expected = stored(Category, ("name", "parent_id", "path"))
    Category.objects.all().delete()
    before = timezone.now()

    # when
    rows_insert(Category, ("name",), [("Шампуни",)])

    # then: no parent, an empty path, both timestamps the time of the call
    assert stored(Category, ("name", "parent_id", "path")) == expected == [("Шампуни", None, "")]
    created, updated = Category.objects.values_list("created_at", "updated_at").get()
    assert before <= created <= updated <= timezone.now()


def test_a_column_without_a_default_must_be_named():
    with pytest.raises(ValueError, match="at must be given"):
        rows_insert(CampaignUsage, ("campaign", "purchase_id"), [(1, 2)])
    assert not CampaignUsage.objects.exists()


def test_ledger_entries_are_stored_as_bulk_create_stores_them_and_given_their_ids_and_times():
    # given: a customer's account with a lot, and the entries a receipt writes (a redemption of that lot, two lots)
    till = make_till()
    shopper = make_shopper(till, points="100.00")
    account = shopper.account
    lot = LedgerEntry.objects.filter(account=account).get()
    at = timezone.now().replace(microsecond=123457)

    def made():
        return [
            LedgerEntry(account=account, kind="redemption", points=Decimal("-12.34"), lot=lot, at=at, purchase_id=9),
            LedgerEntry(
                account=account, kind="accrual", points=Decimal("5.55"), at=at, expires_at=at + timedelta(days=365)
            ),
            LedgerEntry(account=account, kind="reward", points=Decimal("1.00"), at=at, campaign_id=3, reason="Шампунь"),
        ]

    names = [
        field.attname
        for field in LedgerEntry._meta.concrete_fields
        if field.attname not in {"id", "created_at", "updated_at"}
    ]
    LedgerEntry.objects.bulk_create(made())

    def receipts():
        return [row for row in stored(LedgerEntry, names) if row[names.index("at")] == at]

    expected = receipts()
    assert len(expected) == 3
    LedgerEntry.objects.filter(at=at).delete()
    entries = made()
    before = timezone.now()

    # when
    instances_insert(entries)

    # then: the same rows; each instance has the id and the times stored
    assert receipts() == expected
    for entry in entries:
        row = LedgerEntry.objects.get(pk=entry.pk)
        assert (row.kind, row.points, row.created_at, row.updated_at) == (
            entry.kind,
            entry.points,
            entry.created_at,
            entry.updated_at,
        )
        assert before <= entry.created_at <= timezone.now()
        assert not entry._state.adding
