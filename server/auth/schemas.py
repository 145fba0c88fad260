"""Schemas for signing in, devices, users and memberships."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.auth.models import Role


class CredentialsSchema(ma.Schema):
    """Username and password."""

    username = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024)
    )


class DeviceSignInSchema(CredentialsSchema):
    """A phone signing in: credentials and a name for the device."""

    device_name = ma.fields.String(load_default="", validate=validate.Length(max=200))


class MembershipSchema(ma.Schema):
    """A user's role on one site."""

    site_id = ma.fields.UUID(required=True)
    role = ma.fields.Enum(Role, by_value=True, required=True)
    department_id = ma.fields.UUID(allow_none=True, load_default=None)


class UserSchema(ma.Schema):
    """A user as others see them."""

    id = ma.fields.UUID(dump_only=True)
    username = ma.fields.String(dump_only=True)
    display_name = ma.fields.String(dump_only=True)
    is_super_admin = ma.fields.Boolean(dump_only=True)
    is_active = ma.fields.Boolean(dump_only=True)
    locale = ma.fields.String(dump_only=True)
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema), dump_only=True)


class UserCreateSchema(ma.Schema):
    """A new user and their first site membership."""

    username = ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=2, max=64),
            validate.Regexp(r"^[A-Za-z0-9_.@-]+$", error="Use letters, digits, _ . @ - only."),
        ],
    )
    password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=8, max=1024)
    )
    display_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    locale = ma.fields.String(load_default="zh_CN", validate=validate.OneOf(["zh_CN", "en"]))
    membership = ma.fields.Nested(MembershipSchema, required=True)


class UserUpdateSchema(ma.Schema):
    """Changes to a user (site admins): name, active flag, language."""

    display_name = ma.fields.String(validate=validate.Length(min=1, max=200))
    is_active = ma.fields.Boolean()
    locale = ma.fields.String(validate=validate.OneOf(["zh_CN", "en"]))


class UserQueryArgsSchema(ma.Schema):
    """Filter users by site."""

    site_id = ma.fields.UUID()


class SessionSchema(ma.Schema):
    """A back-office session: who is signed in and the CSRF token for unsafe requests."""

    user = ma.fields.Nested(UserSchema)
    csrf_token = ma.fields.String()


class DeviceGrantSchema(ma.Schema):
    """What a phone gets on sign-in or refresh (the refresh token travels as an HttpOnly cookie)."""

    access_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in_s = ma.fields.Integer()
    device_id = ma.fields.UUID()
    user = ma.fields.Nested(UserSchema)


class DeviceSchema(ma.Schema):
    """A signed-in phone."""

    id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    name = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    last_seen_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    is_revoked = ma.fields.Boolean()


class DeviceQueryArgsSchema(ma.Schema):
    """Whose devices to list (default: yours)."""

    user_id = ma.fields.UUID()


class UnsyncedDeviceQueryArgsSchema(ma.Schema):
    """Which site's phones to list."""

    site_id = ma.fields.UUID(required=True)


class DeviceHoldingWorkSchema(ma.Schema):
    """A phone that reported, at its last sync, work it had not synced yet."""

    device_id = ma.fields.UUID()
    device_name = ma.fields.String()
    user_id = ma.fields.UUID()
    username = ma.fields.String()
    display_name = ma.fields.String()
    last_seen_at = ma.fields.AwareDateTime(allow_none=True)
    reported_at = ma.fields.AwareDateTime()
    unsynced_records = ma.fields.Integer(metadata={"description": "Outbox operations"})
    unsynced_photos = ma.fields.Integer(metadata={"description": "Photos not uploaded"})
    unsynced_drafts = ma.fields.Integer(
        allow_none=True, metadata={"description": "Checks started and not submitted"}
    )
    is_storage_persisted = ma.fields.Boolean(
        allow_none=True,
        metadata={"description": "false: the browser may evict its data when space runs low"},
    )
    is_revoked = ma.fields.Boolean()
