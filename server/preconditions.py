"""Optimistic concurrency for edits: ETag is the record's version, If-Match must match it."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from server.errors import ApiError


def etag_of(record: Any) -> str:
    """The entity tag of a versioned record."""
    return f'"{record.version}"'


def require_current_version(record: Any, current: dict[str, Any]) -> None:
    """Reject a stale edit with 412 and the current record, so the client can show both.

    If-Match is optional: the back office always sends it, scripts may not.
    """
    if_match = request.headers.get("If-Match")
    if if_match is None or if_match.strip() == "*":
        return
    sent = {tag.strip() for tag in if_match.split(",")}
    if etag_of(record) not in sent and etag_of(record).strip('"') not in sent:
        raise ApiError(
            "precondition_failed",
            "Someone changed this record since you loaded it; review the current version.",
            details={"current": current},
        )


def with_etag(response: Response, record: Any) -> Response:
    """Add the record's ETag to a response."""
    response.headers["ETag"] = etag_of(record)
    return response
