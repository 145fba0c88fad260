"""Findings: failed items to be fixed and re-checked (the rectification ledger, 整改台帐)."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import (
    UtcDateTime,
    created_at_column,
    enum_column,
    updated_at_column,
    uuid_key,
)
from server.extensions import db


class Severity(enum.StrEnum):
    """How bad a failed item or finding is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class FindingStatus(enum.StrEnum):
    """Where a finding stands in its fix-and-verify cycle."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FIXED = "fixed"
    VERIFIED_CLOSED = "verified_closed"
    REOPENED = "reopened"


class Finding(db.Model):
    """A problem found on a check: what, where, how bad, whose, and by when."""

    __tablename__ = "findings"

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("inspections.id"), index=True
    )
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_locations.id"), index=True)
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), index=True)
    item_key: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = enum_column(Severity)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_departments.id"), index=True)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[FindingStatus] = enum_column(FindingStatus, default=FindingStatus.OPEN)
    raised_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_users.id"))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()
