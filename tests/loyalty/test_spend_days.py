"""The days' spend tiers are judged by (`SpendDay`): kept by every writer, read for any window exactly as the sum over
the purchases (`net_paid`), proven and rebuilt by `ledger_check` and `spend_rebuild`."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty.models import Purchase, SpendDay
from loyalty.selectors.spend import net_paid, spend_differences, window_spends
from loyalty.services.spend import spend_add, spend_rebuild
from tests.campaigns.segment_support import NOW, make_shop, purchase, refund
from tests.concurrency import run_in_threads
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def orm_spend(contact, program, start, until) -> Decimal:
    """The definition: every purchase in [start, until], what it paid less what its refunds gave back."""
    total = Purchase.objects.filter(contact=contact, program=program, at__gte=start, at__lte=until).aggregate(
        total=Sum(net_paid())
    )["total"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


# Receipts within 40 days before NOW and a day after it, at any second, so that many fall next to a midnight.
RECEIPTS = st.lists(
    st.tuples(
        st.integers(min_value=-86_400, max_value=40 * 86_400),  # seconds before NOW
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
        st.sampled_from([None, "0.01", "1.00", "half"]),  # its refund, if any
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    receipts=RECEIPTS,
    windows=st.lists(st.integers(min_value=0, max_value=45), min_size=1, max_size=3),
    shift=st.integers(min_value=-86_400, max_value=86_400),
)
def test_property_every_window_is_the_sum_over_its_purchases(db, receipts, windows, shift):
    # given: receipts (some refunded) of one contact; another contact's receipt on each of the same days
    here = make_shop()
    buyer, other = ContactFactory(), ContactFactory()
    for seconds, amount, refunded in receipts:
        bought = purchase(here, buyer, days_ago=seconds / 86_400, payable=str(amount))
        purchase(here, other, days_ago=seconds / 86_400, payable="1.00")
        if refunded is not None:
            refund(bought, str((amount / 2).quantize(Decimal("0.01"))) if refunded == "half" else refunded)

    # when: each window is read up to a moment anywhere in the day around NOW
    until = NOW + timedelta(seconds=shift)
    starts = [until - timedelta(days=days) for days in windows]
    spends = window_spends(contact_id=buyer.pk, program_id=here.program.pk, starts=starts, until=until)

    # then: each is what the purchases in it paid less their refunds, and the figure agrees with the purchases
    assert spends == [orm_spend(buyer, here.program, start, until) for start in starts]
    assert spend_differences() == []


def test_a_window_counts_a_purchase_at_its_very_ends_and_none_outside():
    here = make_shop()
    buyer = ContactFactory()
    until = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
    start = until - timedelta(days=30)
    for at, amount in [
        (start - timedelta(microseconds=1), "1.00"),  # just before: out
        (start, "10.00"),  # the first moment: in
        (start.replace(hour=23, minute=59, second=59), "100.00"),  # the start's day: in
        (until.replace(hour=0, minute=0), "1000.00"),  # `until`'s day, before it: in
        (until, "10000.00"),  # the last moment: in
        (until + timedelta(microseconds=1), "100000.00"),  # `until`'s day, after it: out
    ]:
        purchase(here, buyer, days_ago=(NOW - at).total_seconds() / 86_400, payable=amount)
    assert window_spends(contact_id=buyer.pk, program_id=here.program.pk, starts=[start], until=until) == [
        Decimal("11110.00")
    ]


def test_ledger_check_finds_a_day_whose_spend_was_changed_and_rebuild_repairs_it(capsys):
    # given: a purchase and a refund, kept by their writers
    here = make_shop()
    buyer = ContactFactory()
    refund(purchase(here, buyer, days_ago=2, payable="80.00"), "30.00")
    call_command("ledger_check")
    assert "the spend with the purchases" in capsys.readouterr().out

    # when: the figure is changed behind the writers' back
    SpendDay.objects.filter(contact=buyer).update(spend=F("spend") + 1)

    # then: the check names the day and fails
    with pytest.raises(CommandError) as error:
        call_command("ledger_check")
    assert error.value.returncode == 1
    day = (NOW - timedelta(days=2)).astimezone(UTC).date()
    assert f"contact {buyer.pk}, program {here.program.pk}, {day}: spend kept 51.00, purchases 50.00" in (
        capsys.readouterr().out
    )

    # when: rebuilt from the purchases
    assert spend_rebuild(contact_ids=[buyer.pk]) == 1

    # then: clean again, with the day's net spend
    assert spend_differences() == []
    assert SpendDay.objects.get(contact=buyer).spend == Decimal("50.00")


def test_rebuilding_everything_writes_no_day_that_nets_to_zero():
    here = make_shop()
    buyer, other = ContactFactory(), ContactFactory()
    refund(purchase(here, buyer, days_ago=1, payable="25.00"), "25.00")
    purchase(here, other, days_ago=1, payable="5.00")
    purchase(here, None, days_ago=1, payable="7.00")  # anonymous: nobody's spend
    SpendDay.objects.all().delete()
    assert spend_rebuild() == 1
    assert list(SpendDay.objects.values_list("contact_id", "spend")) == [(other.pk, Decimal("5.00"))]
    assert spend_differences() == []  # a day missing from the figure counts as zero


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_writers_of_one_day_lose_no_money(transactional_db):
    # given: a contact with no spend yet, and 16 writers of the same day released together, none holding a lock
    here = make_shop()
    buyer = ContactFactory()

    def write(index: int) -> None:
        with transaction.atomic():
            spend_add(contact_id=buyer.pk, program_id=here.program.pk, at=NOW, amount=Decimal(index + 1))

    # when
    results = run_in_threads(16, write)

    # then: every one added, to one row (the first inserted it, the others added to it)
    assert results == [None] * 16
    assert list(SpendDay.objects.filter(contact=buyer).values_list("spend", flat=True)) == [Decimal("136.00")]
