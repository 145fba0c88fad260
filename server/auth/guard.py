"""Who is calling: a phone's bearer access token or a back-office session cookie.

Runs before every request. Cookie sessions are checked for CSRF on unsafe methods; bearer
tokens are not (a browser never attaches them on its own, so they cannot be forged cross-site).
"""

from __future__ import annotations

import uuid

from flask import Flask, g, request, session
from flask_wtf.csrf import CSRFError

from server.auth.access import Principal
from server.auth.services import load_device_principal, load_principal
from server.auth.tokens import read_access_token
from server.errors import ApiError
from server.extensions import csrf, db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_USER_KEY = "user_id"
# Everything else needs a signed-in caller, checked before the request body is even parsed.
PUBLIC_ENDPOINTS = frozenset(
    {
        "health.Health",
        "auth.BackOfficeSession",  # POST signs in; GET and DELETE check for a session themselves
        "auth.Devices",  # POST signs a phone in; GET checks for a caller itself
        "auth.AccessToken",
        "api-docs.openapi_json",
        "api-docs.openapi_swagger_ui",
        "docs_asset",
        "home.start_page",
        "static",
        # The field app's files: the shell must load before anyone can sign in, and offline.
        "pwa_host.app_root",
        "pwa_host.app_shell",
        "pwa_host.app_file",
    }
)


def _principal_from_bearer(token: str) -> Principal:
    claims = read_access_token(token)
    principal = load_device_principal(claims.user_id, claims.device_id)
    if principal is None:
        raise ApiError("token_invalid", "This account no longer exists or is disabled.")
    return principal


def _principal_from_session() -> Principal | None:
    raw_user_id = session.get(SESSION_USER_KEY)
    if raw_user_id is None:
        return None
    principal = load_principal(uuid.UUID(raw_user_id))
    if principal is None:
        session.clear()
        return None
    if request.method not in SAFE_METHODS:
        try:
            csrf.protect()
        except CSRFError as error:
            raise ApiError(
                "csrf_failed", "The form expired or came from another site; reload the page."
            ) from error
    return principal


def authenticate_request() -> None:
    """Set g.principal from the request's credentials (None when anonymous)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        principal: Principal | None = _principal_from_bearer(header.removeprefix("Bearer "))
    else:
        principal = _principal_from_session()
    g.principal = principal
    # The audit trail records this user as the author of whatever the request changes.
    db.session.info["actor_id"] = principal.user_id if principal else None
    if principal is None and request.endpoint and request.endpoint not in PUBLIC_ENDPOINTS:
        raise ApiError("authentication_required", "Sign in first.")


def current_principal() -> Principal:
    """The signed-in caller, else a 401 authentication_required."""
    principal: Principal | None = g.get("principal")
    if principal is None:
        raise ApiError("authentication_required", "Sign in first.")
    return principal


def install_guard(app: Flask) -> None:
    """Authenticate every request before its view runs."""
    app.before_request(authenticate_request)
