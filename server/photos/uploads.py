"""Receiving photo bytes: whole or in resumable chunks, checked before anything is stored."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError

from server.auth.access import Permission, Principal, require_permission
from server.db_types import utc_now
from server.errors import ApiError, field_error
from server.extensions import db
from server.photos.jobs import enqueue_photo_processing
from server.photos.models import Photo, PhotoStatus
from server.photos.services import find_photo, normalize_sha256
from server.photos.storage import (
    PhotoFile,
    discard,
    locked_part_file,
    move_into_place,
    photo_path,
    received_bytes,
    write_atomically,
    write_chunk,
)
from server.photos.validation import PhotoRejected, UploadFacts, inspect_upload

CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


@dataclass(frozen=True)
class ByteRange:
    """A chunk of a resumable upload: bytes first..last (inclusive) of total."""

    first: int
    last: int
    total: int


@dataclass(frozen=True)
class UploadOutcome:
    """Where an upload stands: the photo once it is whole, else the bytes received so far."""

    photo: Photo | None
    is_new: bool
    received_bytes: int
    total_bytes: int | None


def parse_content_range(header: str | None) -> ByteRange | None:
    """Read a `Content-Range: bytes first-last/total` header; None when absent."""
    if header is None:
        return None
    match = CONTENT_RANGE.match(header.strip())
    if match is None:
        raise field_error(
            "bad_request", "Content-Range", "Expected 'bytes <first>-<last>/<total>'."
        )
    first, last, total = (int(part) for part in match.groups())
    if not first <= last < total:
        raise field_error("bad_request", "Content-Range", "The range is outside the total.")
    return ByteRange(first, last, total)


def max_photo_bytes() -> int:
    """The configured upload size limit."""
    return int(current_app.config["MAX_PHOTO_BYTES"])


def check_declared_size(size: int | None) -> None:
    """Refuse, before reading it, a body or a total larger than the limit."""
    limit = max_photo_bytes()
    if size is not None and size > limit:
        raise field_error(
            "photo_too_large", "photo", f"Photo is {size} bytes; the limit is {limit}."
        )


def upload_status(principal: Principal, site_id: uuid.UUID, sha256: str) -> UploadOutcome:
    """Tell a client how much of a photo the server has, so it can resume from there."""
    sha = normalize_sha256(sha256)
    require_permission(principal, site_id, Permission.CAPTURE)
    photo = find_photo(site_id, sha)
    if photo is not None:
        return UploadOutcome(photo, False, photo.byte_size or 0, photo.byte_size)
    return UploadOutcome(None, False, received_bytes(site_id, sha), None)


def upload_photo(
    principal: Principal,
    site_id: uuid.UUID,
    sha256: str,
    body: bytes,
    byte_range: ByteRange | None = None,
) -> UploadOutcome:
    """Receive a photo, or one chunk of it; store and queue it for processing once whole.

    Uploading a photo the server already has answers with it and stores nothing.
    """
    sha = normalize_sha256(sha256)
    require_permission(principal, site_id, Permission.CAPTURE)
    existing = find_photo(site_id, sha)
    if existing is not None:
        return UploadOutcome(existing, False, existing.byte_size or 0, existing.byte_size)
    if byte_range is None:
        check_declared_size(len(body))
        facts = _inspect(body, sha)
        write_atomically(photo_path(site_id, sha, PhotoFile.ORIGINAL), body)
        return _record_stored(principal, site_id, facts)
    return _receive_chunk(principal, site_id, sha, body, byte_range)


def _receive_chunk(
    principal: Principal, site_id: uuid.UUID, sha: str, chunk: bytes, byte_range: ByteRange
) -> UploadOutcome:
    check_declared_size(byte_range.total)
    if len(chunk) != byte_range.last - byte_range.first + 1:
        raise field_error(
            "bad_request", "Content-Range", "The body's length differs from the range's."
        )
    with locked_part_file(site_id, sha) as part:
        have = received_bytes(site_id, sha)
        if byte_range.first > have:
            # A gap would leave a hole in the file: the client must resume from `have`.
            raise ApiError(
                "conflict",
                f"The server has {have} bytes of this photo; resume from there.",
                fields={"Content-Range": ["Resume from the offset the server has."]},
                details={"received_bytes": have},
            )
        size = write_chunk(part, byte_range.first, chunk)
        if size < byte_range.total:
            return UploadOutcome(None, False, size, byte_range.total)
        data = part.read_bytes()
        try:
            facts = _inspect(data, sha)
        except ApiError:
            discard(part)  # a bad whole cannot be fixed by resuming: start again
            raise
        move_into_place(part, photo_path(site_id, sha, PhotoFile.ORIGINAL))
    return _record_stored(principal, site_id, facts)


def _inspect(data: bytes, sha: str) -> UploadFacts:
    try:
        return inspect_upload(data, declared_sha256=sha, max_photo_bytes=max_photo_bytes())
    except PhotoRejected as rejected:
        raise field_error(rejected.code, rejected.field, rejected.message) from rejected


def _record_stored(principal: Principal, site_id: uuid.UUID, facts: UploadFacts) -> UploadOutcome:
    """Record the photo stored in the database first, then queue its processing.

    Two uploads of the same photo at once store it once: the second finds the first's row.
    """
    photo = Photo(
        site_id=site_id,
        sha256=facts.sha256,
        status=PhotoStatus.STORED,
        content_type=facts.content_type,
        byte_size=facts.byte_size,
        width=facts.width,
        height=facts.height,
        stored_at=utc_now(),
        uploaded_by_id=principal.user_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(photo)
    except IntegrityError:
        existing = find_photo(site_id, facts.sha256)
        assert existing is not None  # the unique (site_id, sha256) was hit by that row
        db.session.commit()
        return UploadOutcome(existing, False, facts.byte_size, facts.byte_size)
    db.session.commit()
    enqueue_photo_processing(photo.id)
    db.session.refresh(photo)
    return UploadOutcome(photo, True, facts.byte_size, facts.byte_size)
