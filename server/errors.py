"""The one table of client-visible error codes and the exception that carries them.

A released code never changes meaning: phones in the field key their messages off it.
"""

from __future__ import annotations

from typing import Any

# code -> HTTP status
ERROR_STATUS: dict[str, int] = {
    "bad_request": 400,
    "hash_mismatch": 400,
    "invalid_json": 400,
    "csrf_failed": 400,
    "authentication_required": 401,
    "invalid_credentials": 401,
    "token_invalid": 401,
    "token_expired": 401,
    "device_revoked": 401,
    "account_disabled": 403,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "already_exists": 409,
    "epoch_mismatch": 409,
    "template_version_published": 409,
    "in_use": 409,
    "photo_pending": 409,
    "precondition_failed": 412,
    "payload_too_large": 413,
    "photo_too_large": 413,
    "image_too_large": 413,
    "unsupported_media_type": 415,
    "unsupported_type": 415,
    "validation_failed": 422,
    "corrupt_image": 422,
    "client_too_old": 426,
    "precondition_required": 428,
    "rate_limited": 429,
    "internal_error": 500,
    "service_unavailable": 503,
}

# Werkzeug's HTTP exceptions mapped to our codes, for errors raised outside our own code.
HTTP_STATUS_CODE: dict[int, str] = {
    400: "bad_request",
    401: "authentication_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    428: "precondition_required",
    429: "rate_limited",
    503: "service_unavailable",
}


class ApiError(Exception):
    """A client-visible error: a stable code, a message, and the fields at fault."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        if code not in ERROR_STATUS:
            raise ValueError(f"unregistered error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.details = details or {}

    @property
    def status(self) -> int:
        """The HTTP status this code is always answered with."""
        return ERROR_STATUS[self.code]

    def to_payload(self) -> dict[str, Any]:
        """The JSON body sent to the client."""
        payload: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            payload["fields"] = self.fields
        if self.details:
            payload["details"] = self.details
        return payload


def not_found(what: str, thing_id: object) -> ApiError:
    """The error for a record that does not exist or that the user may not see."""
    return ApiError("not_found", f"{what} {thing_id} was not found.")


def field_error(code: str, field: str, message: str) -> ApiError:
    """An error about one input field."""
    return ApiError(code, message, fields={field: [message]})
