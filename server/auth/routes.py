"""HTTP routes for signing in (back office and phones), devices and users."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, current_app, jsonify, request, session
from flask.views import MethodView
from flask_wtf.csrf import generate_csrf

from server.api import Blueprint
from server.auth import device_reports, services
from server.auth.guard import SESSION_USER_KEY, current_principal
from server.auth.schemas import (
    CredentialsSchema,
    DeviceGrantSchema,
    DeviceHoldingWorkSchema,
    DeviceQueryArgsSchema,
    DeviceSchema,
    DeviceSignInSchema,
    SessionSchema,
    UnsyncedDeviceQueryArgsSchema,
    UserCreateSchema,
    UserQueryArgsSchema,
    UserSchema,
    UserUpdateSchema,
)
from server.auth.services import DeviceGrant
from server.errors import ApiError
from server.extensions import limiter

blp = Blueprint("auth", __name__, url_prefix="/api", description="Sign-in, devices and users")

REFRESH_COOKIE = "rb_refresh"
REFRESH_PATH = "/api/auth/token"


def _sign_in_limit() -> str:
    return str(current_app.config["SIGN_IN_RATE_LIMIT"])


def _username_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    return f"sign-in:{str(username)[:64].lower()}"


# Two limits on signing in: per client address, and per username so that one account cannot
# be guessed at from many addresses.
SIGN_IN_LIMITS = [
    limiter.limit(_sign_in_limit, methods=["POST"]),
    limiter.limit(_sign_in_limit, key_func=_username_key, methods=["POST"]),
]


@blp.route("/auth/session")
class BackOfficeSession(MethodView):
    """The back office's cookie session."""

    decorators = SIGN_IN_LIMITS

    @blp.response(200, SessionSchema)
    def get(self) -> dict[str, Any]:
        """Who is signed in, with a fresh CSRF token for unsafe requests."""
        principal = current_principal()
        user = services.get_user_visible(principal, principal.user_id)
        return {"user": user, "csrf_token": generate_csrf()}

    @blp.arguments(CredentialsSchema)
    @blp.response(200, SessionSchema)
    def post(self, credentials: dict[str, Any]) -> dict[str, Any]:
        """Sign in to the back office; send the returned csrf_token as X-CSRFToken."""
        user = services.authenticate(credentials["username"], credentials["password"])
        session.clear()
        session[SESSION_USER_KEY] = str(user.id)
        session.permanent = True
        return {"user": user, "csrf_token": generate_csrf()}

    @blp.response(204)
    def delete(self) -> None:
        """Sign out of the back office."""
        session.clear()


def _grant_response(grant: DeviceGrant, status: int) -> Response:
    body = DeviceGrantSchema().dump(
        {
            "access_token": grant.access_token,
            "token_type": "Bearer",
            "expires_in_s": grant.access_expires_in_s,
            "device_id": grant.device.id,
            "user": grant.device.user,
        }
    )
    response = jsonify(body)
    response.status_code = status
    # HttpOnly and scoped to the refresh endpoint: page scripts never see it.
    response.set_cookie(
        REFRESH_COOKIE,
        grant.refresh_token,
        max_age=int(current_app.config["REFRESH_TOKEN_TTL"].total_seconds()),
        path=REFRESH_PATH,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/auth/devices")
class Devices(MethodView):
    """Phones signed in to Roundbook."""

    decorators = SIGN_IN_LIMITS

    @blp.arguments(DeviceSignInSchema)
    @blp.response(201, DeviceGrantSchema)
    def post(self, credentials: dict[str, Any]) -> Response:
        """Sign a phone in: returns an access token and sets the HttpOnly refresh cookie."""
        user = services.authenticate(credentials["username"], credentials["password"])
        return _grant_response(services.register_device(user, credentials["device_name"]), 201)

    @blp.arguments(DeviceQueryArgsSchema, location="query")
    @blp.response(200, DeviceSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Any]:
        """List your devices, or a user's devices if you administer them."""
        return services.list_devices(current_principal(), args.get("user_id"))


@blp.route("/auth/devices/unsynced")
class DevicesHoldingWork(MethodView):
    """Phones that still hold unsynced work."""

    @blp.arguments(UnsyncedDeviceQueryArgsSchema, location="query")
    @blp.response(200, DeviceHoldingWorkSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[device_reports.DeviceHoldingWork]:
        """List phones of the site's users that reported unsynced work (reviewers, site admins).

        Each phone reports at every sync how many records, photos and drafts it still holds
        and whether its browser storage is persistent; the counts are as of `reported_at`.
        Longest-silent first: those are the phones to chase before their work is lost.
        """
        return device_reports.list_devices_holding_work(current_principal(), args["site_id"])


@blp.route("/auth/devices/<uuid:device_id>")
class DeviceById(MethodView):
    """One device."""

    @blp.response(200, DeviceSchema)
    def delete(self, device_id: uuid.UUID) -> Any:
        """Revoke a device: it must sign in again, and its tokens stop working at once."""
        return services.revoke_device(current_principal(), device_id)


@blp.route("/auth/token")
class AccessToken(MethodView):
    """Access tokens for phones."""

    @blp.response(200, DeviceGrantSchema)
    def post(self) -> Response:
        """Exchange the refresh cookie for a new access token (the cookie is rotated)."""
        refresh_token = request.cookies.get(REFRESH_COOKIE)
        if not refresh_token:
            raise ApiError("authentication_required", "This device is not signed in.")
        return _grant_response(services.refresh_device(refresh_token), 200)


@blp.route("/users")
class Users(MethodView):
    """Users of your sites."""

    @blp.arguments(UserQueryArgsSchema, location="query")
    @blp.response(200, UserSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Any]:
        """List users who share a site with you."""
        return services.list_users(current_principal(), args.get("site_id"))

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a user with a role on one of your sites (site admins)."""
        return services.add_user_to_site(current_principal(), data)


@blp.route("/users/me")
class CurrentUser(MethodView):
    """The signed-in user."""

    @blp.response(200, UserSchema)
    def get(self) -> Any:
        """Who you are and your role on each site."""
        principal = current_principal()
        return services.get_user_visible(principal, principal.user_id)


@blp.route("/users/<uuid:user_id>")
class UserById(MethodView):
    """One user."""

    @blp.response(200, UserSchema)
    def get(self, user_id: uuid.UUID) -> Any:
        """Get a user who shares a site with you."""
        return services.get_user_visible(current_principal(), user_id)

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, changes: dict[str, Any], user_id: uuid.UUID) -> Any:
        """Rename, disable or re-enable a user (site admins)."""
        return services.update_user(current_principal(), user_id, changes)
