"""`Authorization: Api-Key <key>` for cash registers; the register fixes store, brand and program."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from loyalty.services.registers import register_by_key, register_touch


class RegisterUser(AnonymousUser):
    """The identity of a register on a request: not a staff user, carries the register."""

    def __init__(self, register: Any) -> None:
        super().__init__()
        self.register = register

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True


class RegisterKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[RegisterUser, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid Api-Key header."))
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise AuthenticationFailed(_("Invalid Api-Key header.")) from exc
        register = register_by_key(key)
        if register is None:
            raise AuthenticationFailed(_("Unknown or revoked register key."))
        register_touch(register=register)
        return RegisterUser(register), register

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
