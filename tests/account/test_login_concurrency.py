"""The login limits and a code's single use under concurrency (PostgreSQL, real threads): requests at the same
moment never pass a limit together, and one code gives one token however many give it back at once."""

import pytest
from django.db import connection

from account.models import CustomerToken, LoginCode
from account.services.login import TooManyAttempts, customer_login, login_code_send
from common.errors import InvalidInput
from contacts.models import Contact
from tests.account.support import account_brand, sent_code
from tests.concurrency import run_in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PHONE = "+79161234567"


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every write anyway)")


def test_eight_requests_at_once_for_one_phone_send_exactly_three_codes():
    results = run_in_threads(8, lambda _index: login_code_send(phone=PHONE, ip=None))

    assert sum(isinstance(result, LoginCode) for result in results) == 3
    assert sum(isinstance(result, TooManyAttempts) for result in results) == 5
    assert LoginCode.objects.filter(phone=PHONE).count() == 3


def test_thirty_phones_at_once_from_one_address_send_exactly_twenty_codes():
    results = run_in_threads(30, lambda index: login_code_send(phone=f"+7916000{index:04d}", ip="198.51.100.7"))

    assert sum(isinstance(result, LoginCode) for result in results) == 20
    assert LoginCode.objects.filter(ip="198.51.100.7").count() == 20


def test_one_code_given_back_at_once_logs_in_once_and_registers_one_contact():
    account_brand()
    login_code_send(phone=PHONE, ip=None)
    code = sent_code(PHONE)

    results = run_in_threads(6, lambda _index: customer_login(phone=PHONE, code=code))

    assert sum(not isinstance(result, Exception) for result in results) == 1
    assert all(isinstance(result, InvalidInput) for result in results if isinstance(result, Exception))
    assert CustomerToken.objects.count() == 1
    assert Contact.objects.filter(phone=PHONE).count() == 1
