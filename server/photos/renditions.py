"""Turn a stored original into its served sizes, pHash and capture time, exactly once in effect."""

from __future__ import annotations

import logging
import uuid
from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from server.db_types import utc_now
from server.extensions import db
from server.photos.models import Photo, PhotoStatus
from server.photos.processing import ProcessedPhoto, process_photo
from server.photos.reuse import flag_near_duplicates, phash_to_hex
from server.photos.storage import PhotoFile, photo_path, write_atomically
from server.sites.models import Site

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000


def max_processing_attempts() -> int:
    """The first try plus every configured retry."""
    return 1 + len(current_app.config["PHOTO_JOB_RETRY_INTERVALS_S"])


def process_stored_photo(photo_id: uuid.UUID, *, is_final_attempt: bool) -> None:
    """Make a stored photo's display size and thumbnail, and flag it if it is a reused picture.

    A photo that is not STORED (already processed, failed for good, or not uploaded) is left
    alone, so a job that runs twice does the work once. On an error the message is kept on
    the photo and the error re-raised for RQ's retry; the last attempt marks it FAILED.
    """
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.status is not PhotoStatus.STORED:
        return
    photo.processing_attempts += 1
    attempt = photo.processing_attempts
    if attempt > max_processing_attempts():
        # The earlier attempts died with their worker (killed, out of memory) before they could
        # record anything; stop here rather than crash workers forever.
        photo.status = PhotoStatus.FAILED
        photo.processing_error = (
            f"Processing stopped the worker {attempt - 1} times; the photo was not processed."
        )
        db.session.commit()
        log.warning("photo %s failed for good: %s", photo_id, photo.processing_error)
        return
    db.session.commit()
    try:
        result = process_photo(
            photo_path(photo.site_id, photo.sha256, PhotoFile.ORIGINAL),
            camera_tz=_site_zone(photo.site_id),
        )
        _write_renditions(photo, result)
    except Exception as error:
        db.session.rollback()
        _record_failure(photo_id, error, is_final_attempt or attempt >= max_processing_attempts())
        raise
    _record_success(photo, result)


def _site_zone(site_id: uuid.UUID) -> tzinfo | None:
    """The site's time zone, assumed for capture times written without an offset."""
    site = db.session.get(Site, site_id)
    try:
        return ZoneInfo(site.timezone) if site is not None else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _write_renditions(photo: Photo, result: ProcessedPhoto) -> None:
    write_atomically(
        photo_path(photo.site_id, photo.sha256, PhotoFile.DISPLAY), result.display.data
    )
    write_atomically(
        photo_path(photo.site_id, photo.sha256, PhotoFile.THUMBNAIL), result.thumbnail.data
    )


def _record_success(photo: Photo, result: ProcessedPhoto) -> None:
    photo.phash = phash_to_hex(result.phash)
    photo.captured_at = result.captured_at
    photo.processed_at = utc_now()
    photo.processing_error = None
    photo.status = PhotoStatus.PROCESSED
    db.session.flush()
    flag_near_duplicates(photo)
    db.session.commit()
    log.info("photo %s processed (attempt %s)", photo.id, photo.processing_attempts)


def _record_failure(photo_id: uuid.UUID, error: Exception, is_final: bool) -> None:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        return
    photo.processing_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
    if is_final:
        photo.status = PhotoStatus.FAILED
    db.session.commit()
    log.warning(
        "photo %s attempt %s failed%s: %s",
        photo_id,
        photo.processing_attempts,
        " for good" if is_final else "",
        photo.processing_error,
    )
