"""The flask-smorest Api, with every error rendered as Roundbook's JSON error body."""

from __future__ import annotations

import logging
from typing import Any

import marshmallow as ma
from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from server.errors import HTTP_STATUS_CODE, ApiError

log = logging.getLogger(__name__)


class ErrorSchema(ma.Schema):
    """The body of every error response."""

    code = ma.fields.String(metadata={"description": "Stable machine-readable error code"})
    message = ma.fields.String(metadata={"description": "Human-readable explanation"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Input fields at fault, each with its messages"},
    )
    details = ma.fields.Dict(metadata={"description": "Extra data, e.g. the current record"})


def _flatten_webargs_messages(messages: Any) -> dict[str, list[str]]:
    """Turn webargs' {location: {field: [msg]}} into {field: [msg]}."""
    fields: dict[str, list[str]] = {}
    if not isinstance(messages, dict):
        return {"_request": [str(messages)]}
    for location_messages in messages.values():
        if not isinstance(location_messages, dict):
            fields.setdefault("_request", []).append(str(location_messages))
            continue
        for field, field_messages in location_messages.items():
            fields[str(field)] = _as_message_list(field_messages)
    return fields


def _as_message_list(messages: Any) -> list[str]:
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return messages
    if isinstance(messages, dict):
        return [f"{key}: {value}" for key, value in messages.items()]
    return [str(messages)]


def _error_from_http_exception(error: HTTPException) -> ApiError:
    """Translate a Werkzeug/webargs HTTP exception into an ApiError."""
    status = error.code or 500
    code = HTTP_STATUS_CODE.get(status, "bad_request" if status < 500 else "internal_error")
    data = getattr(error, "data", None) or {}
    fields = _flatten_webargs_messages(data["messages"]) if "messages" in data else {}
    if status == 422:
        message = "Some fields are missing or invalid."
    elif status == 400 and _mentions_invalid_json(fields):
        code, message = "invalid_json", "The request body is not valid JSON."
    else:
        message = data.get("message") or error.description or error.name
    return ApiError(code, message, fields=fields)


def _mentions_invalid_json(fields: dict[str, list[str]]) -> bool:
    return any("Invalid JSON" in m for msgs in fields.values() for m in msgs)


class RoundbookApi(Api):  # type: ignore[misc]
    """flask-smorest Api whose errors use the stable codes of server.errors."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        app: Flask = self._app
        app.register_error_handler(ApiError, self.handle_api_error)
        app.register_error_handler(HTTPException, self.handle_http_exception)
        app.register_error_handler(Exception, self.handle_unexpected_error)

    def handle_api_error(self, error: ApiError) -> tuple[dict[str, Any], int]:
        """Render an ApiError raised by a service or a route."""
        return error.to_payload(), error.status

    def handle_http_exception(
        self, error: HTTPException
    ) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Render an HTTP exception raised by Flask, Werkzeug or webargs."""
        api_error = _error_from_http_exception(error)
        headers = dict(getattr(error, "data", {}).get("headers", {}) or {})
        return api_error.to_payload(), error.code or 500, headers

    def handle_unexpected_error(self, error: Exception) -> tuple[dict[str, Any], int]:
        """Log a bug and answer without leaking internals."""
        from server.extensions import db

        db.session.rollback()
        log.exception("unhandled error", exc_info=error)
        body = ApiError("internal_error", "Something went wrong on the server.").to_payload()
        return body, 500
