"""Apple Wallet: a store card pass (.pkpass) signed with the pass type's certificate, and its update tag.

A .pkpass is a zip of `pass.json`, the images, `manifest.json` (each file's SHA-1, as Apple's format fixes) and
`signature`: a detached PKCS #7 signature of the manifest, DER, made with the pass type's certificate and key and
carrying Apple's WWDR intermediate certificate. Signed with `cryptography`'s PKCS7SignatureBuilder: a well-kept
library with wheels for every platform, where the pass itself is a zip and some JSON; py-pkpass is a thin wrapper
over the same, and django-walletpass brings its own models, views and an APNs client and declares no Django 6.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from account.wallet.images import pass_images
from account.wallet.state import PassState, not_configured, pass_state
from campaigns.messaging.links import public_url
from loyalty.choices import CardStatus
from loyalty.models import Card

CONTENT_TYPE = "application/vnd.apple.pkpass"
WEB_SERVICE_PATH = "/wallet/apple/"


@dataclass(frozen=True)
class AppleConfig:
    pass_type_id: str
    team_id: str
    organization: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    wwdr: x509.Certificate


def _pem(value: str) -> bytes:
    """A PEM given as its text, or as the path of its file."""
    return value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()


@lru_cache(maxsize=4)
def _load(certificate: str, key: str, password: str, wwdr: str) -> tuple[Any, Any, Any]:
    loaded_key = serialization.load_pem_private_key(_pem(key), password=password.encode() or None)
    if not isinstance(loaded_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("the pass certificate's key is neither RSA nor EC")
    return x509.load_pem_x509_certificate(_pem(certificate)), loaded_key, x509.load_pem_x509_certificate(_pem(wwdr))


def apple_config() -> AppleConfig | None:
    """The configured pass type, or None when any part is missing."""
    names = ("PASS_TYPE_ID", "TEAM_ID", "CERTIFICATE", "KEY", "WWDR_CERTIFICATE")
    values = {name: getattr(settings, f"APPLE_WALLET_{name}", "") for name in names}
    if not all(values.values()):
        return None
    certificate, key, wwdr = _load(
        values["CERTIFICATE"], values["KEY"], settings.APPLE_WALLET_KEY_PASSWORD, values["WWDR_CERTIFICATE"]
    )
    return AppleConfig(
        pass_type_id=values["PASS_TYPE_ID"],
        team_id=values["TEAM_ID"],
        organization=settings.APPLE_WALLET_ORGANIZATION,
        certificate=certificate,
        key=key,
        wwdr=wwdr,
    )


def require_apple_config() -> AppleConfig:
    config = apple_config()
    if config is None:
        raise not_configured()
    return config


def authentication_token(card: Card) -> str:
    """The pass's `authenticationToken`: a keyed hash of its serial number (nothing stored, nothing guessable)."""
    return salted_hmac("account.apple_pass", card.number, algorithm="sha256").hexdigest()


def _field(key: str, label: str, value: str, change: str = "") -> dict[str, str]:
    field = {"key": key, "label": label, "value": value}
    if change:
        field["changeMessage"] = change
    return field


def pass_json(state: PassState, config: AppleConfig) -> dict[str, Any]:
    card = state.card
    barcodes = [
        {"format": "PKBarcodeFormatCode128", "message": card.number, "messageEncoding": "iso-8859-1"},
        {"format": "PKBarcodeFormatQR", "message": card.number, "messageEncoding": "iso-8859-1"},
    ]
    expiring = state.balance.get("expiring", [])
    back = [_field("number", _("Card number"), card.number)]
    if expiring:
        first = expiring[0]
        back.append(
            _field("expiring", _("Expiring on %(date)s") % {"date": first["date"].isoformat()}, str(first["points"]))
        )
    return {
        "formatVersion": 1,
        "passTypeIdentifier": config.pass_type_id,
        "teamIdentifier": config.team_id,
        "organizationName": config.organization,
        "serialNumber": card.number,
        "authenticationToken": authentication_token(card),
        "webServiceURL": public_url(WEB_SERVICE_PATH),
        "description": _("Loyalty card of %(program)s") % {"program": state.program.name},
        "logoText": state.program.name,
        "foregroundColor": "rgb(255, 255, 255)",
        "labelColor": "rgb(224, 231, 255)",
        "backgroundColor": "rgb(79, 70, 229)",
        "barcode": barcodes[0],
        "barcodes": barcodes,
        "voided": card.status == CardStatus.BLOCKED,
        "storeCard": {
            "primaryFields": [
                _field("balance", _("Points"), str(state.balance["active"]), _("Your balance is now %@"))
            ],
            "secondaryFields": [
                _field("tier", _("Tier"), state.tier.name if state.tier else "—", _("Your tier is now %@")),
                _field("pending", _("Pending"), str(state.balance["pending"])),
            ],
            "backFields": back,
        },
    }


def sign(manifest: bytes, config: AppleConfig) -> bytes:
    """The detached PKCS #7 (DER) signature of the manifest, with the WWDR certificate included."""
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(config.certificate, config.key, hashes.SHA256())
        .add_certificate(config.wwdr)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


def pkpass(card: Card, *, now: datetime | None = None) -> tuple[bytes, PassState]:
    """The card's signed .pkpass (NotConfigured without a certificate), and the state it shows."""
    config = require_apple_config()
    state = pass_state(card, now=now)
    files = {"pass.json": json.dumps(pass_json(state, config), ensure_ascii=False).encode(), **pass_images()}
    manifest = json.dumps(
        {name: hashlib.sha1(data, usedforsecurity=False).hexdigest() for name, data in files.items()}
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", sign(manifest, config))
    return buffer.getvalue(), state
