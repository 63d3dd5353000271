"""Master accounts and partner settlements through the POS: members accrue to and redeem from the pool; points
earned at one partner's store and redeemed at another's make the earner owe the redeemer their value."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from loyalty.models import Account, LedgerEntry, Purchase
from tests.factories import MasterAccountFactory, TierFactory
from tests.loyalty.pos_support import active, calculate, confirm, customer, line, make_shopper, make_till, ok, refund

pytestmark = pytest.mark.django_db


def shop(**program_fields):
    till = make_till(**program_fields)
    TierFactory(program=till.program, name="Bronze", min_spend=Decimal("0"), accrual_percent=Decimal("5"))
    return till


def buy(till, shopper, price, number, redeem="0"):
    body = {
        "customer": {"card": shopper.card.number},
        "lines": [line("A", 1, price)],
        "redeem_points": redeem,
        "receipt_number": number,
    }
    return ok(confirm(till.client, body, key=number), 201)


def settlements(client, program):
    response = client.get("/api/v1/settlements", {"program": program.pk})
    assert response.status_code == 200, response.content
    return response.json()


# --- master accounts ---------------------------------------------------------------------------------------------


def test_members_accrue_to_and_redeem_from_the_pool():
    # given: Anna brings 200 points into a family account with Boris
    till = shop()
    anna = make_shopper(till, points="200")
    boris = make_shopper(till)
    family = MasterAccountFactory(program=till.program, members=[anna.contact, boris.contact])
    pool = Account.objects.get(master_account=family)

    # when / then: Boris sees the pool
    assert ok(customer(till.client, card=boris.card.number))["balance"]["active"] == "200.00"

    # when: Boris buys for 1,000.00 (50 points to the pool)
    bought = buy(till, boris, "1000.00", "R-1")

    # then
    assert Purchase.objects.get(pk=bought["purchase_id"]).account == pool
    assert active(pool) == "250.00"
    assert active(boris.account) == "0.00"
    assert active(anna.account) == "0.00"

    # when: Anna pays 250 of a 400.00 receipt with the pool's points
    spent = buy(till, anna, "400.00", "R-2", redeem="250")

    # then: 250 taken from the pool, 5 % of the 150.00 paid earned into it
    assert spent["totals"] == {
        "base": "400.00",
        "discount": "0.00",
        "total": "400.00",
        "redeemable_max": "250.00",
        "redeemed_points": "250.00",
        "payable": "150.00",
        "points": "7.50",
    }
    assert active(pool) == "7.50"
    assert set(
        LedgerEntry.objects.filter(purchase_id__in=[bought["purchase_id"], spent["purchase_id"]]).values_list(
            "account_id", flat=True
        )
    ) == {pool.pk}
    call_command("ledger_check")


def test_a_member_cannot_redeem_more_than_the_pool_holds():
    # given: the pool holds 80 points
    till = shop()
    anna = make_shopper(till, points="80")
    boris = make_shopper(till)
    MasterAccountFactory(program=till.program, members=[anna.contact, boris.contact])

    # when
    answer = ok(
        calculate(
            till.client,
            {"customer": {"card": boris.card.number}, "lines": [line("A", 1, "500")], "redeem_points": "100"},
        )
    )
    refused = confirm(
        till.client,
        {
            "customer": {"card": boris.card.number},
            "lines": [line("A", 1, "500")],
            "redeem_points": "100",
            "receipt_number": "R-1",
        },
    )

    # then
    assert answer["totals"]["redeemable_max"] == "80.00"
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "insufficient_points"


def test_refund_of_a_members_purchase_revokes_from_the_pool():
    # given: Boris earned 50 points for the pool
    till = shop()
    anna, boris = make_shopper(till), make_shopper(till)
    family = MasterAccountFactory(program=till.program, members=[anna.contact, boris.contact])
    bought = buy(till, boris, "1000.00", "R-1")

    # when
    answer = ok(refund(till.client, bought["purchase_id"]))

    # then
    assert (answer["refund_amount"], answer["points_revoked"], answer["balance"]["active"]) == (
        "1000.00",
        "50.00",
        "0.00",
    )
    assert active(Account.objects.get(master_account=family)) == "0.00"


# --- settlements -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point_value", "earn_price", "spend_price", "amount"),
    [
        ("1.00", "1200.00", "100.00", "60.00"),  # 60 points × 1.00
        ("2.00", "1200.00", "200.00", "120.00"),  # 60 points × 2.00
    ],
)
def test_points_earned_at_one_partner_and_redeemed_at_another_are_settled(
    superuser_client, point_value, earn_price, spend_price, amount
):
    # given: two stores of one brand, owned by two partners
    first = shop(point_value=Decimal(point_value))
    second = make_till(brand=first.brand)
    shopper = make_shopper(first)

    # when: 60 points earned at the first partner's store (5 % of 1,200.00) and redeemed at the second's
    buy(first, shopper, earn_price, "E-1")
    buy(second, shopper, spend_price, "S-1", redeem="60")

    # then: the earner owes the redeemer their value
    assert settlements(superuser_client, first.program) == [
        {"debtor": first.partner.pk, "creditor": second.partner.pk, "amount": amount}
    ]


def test_settlements_are_netted_per_pair_and_refunds_reverse_them(superuser_client):
    # given: two partners' stores of one program, point value 1.00
    first = shop()
    second = make_till(brand=first.brand)
    shopper = make_shopper(first)

    # when: 60 earned at the first, redeemed at the second (which earns 5 % of 40.00 = 2.00 there);
    # 400.00 more at the second (20.00); the 22 earned there redeemed at the first
    buy(first, shopper, "1200.00", "E-1")
    spent = buy(second, shopper, "100.00", "S-1", redeem="60")
    buy(second, shopper, "400.00", "E-2")
    buy(first, shopper, "22.00", "S-2", redeem="22")

    # then: 60.00 - 22.00 = 38.00 owed by the first
    assert settlements(superuser_client, first.program) == [
        {"debtor": first.partner.pk, "creditor": second.partner.pk, "amount": "38.00"}
    ]

    # when: the receipt that redeemed the 60 is refunded at the second store
    ok(refund(second.client, spent["purchase_id"]))

    # then: the second partner now owes the 22 redeemed at the first
    assert settlements(superuser_client, first.program) == [
        {"debtor": second.partner.pk, "creditor": first.partner.pk, "amount": "22.00"}
    ]


def test_points_redeemed_where_they_were_earned_settle_nothing(superuser_client):
    # given
    till = shop()
    shopper = make_shopper(till)

    # when
    buy(till, shopper, "1200.00", "E-1")
    buy(till, shopper, "100.00", "S-1", redeem="60")

    # then
    assert settlements(superuser_client, till.program) == []


def test_a_pool_fed_at_one_partner_and_spent_at_another_is_settled(superuser_client):
    # given: a family account; Anna shops at the first partner's store, Boris at the second's
    first = shop()
    second = make_till(brand=first.brand)
    anna, boris = make_shopper(first), make_shopper(first)
    MasterAccountFactory(program=first.program, members=[anna.contact, boris.contact])

    # when: Anna earns 60 points, Boris spends 50 of them
    buy(first, anna, "1200.00", "E-1")
    buy(second, boris, "100.00", "S-1", redeem="50")

    # then
    assert settlements(superuser_client, first.program) == [
        {"debtor": first.partner.pk, "creditor": second.partner.pk, "amount": "50.00"}
    ]
