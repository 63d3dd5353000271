"""Wallet cards: a .pkpass signed with a test certificate (a zip, its manifest's hashes, a PKCS #7 signature that
verifies), Apple's pass web service, and a Google Wallet save link whose JWT verifies with the test key."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone
from django.utils.http import http_date
from google.auth import _helpers, crypt, jwt
from pyasn1.codec.der import decoder, encoder
from pyasn1_modules import rfc5652

from account.models import WalletRegistration
from account.wallet.apple import authentication_token
from loyalty.services import ledger
from tests.account.support import API, account_brand, customer_client, log_in
from tests.account.wallet_support import PASS_TYPE, TEAM, configure_apple, configure_google
from tests.helpers import assert_error
from tests.loyalty.pos_support import make_shopper, make_till

pytestmark = pytest.mark.django_db

PHONE = "+79161234567"
SERVICE = "/wallet/apple/v1"


@pytest.fixture
def shopper():
    till = make_till(brand=account_brand())
    shopper = make_shopper(till, phone=PHONE, first_name="Anna", last_name="Ivanova")
    ledger.accrue(account=shopper.account, points=Decimal("250"), at=timezone.now() - timedelta(days=1))
    return shopper


@pytest.fixture
def me(api_client, shopper):
    return customer_client(log_in(api_client, PHONE))


@pytest.fixture
def apple(settings, tmp_path):
    return configure_apple(settings, tmp_path)


def verify_detached_signature(signature: bytes, content: bytes, signer_certificate, wwdr) -> None:
    """A CMS SignedData, detached, carrying both certificates, whose signed attributes hold the content's SHA-256 and
    whose signature over them verifies with the signer's public key."""
    info, _rest = decoder.decode(signature, asn1Spec=rfc5652.ContentInfo())
    assert info["contentType"] == rfc5652.id_signedData
    signed, _rest = decoder.decode(info["content"], asn1Spec=rfc5652.SignedData())
    assert not signed["encapContentInfo"]["eContent"].isValue  # detached
    carried = {encoder.encode(choice["certificate"]) for choice in signed["certificates"]}
    expected = {cert.public_bytes(serialization.Encoding.DER) for cert in (signer_certificate, wwdr)}
    assert carried == expected
    [signer] = signed["signerInfos"]
    attributes = {str(attr["attrType"]): attr["attrValues"][0] for attr in signer["signedAttrs"]}
    digest, _rest = decoder.decode(attributes[str(rfc5652.id_messageDigest)], asn1Spec=rfc5652.MessageDigest())
    assert bytes(digest) == hashlib.sha256(content).digest()
    signed_attributes = bytearray(encoder.encode(signer["signedAttrs"]))
    signed_attributes[0] = 0x31  # signed as a SET OF, not as the [0] it is tagged with inside SignerInfo
    signer_certificate.public_key().verify(
        bytes(signer["signature"]), bytes(signed_attributes), padding.PKCS1v15(), hashes.SHA256()
    )


def test_a_pkpass_opens_as_a_zip_with_a_valid_manifest_and_a_signature_that_verifies(me, shopper, apple):
    # when
    answer = me.get(f"{API}/wallet/apple")

    # then
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/vnd.apple.pkpass"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(archive.namelist())
    assert {"pass.json", "manifest.json", "signature", "icon.png", "icon@2x.png", "logo.png"} <= names
    manifest = json.loads(archive.read("manifest.json"))
    assert set(manifest) == names - {"manifest.json", "signature"}
    for name, digest in manifest.items():
        assert hashlib.sha1(archive.read(name)).hexdigest() == digest
    verify_detached_signature(
        archive.read("signature"), archive.read("manifest.json"), apple["certificate"], apple["wwdr"]
    )
    card = json.loads(archive.read("pass.json"))
    assert (card["passTypeIdentifier"], card["teamIdentifier"], card["serialNumber"]) == (
        PASS_TYPE,
        TEAM,
        shopper.card.number,
    )
    assert card["authenticationToken"] == authentication_token(shopper.card)
    assert card["webServiceURL"].endswith("/wallet/apple/")
    assert card["storeCard"]["primaryFields"][0]["value"] == "250.00"
    assert card["storeCard"]["secondaryFields"][0]["value"] == "Base"
    assert [code["format"] for code in card["barcodes"]] == ["PKBarcodeFormatCode128", "PKBarcodeFormatQR"]
    assert all(code["message"] == shopper.card.number for code in card["barcodes"])


def test_another_customers_card_is_404_even_when_configured(me, shopper, apple):
    other = make_shopper(make_till(brand=account_brand()), phone="+79167654321")

    assert_error(me.get(f"{API}/wallet/apple", {"card": other.card.number}), 404, "not_found")
    assert_error(me.get(f"{API}/wallet/google", {"card": other.card.number}), 404, "not_configured")


