"""Registers that guess promo codes, through the real POS API: the codes a register's brand does not have are
counted per register and clock minute in one row before any is checked; past the limit a calculate or confirm with
codes is refused with 429 `too_many_attempts` for the rest of the minute, with one audit record a minute."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loyalty.models import Purchase
from promocodes.models import AttemptBlock, AttemptCounter
from tests.helpers import assert_error
from tests.loyalty.pos_support import calculate, make_till, ok
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
    assert after.pop("AttemptCounter") == before.pop("AttemptCounter")  # the other register's code is known
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

    # then: nothing counted, not even a row: a request whose codes the brand all has only reads the minute's count
    assert statuses(answers[-1]) == [("USED-0001", "used"), ("OLD-0001", "expired"), ("GOOD-0001", "applied")]
    assert not AttemptCounter.objects.filter(register=till.register).exists()


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


def test_codes_of_another_brand_count_as_unknown(five_a_minute):
    # given: codes that exist, but in another brand's pool (at this register they are `not_found`)
    till = make_till()
    elsewhere = make_till()
    single_pool(coded_campaign(elsewhere.brand), codes=[f"THEIRS-{n}" for n in range(6)])

    # when
    answers = [calculate(till.client, receipt(f"THEIRS-{n}")) for n in range(6)]

    # then: counted like any unknown code, so trying them cannot tell another brand's codes from no codes
    assert [statuses(ok(answer)) for answer in answers[:5]] == [[(f"THEIRS-{n}", "not_found")] for n in range(5)]
    assert_error(answers[5], 429, "too_many_attempts")


def test_a_refused_register_is_refused_for_the_rest_of_the_minute_even_with_known_codes(five_a_minute):
    # given: a good code, and a register that reached the limit
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["GOOD-0001"])
    for n in range(5):
        ok(calculate(till.client, receipt(f"NOPE-{n}")))

    # when
    known = calculate(till.client, receipt("GOOD-0001"))
    without_codes = calculate(till.client, receipt())

    # then: no code is checked for it this minute; a receipt without codes still goes through; the refusal is
    # counted (a request of known codes alone writes only when refused) with the minute's one audit record
    assert_error(known, 429, "too_many_attempts")
    assert ok(without_codes)["promo_codes"] == []
    assert (counter_of(till).codes, counter_of(till).requests, counter_of(till).refusals) == (5, 6, 1)
    assert AttemptBlock.objects.filter(register=till.register).count() == 1


def test_known_codes_never_count_however_many_receipts_carry_them_at_once(five_a_minute):
    # given
    till = make_till()
    single_pool(coded_campaign(till.brand), codes=["SHARED-01"])

    # when: far more requests with the known code than the limit
    answers = [calculate(till.client, receipt("SHARED-01")) for _ in range(12)]

    # then
    assert {statuses(ok(answer))[0][1] for answer in answers} == {"applied"}
    assert not AttemptCounter.objects.filter(register=till.register).exists()
