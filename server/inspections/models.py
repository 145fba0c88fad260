"""Inspections (submitted checks) and the schedules that make checks fall due."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.checklists.models import Frequency
from server.db_types import (
    JsonType,
    UtcDateTime,
    created_at_column,
    enum_column,
    uuid_key,
)
from server.extensions import db


class InspectionResult(enum.StrEnum):
    """How a check ended; 'not_inspected' is a result with a reason, not a skipped task."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_INSPECTED = "not_inspected"


class Inspection(db.Model):
    """A submitted check of a location or an asset: a fact, never overwritten."""

    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint("location_id IS NOT NULL OR asset_id IS NOT NULL", name="has_target"),
    )

    # Generated on the phone, so a retried upload is recognised as the same inspection.
    id: Mapped[uuid.UUID] = uuid_key()
    # The site, template version, inspector and device have no foreign keys: each is
    # checked when the inspection is recorded (services.inspection_row, the signed-in
    # device), none of them is ever deleted, and a key locked the same site, version, user
    # and device rows once per inspection of a push (see migration 0012).
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    template_version_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sites_locations.id"), index=True
    )
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"), index=True)
    inspector_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections_schedules.id"))
    revision_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Corrected by the phone's measured clock offset; the raw device time is kept beside it.
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    finished_at_device: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answers: Mapped[dict[str, Any]] = mapped_column(JsonType)
    result: Mapped[InspectionResult] = enum_column(InspectionResult)
    not_inspected_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = created_at_column()


class Schedule(db.Model):
    """A template to be filled for some targets at a frequency, by an assignee."""

    __tablename__ = "inspections_schedules"

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklists_templates.id"))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[Frequency] = enum_column(Frequency)
    interval_days: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at_column()

    targets: Mapped[list[ScheduleTarget]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan"
    )


class ScheduleTarget(db.Model):
    """One location or asset of a schedule, with its own frequency when a rule says so."""

    __tablename__ = "inspections_schedule_targets"
    __table_args__ = (
        CheckConstraint("location_id IS NOT NULL OR asset_id IS NOT NULL", name="has_target"),
    )

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("inspections_schedules.id"), index=True
    )
    location_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites_locations.id"))
    asset_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("assets.id"))
    # Set when a rule overrides the schedule's frequency (GB 50444: basements half-monthly).
    frequency: Mapped[Frequency | None] = enum_column(Frequency, nullable=True)

    schedule: Mapped[Schedule] = relationship(back_populates="targets")

    @property
    def effective_frequency(self) -> Frequency:
        """The target's own frequency, else its schedule's."""
        return self.frequency or self.schedule.frequency
