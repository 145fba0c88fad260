"""Signing in, devices and their tokens, users and memberships."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Uuid, bindparam, select

from server.auth.access import Permission, Principal, require_permission
from server.auth.models import Device, Role, SiteMembership, User
from server.auth.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from server.auth.tokens import digest_refresh_token, issue_access_token, new_refresh_token
from server.db_types import utc_now
from server.errors import ApiError, field_error
from server.extensions import db


@dataclass(frozen=True)
class DeviceGrant:
    """What a phone receives on sign-in or refresh."""

    device: Device
    refresh_token: str
    access_token: str
    access_expires_in_s: int


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, else invalid_credentials."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(dummy_hash(), password)  # same cost as a real check
        raise ApiError("invalid_credentials", "Wrong username or password.")
    if not verify_password(user.password_hash, password):
        raise ApiError("invalid_credentials", "Wrong username or password.")
    if not user.is_active:
        raise ApiError("account_disabled", "This account is disabled; ask your site admin.")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def principal_for(user: User, device_id: uuid.UUID | None = None) -> Principal:
    """The acting identity of a user, with their role on each site."""
    return Principal(
        user_id=user.id,
        username=user.username,
        is_super_admin=user.is_super_admin,
        roles={m.site_id: m.role for m in user.memberships},
        device_id=device_id,
    )


# What a principal is built from: the user, and one row per site membership.
_PRINCIPAL_COLUMNS = (
    User.username,
    User.is_active,
    User.is_super_admin,
    SiteMembership.site_id,
    SiteMembership.role,
)


def load_principal(user_id: uuid.UUID, device_id: uuid.UUID | None = None) -> Principal | None:
    """The principal of an active user, or None when the user is gone or disabled.

    One query for the user and their roles, read as plain rows: it runs before every
    request, where loading the user as an object and then its memberships took two.
    """
    rows = db.session.execute(
        select(*_PRINCIPAL_COLUMNS)
        .outerjoin(SiteMembership, SiteMembership.user_id == User.id)
        .where(User.id == user_id)
    ).all()
    return _principal(rows, user_id, device_id)


# load_device_principal's query, built once: it runs before every request a phone makes.
_DEVICE_PRINCIPAL = (
    select(Device.revoked_at, *_PRINCIPAL_COLUMNS)
    .select_from(Device)
    .outerjoin(User, User.id == bindparam("user_id", type_=Uuid))
    .outerjoin(SiteMembership, SiteMembership.user_id == User.id)
    .where(Device.id == bindparam("device_id", type_=Uuid))
)


def load_device_principal(user_id: uuid.UUID, device_id: uuid.UUID) -> Principal | None:
    """load_principal for an access token's user and device; device_revoked if it was revoked.

    The device is read in the same query as the user: every request a phone makes asks both.
    """
    rows = db.session.execute(_DEVICE_PRINCIPAL, {"user_id": user_id, "device_id": device_id}).all()
    if not rows or rows[0].revoked_at is not None:
        raise _device_revoked()
    return _principal(rows if rows[0].username is not None else [], user_id, device_id)


def _principal(
    rows: Sequence[Any], user_id: uuid.UUID, device_id: uuid.UUID | None
) -> Principal | None:
    if not rows or not rows[0].is_active:
        return None
    return Principal(
        user_id=user_id,
        username=rows[0].username,
        is_super_admin=rows[0].is_super_admin,
        roles={row.site_id: row.role for row in rows if row.site_id is not None},
        device_id=device_id,
    )


def _access_ttl_s() -> int:
    return int(current_app.config["ACCESS_TOKEN_TTL"].total_seconds())


def register_device(user: User, device_name: str) -> DeviceGrant:
    """Sign a phone in: a new device with its first refresh and access tokens."""
    refresh_token, refresh_digest = new_refresh_token()
    device = Device(
        id=uuid.uuid4(),
        user_id=user.id,
        name=device_name,
        refresh_token_hash=refresh_digest,
        refresh_expires_at=utc_now() + current_app.config["REFRESH_TOKEN_TTL"],
        last_seen_at=utc_now(),
    )
    db.session.add(device)
    db.session.commit()
    return DeviceGrant(
        device, refresh_token, issue_access_token(user.id, device.id), _access_ttl_s()
    )


def refresh_device(refresh_token: str) -> DeviceGrant:
    """Rotate a device's refresh token and issue a new access token."""
    device = db.session.scalar(
        select(Device).where(Device.refresh_token_hash == digest_refresh_token(refresh_token))
    )
    if device is None:
        raise ApiError("token_invalid", "This sign-in is no longer valid; sign in again.")
    if device.is_revoked:
        raise ApiError("device_revoked", "This device was signed out by an administrator.")
    if device.refresh_expires_at < utc_now():
        raise ApiError("token_expired", "This sign-in has expired; sign in again.")
    if not device.user.is_active:
        raise ApiError("account_disabled", "This account is disabled; ask your site admin.")
    rotated, rotated_digest = new_refresh_token()
    device.refresh_token_hash = rotated_digest
    device.refresh_expires_at = utc_now() + current_app.config["REFRESH_TOKEN_TTL"]
    device.last_seen_at = utc_now()
    db.session.commit()
    access = issue_access_token(device.user_id, device.id)
    return DeviceGrant(device, rotated, access, _access_ttl_s())


