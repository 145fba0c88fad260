"""The flask-smorest Api, with every error rendered as Roundbook's JSON error body."""

from __future__ import annotations

import json
import logging
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, Request, current_app
from flask_smorest import Api
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from server.errors import HTTP_STATUS_CODE, ApiError

log = logging.getLogger(__name__)


class ArgumentsParser(FlaskParser):
    """webargs' Flask parser, decoding JSON bodies with the app's JSON provider (orjson).

    webargs decodes with the standard library's json module, which took as long as
    everything else of a sync push's request handling for a 300 KB batch. orjson's errors
    are json.JSONDecodeErrors, so bad JSON is answered as before (400 invalid_json); NaN
    and Infinity, which are not JSON, are bad JSON too.
    """

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        try:
            return current_app.json.loads(body)
        except json.JSONDecodeError as error:
            if body and not error.doc:
                # orjson gives no document for bytes that are not UTF-8, and webargs takes
                # an empty document for a missing body.
                document = body.decode("utf-8", "replace")
                raise json.JSONDecodeError(error.msg, document, error.pos) from error
            raise


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with Roundbook's arguments parser (every capability's)."""

    ARGUMENTS_PARSER = ArgumentsParser()


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