def register(client, shopper, device="device-1", token=None):
    return client.post(
        f"{SERVICE}/devices/{device}/registrations/{PASS_TYPE}/{shopper.card.number}",
        {"pushToken": "push-1"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApplePass {token or authentication_token(shopper.card)}",
    )


def test_the_pass_web_service_registers_lists_updates_and_serves_the_latest_pass(client, shopper, apple):
    # when: the device registers (twice), asks what changed
    first, second = register(client, shopper), register(client, shopper)
    listed = client.get(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}")
    tag = listed.json()["lastUpdated"]
    unchanged = client.get(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}", {"passesUpdatedSince": tag})
    ledger.accrue(account=shopper.account, points=Decimal("10"), at=timezone.now())
    changed = client.get(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}", {"passesUpdatedSince": tag})

    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert WalletRegistration.objects.get().push_token == "push-1"
    assert listed.json()["serialNumbers"] == [shopper.card.number]
    assert unchanged.status_code == 204
    assert changed.json()["serialNumbers"] == [shopper.card.number]
    assert int(changed.json()["lastUpdated"]) > int(tag)

    # and the latest pass carries the new balance; unchanged since → 304
    auth = {"HTTP_AUTHORIZATION": f"ApplePass {authentication_token(shopper.card)}"}
    latest = client.get(f"{SERVICE}/passes/{PASS_TYPE}/{shopper.card.number}", **auth)
    assert latest.status_code == 200
    card = json.loads(zipfile.ZipFile(io.BytesIO(latest.content)).read("pass.json"))
    assert card["storeCard"]["primaryFields"][0]["value"] == "260.00"
    later = client.get(
        f"{SERVICE}/passes/{PASS_TYPE}/{shopper.card.number}", HTTP_IF_MODIFIED_SINCE=latest["Last-Modified"], **auth
    )
    assert later.status_code == 304

    # and unregistering
    gone = client.delete(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}/{shopper.card.number}", **auth)
    assert gone.status_code == 200
    assert not WalletRegistration.objects.exists()


def test_a_tier_change_moves_the_tag(client, shopper, apple):
    register(client, shopper)
    tag = client.get(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}").json()["lastUpdated"]
    from loyalty.models import Enrollment, Tier
    from loyalty.services.tiers import tier_set_manually

    tier_set_manually(enrollment=Enrollment.objects.get(contact=shopper.contact), tier=Tier.objects.get(name="Gold"))

    changed = client.get(f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}", {"passesUpdatedSince": tag})
    assert changed.json()["serialNumbers"] == [shopper.card.number]


@pytest.mark.parametrize("token", ["wrong", ""])
def test_the_web_service_refuses_a_wrong_authentication_token(client, shopper, apple, token):
    answer = client.post(
        f"{SERVICE}/devices/device-1/registrations/{PASS_TYPE}/{shopper.card.number}",
        {"pushToken": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApplePass {token}",
    )
    latest = client.get(f"{SERVICE}/passes/{PASS_TYPE}/{shopper.card.number}", HTTP_AUTHORIZATION=f"ApplePass {token}")

    assert (answer.status_code, latest.status_code) == (401, 401)
    assert not WalletRegistration.objects.exists()


def test_the_web_service_is_404_for_another_pass_type_or_unconfigured(client, shopper, settings, tmp_path):
    auth = {"HTTP_AUTHORIZATION": f"ApplePass {authentication_token(shopper.card)}"}
    unconfigured = client.get(f"{SERVICE}/passes/{PASS_TYPE}/{shopper.card.number}", **auth)
    configure_apple(settings, tmp_path)
    other_type = client.get(f"{SERVICE}/passes/pass.other/{shopper.card.number}", **auth)

    assert unconfigured.status_code == 404
    assert unconfigured.json()["error"]["code"] == "not_configured"
    assert other_type.status_code == 404


def test_the_web_service_log_is_accepted(client):
    assert client.post(f"{SERVICE}/log", {"logs": ["x"]}, content_type="application/json").status_code == 200


def verified_claims(token: str, public_pem: str) -> dict:
    """The JWT's claims once its RS256 signature verifies with the key (google-auth's verifier; a save link's JWT
    has no `exp`, which `jwt.decode` would require)."""
    signing_input, _dot, signature = token.encode().rpartition(b".")
    assert crypt.verify_signature(signing_input, _helpers.padded_urlsafe_b64decode(signature), [public_pem])
    return jwt.decode(token, verify=False)


def test_the_google_save_link_carries_a_jwt_that_verifies_with_the_key(me, shopper, settings):
    # given
    public_key = configure_google(settings)

    # when
    answer = me.get(f"{API}/wallet/google")

    # then
    url = answer.json()["url"]
    assert url.startswith("https://pay.google.com/gp/v/save/")
    token = url.rsplit("/", 1)[1]
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    claims = verified_claims(token, public_pem)
    assert jwt.decode_header(token) == {"alg": "RS256", "typ": "JWT", "kid": "key-1"}
    assert claims["aud"] == "google"
    assert (claims["iss"], claims["typ"]) == ("wallet@test-project.iam.gserviceaccount.com", "savetowallet")
    [card] = claims["payload"]["loyaltyObjects"]
    assert card["accountId"] == shopper.card.number
    assert card["barcode"]["value"] == shopper.card.number
    assert card["loyaltyPoints"]["balance"]["string"] == "250.00"
    assert card["classId"] == claims["payload"]["loyaltyClasses"][0]["id"]
    assert card["id"].startswith("3388000000012345678.")


def test_a_tampered_google_jwt_does_not_verify(me, shopper, settings):
    public_key = configure_google(settings)
    token = me.get(f"{API}/wallet/google").json()["url"].rsplit("/", 1)[1]
    header, payload, signature = token.split(".")
    forged = ".".join([header, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature])
    public_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()

    with pytest.raises(AssertionError):
        verified_claims(forged, public_pem)


def test_the_google_logo_is_served(client):
    answer = client.get("/wallet/logo.png")
    assert answer.status_code == 200
    assert answer.content.startswith(b"\x89PNG")


def test_last_modified_is_an_http_date(client, shopper, apple):
    auth = {"HTTP_AUTHORIZATION": f"ApplePass {authentication_token(shopper.card)}"}
    latest = client.get(f"{SERVICE}/passes/{PASS_TYPE}/{shopper.card.number}", **auth)
    assert latest["Last-Modified"].endswith("GMT")
    assert http_date(0).endswith("GMT")
