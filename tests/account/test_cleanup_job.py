"""The `account_cleanup` job: codes older than a day and tokens dead for a day are forgotten, once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from account.models import CustomerToken, LoginCode
from account.services.login import login_code_send
from account.services.tokens import customer_token_create
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_job_forgets_old_codes_and_dead_tokens_and_keeps_the_rest(capsys):
    # given
    now = timezone.now()
    login_code_send(phone="+79161234567", ip=None, now=now - timedelta(days=2))
    login_code_send(phone="+79161234568", ip=None, now=now - timedelta(hours=2))
    contact = ContactFactory()
    live, _key = customer_token_create(contact=contact)
    customer_token_create(contact=contact, now=now - timedelta(days=200))  # expired long ago
    revoked, _key = customer_token_create(contact=contact)
    CustomerToken.objects.filter(pk=revoked.pk).update(revoked_at=now - timedelta(days=2))

    # when: run twice
    call_command("run_job", "account_cleanup", "--at", now.isoformat())
    call_command("run_job", "account_cleanup", "--at", now.isoformat())

    # then
    assert list(LoginCode.objects.values_list("phone", flat=True)) == ["+79161234568"]
    assert list(CustomerToken.objects.values_list("pk", flat=True)) == [live.pk]
    assert "1 codes, 2 tokens forgotten" in capsys.readouterr().out
