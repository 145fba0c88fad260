"""Users, their roles per site, and the phones (devices) they sign in on."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import UtcDateTime, created_at_column, enum_column, uuid_key
from server.extensions import db


class Role(enum.StrEnum):
    """What a user may do on one site."""

    INSPECTOR = "inspector"
    MAINTENANCE = "maintenance"
    REVIEWER = "reviewer"
    SITE_ADMIN = "site_admin"


class User(db.Model):
    """A person who signs in; belongs to sites through memberships."""

    __tablename__ = "auth_users"

    id: Mapped[uuid.UUID] = uuid_key()
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_super_admin: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(16), default="zh_CN")
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list[SiteMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class SiteMembership(db.Model):
    """A user's role on one site, and the department they work for there."""

    __tablename__ = "auth_site_memberships"
    __table_args__ = (UniqueConstraint("user_id", "site_id"),)

    id: Mapped[uuid.UUID] = uuid_key()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_users.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    role: Mapped[Role] = enum_column(Role)
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites_departments.id"))
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(back_populates="memberships")


class Device(db.Model):
    """A phone signed in by one user; holds a rotating refresh token and can be revoked."""

    __tablename__ = "auth_devices"

    id: Mapped[uuid.UUID] = uuid_key()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Only a SHA-256 of the refresh token is stored: a database leak signs nobody in.
    refresh_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # What the phone said it still held at its last sync (X-Roundbook-Unsynced), so the back
    # office sees phones holding unsynced work (issue 4); None until it first reports.
    unsynced_records: Mapped[int | None] = mapped_column(Integer)
    unsynced_photos: Mapped[int | None] = mapped_column(Integer)
    unsynced_drafts: Mapped[int | None] = mapped_column(Integer)
    is_storage_persisted: Mapped[bool | None] = mapped_column(Boolean)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()

    @property
    def is_revoked(self) -> bool:
        """A revoked device can neither refresh nor use its access tokens."""
        return self.revoked_at is not None
