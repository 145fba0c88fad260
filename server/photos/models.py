"""Photos, addressed by the SHA-256 of their bytes, and the inspections that name them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
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
    """A photo is named by an inspection before it arrives, stored when it does, then processed.

    A photo that has not arrived has no row: it is EXPECTED while an inspection names it
    (see services.get_photo).
    """

    EXPECTED = "expected"  # named by an inspection, bytes not received yet
    STORED = "stored"  # original on disk, waiting for (or between tries of) its job
    PROCESSED = "processed"  # display size, thumbnail and pHash made
    FAILED = "failed"  # the job kept failing; processing_error says why


class Photo(db.Model):
    """A photo of one site whose bytes arrived, known by its content hash.

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
    status: Mapped[PhotoStatus] = enum_column(PhotoStatus, default=PhotoStatus.STORED, index=True)
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
    # Set when this picture is near-identical to one an earlier inspection of the site used.
    # The very same bytes used twice show in the links (see services.photo_record).
    is_suspected_reuse: Mapped[bool] = mapped_column(Boolean, default=False)
    reused_of_photo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("photos.id"))
    reuse_distance: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = created_at_column()


class PhotoInspectionLink(db.Model):
    """An inspection names a photo of its site by hash; the photo has arrived once it has a row.

    Keyed by the hash, not by a photo row: a push names some 200 photos per batch, most not
    uploaded yet, and a placeholder photo row for each, with its own keys and indexes, was
    a fifth of a push's work. No foreign keys either: the inspection is written in the same
    transaction and inspections are never deleted, and checking each link locked its row.
    """

    __tablename__ = "photos_inspection_links"
    # For the inspections that name a photo (site_id, sha256): the upload, reuse, evidence.
    __table_args__ = (Index("ix_photos_inspection_links_site_id_sha256", "site_id", "sha256"),)

    inspection_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = created_at_column()
