"""Photos, addressed by the SHA-256 of their bytes."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import UtcDateTime, created_at_column, enum_column, uuid_key
from server.extensions import db


class PhotoStatus(enum.StrEnum):
    """A photo is referenced before it arrives, stored when it does, then processed."""

    EXPECTED = "expected"
    STORED = "stored"
    PROCESSED = "processed"
    FAILED = "failed"


class Photo(db.Model):
    """A photo of one site, known by its content hash, possibly not yet uploaded."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("site_id", "sha256"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("inspections.id"), index=True
    )
    status: Mapped[PhotoStatus] = enum_column(PhotoStatus, default=PhotoStatus.EXPECTED)
    content_type: Mapped[str | None] = mapped_column(String(64))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    created_at: Mapped[datetime] = created_at_column()
