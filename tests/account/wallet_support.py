"""Keys and certificates made for the wallet tests (with `cryptography`): a stand-in for Apple's WWDR authority and
a pass type certificate it issued, and a Google service account's key."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

PASS_TYPE = "pass.test.loyalty"
TEAM = "TEAM123456"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(subject: str, key: rsa.RSAPrivateKey, issuer: str, issuer_key: rsa.RSAPrivateKey) -> x509.Certificate:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(issuer_key, hashes.SHA256())
    )


def pem(obj: Any) -> str:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM).decode()
    return obj.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def configure_apple(settings: Any, folder: Path) -> dict[str, Any]:
    """Settings of a pass type whose certificate a test WWDR issued (files for the certificates, the key as text)."""
    wwdr_key, pass_key = _key(), _key()
    wwdr = _certificate("Test WWDR", wwdr_key, "Test WWDR", wwdr_key)
    certificate = _certificate(f"Pass Type ID: {PASS_TYPE}", pass_key, "Test WWDR", wwdr_key)
    (folder / "pass.pem").write_text(pem(certificate))
    (folder / "wwdr.pem").write_text(pem(wwdr))
    settings.APPLE_WALLET_PASS_TYPE_ID = PASS_TYPE
    settings.APPLE_WALLET_TEAM_ID = TEAM
    settings.APPLE_WALLET_CERTIFICATE = str(folder / "pass.pem")
    settings.APPLE_WALLET_KEY = pem(pass_key)
    settings.APPLE_WALLET_WWDR_CERTIFICATE = str(folder / "wwdr.pem")
    return {"certificate": certificate, "wwdr": wwdr}


def configure_google(settings: Any) -> rsa.RSAPublicKey:
    key = _key()
    settings.GOOGLE_WALLET_ISSUER_ID = "3388000000012345678"
    settings.GOOGLE_WALLET_SERVICE_ACCOUNT = json.dumps(
        {
            "type": "service_account",
            "client_email": "wallet@test-project.iam.gserviceaccount.com",
            "private_key_id": "key-1",
            "private_key": pem(key),
            "token_uri": "https://oauth2.googleapis.com/token",
        }
    )
    return key.public_key()
