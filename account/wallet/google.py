"""Google Wallet: a "save" link carrying a JWT (RS256) signed with a service account's key through google-auth,
holding the program's loyalty class and the card's loyalty object with its balance and tier."""

import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from google.auth import crypt, jwt

from account.wallet.state import PassState, not_configured, pass_state
from campaigns.messaging.links import public_url
from loyalty.choices import CardStatus
from loyalty.models import Card

SAVE_URL = "https://pay.google.com/gp/v/save/"
LOGO_PATH = "/wallet/logo.png"


@lru_cache(maxsize=4)
def _service_account(value: str) -> dict[str, Any]:
    text = value if value.lstrip().startswith("{") else Path(value).read_text()
    info = json.loads(text)
    if not isinstance(info, dict) or not info.get("private_key") or not info.get("client_email"):
        raise ValueError("GOOGLE_WALLET_SERVICE_ACCOUNT is not a service account's JSON key")
    return info


def google_configured() -> bool:
    return bool(settings.GOOGLE_WALLET_ISSUER_ID and settings.GOOGLE_WALLET_SERVICE_ACCOUNT)


def _suffix(value: str) -> str:
    """Google's ids take letters, digits, '.', '_' and '-' only."""
    return re.sub(r"[^\w.-]", "_", value)


def save_jwt_payload(state: PassState, *, issuer_id: str, client_email: str, now: datetime) -> dict[str, Any]:
    class_id = f"{issuer_id}.{_suffix(settings.GOOGLE_WALLET_CLASS_SUFFIX)}_{state.program.pk}"
    card = state.card
    name = state.contact.full_name or state.contact.phone or card.number
    loyalty_object = {
        "id": f"{issuer_id}.{_suffix(card.number)}",
        "classId": class_id,
        "state": "INACTIVE" if card.status == CardStatus.BLOCKED else "ACTIVE",
        "accountId": card.number,
        "accountName": name,
        "barcode": {"type": "CODE_128", "value": card.number, "alternateText": card.number},
        "loyaltyPoints": {"label": _("Points"), "balance": {"string": str(state.balance["active"])}},
    }
    if state.tier is not None:
        loyalty_object["secondaryLoyaltyPoints"] = {"label": _("Tier"), "balance": {"string": state.tier.name}}
    loyalty_class = {
        "id": class_id,
        "issuerName": settings.APPLE_WALLET_ORGANIZATION,
        "programName": state.program.name,
        "programLogo": {"sourceUri": {"uri": public_url(LOGO_PATH)}},
        "reviewStatus": "UNDER_REVIEW",
    }
    return {
        "iss": client_email,
        "aud": "google",
        "typ": "savetowallet",
        "iat": int(now.timestamp()),
        "origins": [public_url("")],
        "payload": {"loyaltyClasses": [loyalty_class], "loyaltyObjects": [loyalty_object]},
    }


def google_save_url(card: Card, *, now: datetime | None = None) -> str:
    """The "save to Google Wallet" link of the card (NotConfigured without an issuer and a key)."""
    if not google_configured():
        raise not_configured()
    info = _service_account(settings.GOOGLE_WALLET_SERVICE_ACCOUNT)
    now = now or timezone.now()
    payload = save_jwt_payload(
        pass_state(card, now=now),
        issuer_id=settings.GOOGLE_WALLET_ISSUER_ID,
        client_email=info["client_email"],
        now=now,
    )
    token = jwt.encode(crypt.RSASigner.from_service_account_info(info), payload)
    return SAVE_URL + token.decode()
