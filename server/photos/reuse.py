"""Spotting a check faked with an old picture: a near-identical pHash.

The very same bytes used again need no flag: they are one photo named by several
inspections (see services.photo_record).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from server.extensions import db
from server.inspections.models import Inspection
from server.photos.models import Photo, PhotoInspectionLink, PhotoStatus
from server.photos.processing import hamming_distance, is_near_duplicate


def phash_to_hex(phash: int) -> str:
    """Store a 64-bit pHash as 16 hex digits."""
    return f"{phash:016x}"


def phash_from_hex(text: str) -> int:
    """Read back a stored pHash."""
    return int(text, 16)


def flag_near_duplicates(photo: Photo) -> None:
    """Compare a processed photo with the site's others; flag whichever was used later.

    Both directions are checked because photos arrive in any order: a phone may upload
    today's picture before the server has processed the older one it copies.
    """
    if photo.phash is None:
        return
    first_use = _first_use_by_photo(photo.site_id)
    mine = first_use.get(photo.id)
    if mine is None:
        return  # not attached to any inspection yet: nothing to be earlier or later than
    own_hash = phash_from_hex(photo.phash)
    for other in _processed_photos_of_site(photo):
        theirs = first_use.get(other.id)
        assert other.phash is not None
        if theirs is None or not is_near_duplicate(own_hash, phash_from_hex(other.phash)):
            continue
        distance = hamming_distance(own_hash, phash_from_hex(other.phash))
        if theirs < mine:
            _flag(photo, other, distance)
        elif mine < theirs:
            _flag(other, photo, distance)


def _flag(later: Photo, earlier: Photo, distance: int) -> None:
    """Mark ``later`` as a reuse of ``earlier`` unless a closer match is already recorded."""
    if later.is_suspected_reuse and (later.reuse_distance or 0) <= distance:
        return
    later.is_suspected_reuse = True
    later.reused_of_photo_id = earlier.id
    later.reuse_distance = distance


def _first_use_by_photo(site_id: uuid.UUID) -> dict[uuid.UUID, datetime]:
    """When each photo of the site was first used: its earliest inspection's finish time."""
    link = PhotoInspectionLink
    rows = db.session.execute(
        select(Photo.id, func.min(Inspection.finished_at))
        .join(link, (link.site_id == Photo.site_id) & (link.sha256 == Photo.sha256))
        .join(Inspection, Inspection.id == link.inspection_id)
        .where(Photo.site_id == site_id)
        .group_by(Photo.id)
    )
    return {photo_id: _aware(finished_at) for photo_id, finished_at in rows}


def _aware(value: datetime) -> datetime:
    # Guard in case an aggregate hands back SQLite's naive UTC text.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _processed_photos_of_site(photo: Photo) -> list[Photo]:
    # Compared in Python: a site makes a few thousand photos a year and a 64-bit XOR is cheap;
    # an index (BK-tree, or PostgreSQL bit_count) can come when a site holds millions.
    return list(
        db.session.scalars(
            select(Photo).where(
                Photo.site_id == photo.site_id,
                Photo.id != photo.id,
                Photo.status == PhotoStatus.PROCESSED,
                Photo.phash.is_not(None),
            )
        )
    )
