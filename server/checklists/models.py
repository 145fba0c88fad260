"""Checklist templates and their immutable published versions."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import JsonType, UtcDateTime, created_at_column, enum_column, uuid_key
from server.extensions import db


class TargetKind(enum.StrEnum):
    """What a checklist is filled for: a location (ward round) or a kind of asset."""

    LOCATION = "location"
    FIRE_EXTINGUISHER = "fire_extinguisher"
    BAIT_STATION = "bait_station"
    EQUIPMENT = "equipment"


class Frequency(enum.StrEnum):
    """How often a scheduled check falls due."""

    WORKING_DAYS = "working_days"
    WEEKLY = "weekly"
    EVERY_N_DAYS = "every_n_days"
    HALF_MONTHLY = "half_monthly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class VersionStatus(enum.StrEnum):
    """A draft may still change; a published version never does."""

    DRAFT = "draft"
    PUBLISHED = "published"


class ChecklistTemplate(db.Model):
    """A named checklist of one site (ward round, extinguisher check, ...)."""

    __tablename__ = "checklists_templates"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    target_kind: Mapped[TargetKind] = enum_column(TargetKind)
    equipment_category: Mapped[str | None] = mapped_column(String(64))
    default_frequency: Mapped[Frequency] = enum_column(Frequency)
    interval_days: Mapped[int | None] = mapped_column(Integer)
    is_builtin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = created_at_column()

    versions: Mapped[list[ChecklistTemplateVersion]] = relationship(
        back_populates="template", order_by="ChecklistTemplateVersion.number"
    )


class ChecklistTemplateVersion(db.Model):
    """One version of a template's items; once published it is never changed."""

    __tablename__ = "checklists_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklists_templates.id"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = enum_column(VersionStatus, default=VersionStatus.DRAFT)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    created_at: Mapped[datetime] = created_at_column()

    template: Mapped[ChecklistTemplate] = relationship(back_populates="versions")

    @property
    def is_published(self) -> bool:
        """Published versions are immutable: inspections point at them."""
        return self.status is VersionStatus.PUBLISHED
