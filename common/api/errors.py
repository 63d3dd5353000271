"""One exception handler: every API error leaves in the contract's shape.

`{"error": {"code": "...", "message": "...", "fields": {...}}}`. Errors that DRF does not know (database
integrity or range errors, Django validation errors) are mapped too, so no input produces a 500.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from common.errors import DomainError

logger = logging.getLogger(__name__)

_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "too_many_requests",
    exceptions.ValidationError: "invalid",
}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    """DRF error details to plain strings and lists."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _first_message(fields: Any) -> str:
    if isinstance(fields, dict):
        for key, value in fields.items():
            message = _first_message(value)
            if message:
                return message if key == "non_field_errors" else f"{key}: {message}"
    if isinstance(fields, list):
        for value in fields:
            message = _first_message(value)
            if message:
                return message
    if isinstance(fields, str):
        return fields
    return ""


def _validation_response(detail: Any) -> Response:
    fields = _flatten(detail)
    if not isinstance(fields, dict):
        fields = {"non_field_errors": fields if isinstance(fields, list) else [fields]}
    return Response(
        error_body("invalid", _first_message(fields) or "Invalid input.", fields),
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    set_rollback()
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", "Not found."), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return Response(
            error_body("permission_denied", "You do not have permission to perform this action."),
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _validation_response(detail)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_response(exc.detail)
    if isinstance(exc, exceptions.APIException):
        code = _CODES.get(type(exc), getattr(exc, "default_code", "error"))
        message = exc.detail if isinstance(exc.detail, str) else _first_message(_flatten(exc.detail))
        response = Response(error_body(code, message), status=exc.status_code)
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait:
            response["Retry-After"] = str(int(wait))
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            error_body("protected", "The object is still referenced by other objects and cannot be deleted."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        logger.info("integrity error turned into 409: %s", exc)
        return Response(
            error_body("conflict", "The change conflicts with existing data."),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, SuspiciousOperation | BadRequest):
        # Django's own refusals of a request (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields): logged as
        # Django logs them, answered as the contract's 400 rather than its HTML page.
        logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
        return Response(bad_request_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DataError | OverflowError | ArithmeticError):
        return Response(
            error_body("invalid", "A value is out of the accepted range."), status=status.HTTP_400_BAD_REQUEST
        )
    return None


def bad_request_body(exc: Exception | None) -> dict[str, Any]:
    """The 400 for a request Django refused before any view read it: `too_large` for a body past the limits (400,
    not 413: the contract's list answers invalid input with 400), `bad_request` for anything else."""
    if isinstance(exc, RequestDataTooBig):
        return error_body(
            "too_large",
            _("The request body is larger than %(limit)s bytes.") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return error_body("too_large", _("The request has too many fields or files."))
    return error_body("bad_request", _("The request is malformed."))


def json_400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(bad_request_body(exception), status=400)


def json_403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body("permission_denied", "You do not have permission to perform this action."), status=403
    )


def json_404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "Not found."), status=404)


def json_500(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("server_error", "Internal error; it has been logged."), status=500)
