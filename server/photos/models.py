"""Photos, addressed by the SHA-256 of their bytes, and the inspections that expect them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import UtcDateTime, created_at_column, enum_column, uuid_key
from server.extensions import db


class PhotoStatus(enum.StrEnum):
    """A photo is referenced before it arrives, stored when it does, then processed."""

    EXPECTED = "expected"  # referenced by an inspection, bytes not received yet
    STORED = "stored"  # original on disk, waiting for (or between tries of) its job
    PROCESSED = "processed"  # display size, thumbnail and pHash made
    FAILED = "failed"  # the job kept failing; processing_error says why


class Photo(db.Model):
    """A photo of one site, known by its content hash, possibly not yet uploaded.

    One row per (site, sha256): the same picture attached to two inspections is one photo
    with two links, which is exactly what an exactly reused picture looks like.
    """

    __tablename__ = "photos"
    # The unique (site_id, sha256) index serves lookups by site too. A second index on
    # site_id alone only misled PostgreSQL: on a table grown faster than its statistics, it
    # read a site's every photo to find a batch's hundred.
    __table_args__ = (UniqueConstraint("site_id", "sha256"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[PhotoStatus] = enum_column(PhotoStatus, default=PhotoStatus.EXPECTED, index=True)
    content_type: Mapped[str | None] = mapped_column(String(64))
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    # As displayed (EXIF-upright), of the original.
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    stored_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # 64-bit pHash as 16 hex digits: PostgreSQL's BIGINT is signed, hex needs no sign juggling.
    phash: Mapped[str | None] = mapped_column(String(16))
    processing_attempts: Mapped[int] = mapped_column(Integer, default=0)
    processing_error: Mapped[str | None] = mapped_column(Text)
    # Set when this picture was already used by an earlier inspection of the site: the same
    # bytes (distance 0, reused_of_photo_id empty) or a near-identical picture (that photo).
    is_suspected_reuse: Mapped[bool] = mapped_column(Boolean, default=False)
    reused_of_photo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id"))
    reuse_distance: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()


class PhotoInspectionLink(db.Model):
    """An inspection expects (or has) a photo; recorded before or after the bytes arrive."""

    __tablename__ = "photos_inspection_links"
    __table_args__ = (UniqueConstraint("inspection_id", "photo_id"),)

    id: Mapped[uuid.UUID] = uuid_key()
    # The inspection's site, kept for lookups by site; no key of its own: the inspection's
    # key checks it, and one here locked the site's row for every link a push wrote.
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # Looked up through the unique (inspection_id, photo_id), whose leading column it is.
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"))
    photo_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("photos.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()
