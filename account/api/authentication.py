"""`Authorization: Customer <token>`: a customer of the personal account. Not a staff user: `for_user` of this
identity answers nothing, so the account's views reach the customer's own contact through the token alone."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from account.models import CustomerToken
from account.services.tokens import customer_token_find, customer_token_touch
from contacts.models import Contact


class CustomerUser(AnonymousUser):
    """The identity of a customer on a request: authenticated, not staff, carrying their contact and token."""

    def __init__(self, token: CustomerToken) -> None:
        super().__init__()
        self.token = token
        self.contact: Contact = token.contact

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class CustomerTokenAuthentication(BaseAuthentication):
    keyword = "Customer"

    def authenticate(self, request: Request) -> tuple[CustomerUser, CustomerToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid Customer header."))
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise AuthenticationFailed(_("Invalid Customer header.")) from exc
        token = customer_token_find(key)
        if token is None:
            raise AuthenticationFailed(_("Unknown, expired or revoked customer token."))
        customer_token_touch(token=token)
        return CustomerUser(token), token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class IsCustomer(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, CustomerUser)
