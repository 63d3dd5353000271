"""Helpers of the personal account's tests: a program customers join, the code read back from the outbox (as a
customer reads their SMS), logging in through the API."""

import re
from typing import Any

from rest_framework.test import APIClient

from campaigns.messaging.choices import Purpose
from campaigns.messaging.models import Message
from loyalty.models import Brand
from tests.factories import BrandFactory, CardTypeFactory, TierFactory

API = "/api/v1/account"
CODE = re.compile(r"\b(\d{6})\b")


def account_brand(**fields: Any) -> Brand:
    """A brand whose program has a card type and two tiers (entry at 0, Gold from 10,000)."""
    brand = BrandFactory(**fields)
    CardTypeFactory(program=brand.program, name="Virtual", number_prefix="2777")
    TierFactory(program=brand.program, name="Base", min_spend="0.00", accrual_percent="3.00")
    TierFactory(program=brand.program, name="Gold", min_spend="10000.00", accrual_percent="7.00")
    return brand


def sent_code(phone: str) -> str:
    """The code of the latest login SMS to the phone, read from the outbox's message body."""
    message = Message.objects.filter(to=phone, purpose=Purpose.LOGIN_CODE).order_by("-pk").first()
    assert message is not None, f"no login code was sent to {phone}"
    found = CODE.search(message.body)
    assert found is not None, message.body
    return found.group(1)


def ask_code(client: APIClient, phone: str, **extra: Any) -> Any:
    return client.post(f"{API}/otp", {"phone": phone}, format="json", **extra)


def log_in(client: APIClient, phone: str) -> str:
    """Ask a code, read it, give it back: the customer's token."""
    assert ask_code(client, phone).status_code == 202
    answer = client.post(f"{API}/login", {"phone": phone, "code": sent_code(phone)}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def customer_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Customer {token}")
    return client
