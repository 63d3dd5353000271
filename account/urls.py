"""The personal account's and the store assistant's pages, and Apple's pass web service."""

from django.urls import path, re_path

from account.pages import assistant, customer
from account.wallet import service

app_name = "account"

DEVICE = r"(?P<device>[\w.-]{1,128})"
PASS_TYPE = r"(?P<pass_type>[\w.-]{1,255})"
SERIAL = r"(?P<serial>[0-9A-Za-z-]{1,32})"

urlpatterns = [
    path("account/", customer.account_page, name="page"),
    path("account/wallet/apple/", customer.wallet_apple, name="wallet-apple"),
    path("account/wallet/google/", customer.wallet_google, name="wallet-google"),
    path("assistant/", assistant.assistant_page, name="assistant"),
    path("wallet/logo.png", service.logo, name="wallet-logo"),
    re_path(rf"^wallet/apple/v1/devices/{DEVICE}/registrations/{PASS_TYPE}/{SERIAL}$", service.registration),
    re_path(rf"^wallet/apple/v1/devices/{DEVICE}/registrations/{PASS_TYPE}$", service.updatable),
    re_path(rf"^wallet/apple/v1/passes/{PASS_TYPE}/{SERIAL}$", service.latest_pass),
    re_path(r"^wallet/apple/v1/log$", service.log),
]
