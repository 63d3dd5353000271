"""Registers that guess promo codes, through the real POS API: unknown codes are counted per register and clock
minute in one row, reserved before they are checked and given back when they exist; past the limit a calculate or
confirm with codes is refused with 429 `too_many_attempts`, with one audit record a minute."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty.models import Purchase
from promocodes import guessing
from promocodes.checkout import CodeCheck
from promocodes.models import AttemptBlock, AttemptCounter
from tests.helpers import assert_error
from tests.loyalty.pos_support import calculate, confirm, make_till, ok
from tests.promocodes.promo_support import code_of, coded_campaign, multi_pool, single_pool, within_one_minute
from tests.promocodes.test_pos_promocodes import check, everything_written, receipt, sell, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_a_minute(settings):
    settings.PROMO_CODE_ATTEMPTS_PER_MINUTE = 5
    within_one_minute()


def counter_of(till) -> AttemptCounter:
    return AttemptCounter.objects.get(register=till.register)


def test_a_register_guessing_codes_is_refused_with_429(five_a_minute):
    # given: a real code, and a register that sent 5 unknown codes within the minute
    till = make_till()
    other = make_till(brand=till.brand)
    single_pool(coded_campaign(till.brand), codes=["REAL-0001"])
    guesses = [check(till, "GUESS-01", "GUESS-02", "GUESS-03"), check(till, "GUESS-04", "real-0001", "GUESS-05")]
    assert counter_of(till).codes == 5
    before = everything_written()

    # when
    calculated = calculate(till.client, receipt("REAL-0001"))
    confirmed = sell(till, "REAL-0001")
    without_codes = calculate(till.client, receipt())
    elsewhere = check(other, "REAL-0001")

    # then: the first two answered normally
    assert [status for answer in guesses for _code, status in statuses(answer)] == ["not_found"] * 4 + [
        "applied",
        "not_found",
    ]
    # and: every calculate or confirm with codes from this register is refused; one audit row for the minute
    assert_error(calculated, 429, "too_many_attempts")
    assert_error(confirmed, 429, "too_many_attempts")
    assert code_of("REAL-0001").status == "active"
    assert Purchase.objects.count() == 0
    blocks = list(AttemptBlock.objects.order_by("pk"))
    assert [(block.register_id, block.attempts, block.codes) for block in blocks] == [
        (till.register.pk, 5, ["REAL-0001"]),
    ]
    after = everything_written()
    assert after.pop("AttemptBlock") == before.pop("AttemptBlock") + 1
    assert after.pop("AttemptCounter") == before.pop("AttemptCounter") + 1  # the other register's minute
    assert after == before
    # and: a receipt without codes works, so does another register of the brand
    assert ok(without_codes)["promo_codes"] == []
    assert statuses(elsewhere) == [("REAL-0001", "applied")]


def test_one_below_the_limit_still_answers_and_the_guess_counts(five_a_minute):
    # given: 4 unknown codes a minute (the limit is 5)
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["REAL-0001"])
    for guess in ("G-1", "G-2", "G-3", "G-4"):
        check(till, guess)

    # when
    fifth = calculate(till.client, receipt("G-5"))
    sixth = calculate(till.client, receipt("REAL-0001"))

    # then
    assert statuses(ok(fifth)) == [("G-5", "not_found")]
    assert_error(sixth, 429, "too_many_attempts")


def test_unknown_codes_sent_with_confirms_count_too(five_a_minute):
    # given: five confirmed receipts, each with an unknown code
    till = make_till()
    answers = [ok(sell(till, f"GUESS-{n}"), 201) for n in range(5)]

    # when
    refused = calculate(till.client, receipt("GUESS-9"))

    # then
    assert all(statuses(answer)[0][1] == "not_found" for answer in answers)
    assert_error(refused, 429, "too_many_attempts")


def test_unknown_codes_of_an_earlier_minute_do_not_count_and_their_row_goes(five_a_minute):
    # given: 10 unknown codes counted in the minute before
    till = make_till()
    earlier = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    AttemptCounter.objects.create(register=till.register, minute=earlier, codes=10, requests=2, refusals=1)

    # when
    answer = calculate(till.client, receipt("NEW-1"))

    # then: answered, and the register's earlier minute was deleted when its new one was made
    assert statuses(ok(answer)) == [("NEW-1", "not_found")]
    assert AttemptBlock.objects.count() == 0
    assert list(AttemptCounter.objects.values_list("minute", "codes", "requests")) == [
        (earlier + timedelta(minutes=1), 1, 1)
    ]


def test_known_codes_are_not_attempts(five_a_minute):
    # given: a burned code, an expired one and a good one, sent again and again
    till = make_till()
    campaign = coded_campaign(till.brand)
    single_pool(campaign, codes=["USED-0001", "GOOD-0001"])
    single_pool(campaign, codes=["OLD-0001"], valid_to=timezone.now() - timedelta(hours=1))
    ok(sell(till, "USED-0001"), 201)

    # when
    answers = [check(till, "USED-0001", "OLD-0001", "GOOD-0001") for _ in range(6)]

    # then
    assert statuses(answers[-1]) == [("USED-0001", "used"), ("OLD-0001", "expired"), ("GOOD-0001", "applied")]
    assert (counter_of(till).codes, counter_of(till).requests) == (0, 7)


def test_calculate_writes_nothing_but_its_registers_count_of_unknown_codes():
    # given
    within_one_minute()
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["CALC-0001"])
    multi_pool(coded_campaign(till.brand, name="Other"), code="CALC-MULTI", max_uses=1)
    before = everything_written()

    # when
    answer = check(till, "CALC-0001", "calc-multi", "NOPE-1", "NOPE-2")

    # then
    assert statuses(answer) == [
        ("CALC-0001", "applied"),
        ("CALC-MULTI", "applied"),
        ("NOPE-1", "not_found"),
        ("NOPE-2", "not_found"),
    ]
    after = everything_written()
    assert after.pop("AttemptCounter") == before.pop("AttemptCounter") + 1
    assert after == before
    assert counter_of(till).codes == 2
    assert (code_of("CALC-0001").status, code_of("CALC-MULTI").uses) == ("active", 0)


def test_the_count_is_one_row_per_register_and_minute_not_a_row_per_request(five_a_minute, settings):
    # given
    settings.PROMO_CODE_ATTEMPTS_PER_MINUTE = 100
    till = make_till()
    other = make_till(brand=till.brand)

    # when: 20 requests of 3 unknown codes (a code repeated in other case and spaces counts once), and one elsewhere
    for n in range(20):
        check(till, f"NOPE-{n}", f"nope-{n}", f" NOPE-{n}-B ", f"NOPE-{n}-C")
    check(other, "NOPE-1")

    # then
    rows = AttemptCounter.objects.order_by("register_id").values_list("register_id", "codes", "requests", "refusals")
    assert list(rows) == [(till.register.pk, 60, 20, 0), (other.register.pk, 1, 1, 0)]


def test_codes_are_counted_before_they_are_checked(five_a_minute):
    # given: a request whose 5 codes are reserved and not yet checked (still in flight)
    till = make_till()
    in_flight = guessing.attempts_reserve(register=till.register, codes=["A-1", "A-2", "A-3", "A-4", "A-5"])

    # when: another request arrives meanwhile, then the first learns that 3 of its codes exist and finishes
    response = calculate(till.client, receipt("B-1"))
    in_flight.checked([CodeCheck(code=f"A-{n}", status="not_found" if n > 3 else "applied") for n in range(1, 6)])
    guessing.attempts_release(in_flight)
    after = calculate(till.client, receipt("C-1"))

    # then: the second was refused on the reserved count; the found codes were given back, so the third answers
    assert_error(response, 429, "too_many_attempts")
    assert statuses(ok(after)) == [("C-1", "not_found")]
    assert counter_of(till).codes == 2 + 1 + 1  # the 2 unknown, the refused request's reservation, C-1


def test_codes_never_checked_are_given_back(five_a_minute):
    # given: a confirmed receipt with an unknown code replayed 5 times, and 6 calculates for an unknown customer
    till = make_till()
    body = receipt("ONCE-1", receipt_number="R-replayed")
    first, *replays = [confirm(till.client, body, key="replayed") for _ in range(6)]
    stranger = [calculate(till.client, {**receipt(f"X-{n}"), "customer": {"contact_id": 999_999}}) for n in range(6)]

    # when
    answer = calculate(till.client, receipt("AFTER-1"))

    # then: neither the replays nor the failed calculates checked their codes, so only ONCE-1 and AFTER-1 count
    assert statuses(ok(first, 201)) == [("ONCE-1", "not_found")]
    assert [ok(replay, 201) for replay in replays] == [first.json()] * 5
    assert {response.json()["error"]["code"] for response in stranger} == {"customer_not_found"}
    assert statuses(ok(answer)) == [("AFTER-1", "not_found")]
    assert counter_of(till).codes == 2