def _device_revoked() -> ApiError:
    return ApiError("device_revoked", "This device was signed out by an administrator.")


def list_devices(principal: Principal, user_id: uuid.UUID | None = None) -> list[Device]:
    """The principal's own devices, or another user's when the principal administers them."""
    target_id = user_id or principal.user_id
    if target_id != principal.user_id:
        _require_user_admin(principal, target_id)
    return list(db.session.scalars(select(Device).where(Device.user_id == target_id)))


def revoke_device(principal: Principal, device_id: uuid.UUID) -> Device:
    """Sign a device out for good: its refresh and access tokens stop working."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise ApiError("not_found", f"Device {device_id} was not found.")
    if device.user_id != principal.user_id:
        _require_user_admin(principal, device.user_id)
    if device.revoked_at is None:
        device.revoked_at = utc_now()
        db.session.commit()
    return device


def _require_user_admin(principal: Principal, user_id: uuid.UUID) -> None:
    """Site admins administer the users of their sites; others see nothing."""
    site_ids = set(
        db.session.scalars(select(SiteMembership.site_id).where(SiteMembership.user_id == user_id))
    )
    if principal.is_super_admin:
        return
    if not any(principal.can(site_id, Permission.ADMINISTER) for site_id in site_ids):
        raise ApiError("not_found", f"User {user_id} was not found.")


def create_user(
    actor: Principal | None,
    *,
    username: str,
    password: str,
    display_name: str,
    is_super_admin: bool = False,
    locale: str = "zh_CN",
) -> User:
    """Create a user; only super admins (or the CLI, with no actor) make super admins."""
    if actor is not None and is_super_admin and not actor.is_super_admin:
        raise ApiError("forbidden", "Only a super admin can create another super admin.")
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise field_error("already_exists", "username", f"Username {username!r} is taken.")
    if len(password) < 8:
        raise field_error("validation_failed", "password", "Use at least 8 characters.")
    user = User(
        id=uuid.uuid4(),
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        is_super_admin=is_super_admin,
        locale=locale,
    )
    db.session.add(user)
    return user


def grant_membership(
    actor: Principal | None,
    user: User,
    site_id: uuid.UUID,
    role: Role,
    department_id: uuid.UUID | None = None,
) -> SiteMembership:
    """Give a user a role on a site (site admins of that site, super admins or the CLI)."""
    if actor is not None:
        require_permission(actor, site_id, Permission.ADMINISTER)
    membership = db.session.scalar(
        select(SiteMembership).where(
            SiteMembership.user_id == user.id, SiteMembership.site_id == site_id
        )
    )
    if membership is None:
        membership = SiteMembership(id=uuid.uuid4(), user_id=user.id, site_id=site_id, role=role)
        user.memberships.append(membership)
    membership.role = role
    membership.department_id = department_id
    return membership


def get_user_visible(principal: Principal, user_id: uuid.UUID) -> User:
    """A user who shares a site with the principal (or the principal themself)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ApiError("not_found", f"User {user_id} was not found.")
    if principal.is_super_admin or user.id == principal.user_id:
        return user
    if not {m.site_id for m in user.memberships} & principal.site_ids:
        raise ApiError("not_found", f"User {user_id} was not found.")
    return user


def list_users(principal: Principal, site_id: uuid.UUID | None = None) -> list[User]:
    """Users who share a site with the principal (optionally one site)."""
    statement = select(User).join(SiteMembership).order_by(User.username).distinct()
    if site_id is not None:
        statement = statement.where(SiteMembership.site_id == site_id)
    if not principal.is_super_admin:
        statement = statement.where(SiteMembership.site_id.in_(principal.site_ids))
    return list(db.session.scalars(statement))


def add_user_to_site(principal: Principal, data: dict[str, Any]) -> User:
    """Create a user with a role on one site (site admins of that site)."""
    membership = data["membership"]
    require_permission(principal, membership["site_id"], Permission.ADMINISTER)
    user = create_user(
        principal,
        username=data["username"],
        password=data["password"],
        display_name=data["display_name"],
        locale=data["locale"],
    )
    grant_membership(principal, user, **membership)
    db.session.commit()
    return user


def update_user(principal: Principal, user_id: uuid.UUID, changes: dict[str, Any]) -> User:
    """Rename, disable or re-enable a user (their site admins); a user may change their locale."""
    user = get_user_visible(principal, user_id)
    if not (user.id == principal.user_id and set(changes) <= {"locale", "display_name"}):
        _require_user_admin(principal, user.id)
    for name, value in changes.items():
        setattr(user, name, value)
    db.session.commit()
    return user
