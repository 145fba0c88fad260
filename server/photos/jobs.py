"""RQ jobs of the photos capability: they take photo ids, never image bytes or personal data."""

from __future__ import annotations

import logging
import uuid

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select

from server.extensions import db
from server.photos.models import Photo, PhotoStatus
from server.photos.renditions import process_stored_photo
from server.queue import enqueue_once, job_retries_left

log = logging.getLogger(__name__)


def processing_job_id(photo_id: uuid.UUID) -> str:
    """One job id per photo, so enqueueing a photo twice makes one job."""
    return f"photos-process-{photo_id}"


def process_photo_job(photo_id: str) -> None:
    """Job: make the served sizes of one stored photo (a no-op once it is processed)."""
    retries_left = job_retries_left()
    # Inline (no Redis) nothing retries: the first failure is the last.
    process_stored_photo(uuid.UUID(photo_id), is_final_attempt=not retries_left)


def enqueue_photo_processing(photo_id: uuid.UUID) -> bool:
    """Queue a stored photo's processing; never raises, since the photo waits in the database.

    Returns False when the job could not be queued (Redis down) or failed inline; the photo
    stays STORED and `sweep_pending_photos` queues it again later.
    """
    try:
        enqueue_once(
            process_photo_job,
            str(photo_id),
            job_id=processing_job_id(photo_id),
            retry_intervals_s=current_app.config["PHOTO_JOB_RETRY_INTERVALS_S"],
        )
    except RedisError as error:
        log.warning("photo %s not queued (%s); the sweep will queue it", photo_id, error)
        return False
    except Exception:
        # Inline, the job's error is already on the photo. Either way the photo is safely
        # STORED: the upload that triggered this must still succeed.
        log.exception("photo %s: processing could not be started or failed inline", photo_id)
        db.session.rollback()
        return False
    return True


def sweep_pending_photos() -> int:
    """Queue every photo still waiting to be processed; return how many were queued.

    Run by `roundbook photos sweep` and at worker start: photos stored while Redis was down,
    or whose job was lost, are picked up. Jobs already queued are not queued twice.
    """
    photo_ids = list(db.session.scalars(select(Photo.id).where(Photo.status == PhotoStatus.STORED)))
    db.session.commit()  # inline jobs below run in their own transactions
    return sum(1 for photo_id in photo_ids if enqueue_photo_processing(photo_id))


def retry_failed_photos() -> int:
    """Give every failed photo a fresh set of attempts and queue it; return how many."""
    photos = list(db.session.scalars(select(Photo).where(Photo.status == PhotoStatus.FAILED)))
    for photo in photos:
        reset_for_retry(photo)
    db.session.commit()
    return sweep_pending_photos()


def reset_for_retry(photo: Photo) -> None:
    """Put a failed photo back in line, attempts counted afresh (commit, then enqueue)."""
    photo.status = PhotoStatus.STORED
    photo.processing_attempts = 0
    photo.processing_error = None
