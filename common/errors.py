"""Domain errors: raised by services, turned into the contract's error body by the API."""

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation; carries the contract's error code and HTTP status."""

    status_code = 409
    code = "conflict"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.fields = fields or {}


class InvalidInput(DomainError):
    """Input that passes the serializer's shape but breaks a business rule (HTTP 400)."""

    status_code = 400
    code = "invalid"


class Conflict(DomainError):
    """The operation conflicts with the current state (HTTP 409)."""

    status_code = 409
    code = "conflict"
