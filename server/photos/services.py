"""Photos: which inspections expect them, what has arrived, reading and retrying them."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Iterable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Exists,
    String,
    Text,
    Uuid,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import aliased

from server import json_codec
from server.auth.access import Permission, Principal, require_permission, visible_select
from server.db_copy import insert_rows, rows_with_keys
from server.db_types import uuid_of
from server.errors import ApiError, field_error, not_found
from server.extensions import db
from server.inspections.models import Inspection
from server.photos.jobs import enqueue_photo_processing, reset_for_retry
from server.photos.models import Photo, PhotoInspectionLink, PhotoStatus

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def normalize_sha256(sha256: str, field: str = "sha256") -> str:
    """Return the hash in lower case, or raise a 422 field error when it is not a SHA-256."""
    value = sha256.strip().lower()
    if not SHA256_PATTERN.match(value):
        raise field_error("validation_failed", field, "Not a SHA-256 (64 hexadecimal digits).")
    return value


def expect_photos(site_id: uuid.UUID, inspection_id: uuid.UUID, sha256s: Iterable[str]) -> None:
    """Record that an inspection names these photos, whether or not they have arrived.

    For the sync service, which has already checked permissions: no principal. Idempotent
    (naming a photo twice records it once). It adds to the caller's transaction and does
    not commit; the inspection must already be in the session.
    """
    wanted = {normalize_sha256(sha, "photos") for sha in sha256s}
    linked = set(
        db.session.scalars(
            select(PhotoInspectionLink.sha256).where(
                PhotoInspectionLink.inspection_id == inspection_id
            )
        )
    )
    for sha in sorted(wanted - linked):
        db.session.add(
            PhotoInspectionLink(inspection_id=inspection_id, sha256=sha, site_id=site_id)
        )
    db.session.flush()


def expect_photos_of_new_inspections(
    site_id: uuid.UUID, expected: Mapping[str, Collection[str]]
) -> dict[str, list[str]]:
    """expect_photos for inspections created in this transaction, in two statements.

    `expected` maps inspection ids (new, so without photo links yet), as canonical UUID
    text, to their photos' hashes, already normalized (lower-case SHA-256). Returns, per
    inspection, the photos not received yet (sorted; only non-empty). A photo uploaded
    meanwhile by another transaction may still be answered as missing: the phone then
    uploads it again, and the server answers that it has it.
    """
    wanted = {inspection_id: sorted(set(shas)) for inspection_id, shas in expected.items() if shas}
    if not wanted:
        return {}
    insert_rows(
        PhotoInspectionLink.__table__,
        [
            {"inspection_id": uuid_of(inspection_id), "sha256": sha, "site_id": site_id}
            # In id order: a canonical id's text sorts as the id does.
            for inspection_id, shas in sorted(wanted.items())
            for sha in shas
        ],
    )
    arrived = {sha for (sha,) in _arrived(site_id, set().union(*wanted.values()))}
    missing = {
        inspection_id: [sha for sha in shas if sha not in arrived]
        for inspection_id, shas in wanted.items()
    }
    return {inspection_id: shas for inspection_id, shas in missing.items() if shas}


def _arrived(site_id: uuid.UUID, sha256s: Collection[str]) -> Iterable[Any]:
    """(sha256,) of the site's photos with these hashes: those whose bytes arrived.

    Looked up hash by hash: asked as one condition, it read every photo of the site when
    statistics lagged (75 ms per push of 100 inspections at 20,000 photos).
    """
    return rows_with_keys(
        [Photo.sha256], Photo.sha256, sorted(sha256s), where={Photo.site_id: site_id}
    )


def missing_photo_sha256s(
    site_id: uuid.UUID, inspection_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Return, per inspection, the expected photos not received yet (sorted; only non-empty).

    The lookup of missing_photos_json, for inspections named by id.
    """
    if not inspection_ids:
        return {}
    ids = [str(inspection_id) for inspection_id in inspection_ids]
    dialect = db.session.get_bind().dialect.name
    statement = _missing_photos_of_ids(dialect, 1 if dialect == "postgresql" else len(ids))
    if dialect == "postgresql":
        parameters: dict[str, Any] = {"ids": ids}
    else:
        parameters = {f"id_{index}": key for index, key in enumerate(ids)}
    rows = db.session.execute(statement, {"site_id": str(site_id), **parameters}).all()
    return {uuid.UUID(key): json_codec.loads(found) for key, found in rows if found is not None}


@cache
def _missing_photos_of_ids(dialect: str, count: int) -> Any:
    # Built once per dialect (and, on SQLite, per number of ids): built per call, the
    # statement took longer than its query.
    if dialect == "postgresql":
        wanted: Any = (
            func.unnest(bindparam("ids", type_=ARRAY(String)))
            .table_valued("inspection_id")
            .render_derived(name="wanted")
        )
    else:  # SQLite names no columns of a VALUES list
        keys = [
            select(bindparam(f"id_{index}", type_=String).label("inspection_id"))
            for index in range(count)
        ]
        wanted = union_all(*keys).subquery("wanted")
    missing = missing_photos_json(
        literal("inspection", String), wanted.c.inspection_id, bindparam("site_id", type_=String)
    )
    return select(wanted.c.inspection_id, missing)


def missing_photos_json(
    record_type: ColumnElement[str], record_id: ColumnElement[str], site_id: ColumnElement[str]
) -> ColumnElement[str | None]:
    """Per row naming a record (a sync feed entry), its inspection's missing photos as JSON.

    A column of a pull page's query (the entry's key and site are its columns), so a page's
    missing photos cost no second query: asked separately, sending back the ids of 1,000
    inspections was a third of a page's time. None for other records and for inspections
    with every photo received.

    On PostgreSQL, one index probe for the inspection's links and one per link for its
    photo, whatever the statistics say (OFFSET 0 and LIMIT 1 keep PostgreSQL from
    flattening the lookups into joins). As joins, they were planned as a scan of every
    photo whenever statistics lagged a fast-growing table: 60 ms for 100 inspections at
    20,000 photos. The site is checked outside the probe: inside, PostgreSQL looked the
    links up by site, reading every link of the site.
    """
    link, photo = PhotoInspectionLink.__table__, Photo.__table__
    if db.session.get_bind().dialect.name != "postgresql":
        # SQLite stores ids as 32 hexadecimal digits and aggregates into JSON in row order.
        sha256s = (
            select(link.c.sha256)
            .where(
                link.c.inspection_id == func.replace(record_id, "-", ""),
                link.c.site_id == func.replace(site_id, "-", ""),
                ~_has_arrived(link.c.site_id, link.c.sha256),
            )
            .order_by(link.c.sha256)
            .correlate_except(link)
            .subquery()
        )
        found = select(func.json_group_array(sha256s.c.sha256)).scalar_subquery()
        return case((record_type == "inspection", func.nullif(found, "[]")))
    links = (
        select(link.c.sha256, link.c.site_id)
        .where(link.c.inspection_id == cast(record_id, Uuid))
        .correlate_except(link)
        .offset(0)
        .lateral("link")
    )
    arrived = (
        select(photo.c.id)
        .where(photo.c.site_id == links.c.site_id, photo.c.sha256 == links.c.sha256)
        .correlate_except(photo)
        .limit(1)
        .lateral("photo")
    )
    found = (
        select(cast(func.json_agg(aggregate_order_by(links.c.sha256, links.c.sha256)), Text))
        .select_from(links)
        .outerjoin(arrived, true())
        .where(links.c.site_id == cast(site_id, Uuid), arrived.c.id.is_(None))
        .scalar_subquery()
    )
    return case((record_type == "inspection", found))


def _has_arrived(site_id: Any, sha256: Any) -> Exists:
    """Whether the photo a link names has arrived: its site has a photo with that hash."""
    return select(Photo.id).where(Photo.site_id == site_id, Photo.sha256 == sha256).exists()


def find_photo(site_id: uuid.UUID, sha256: str) -> Photo | None:
    """The site's photo with this hash, or None."""
    return db.session.scalar(select(Photo).where(Photo.site_id == site_id, Photo.sha256 == sha256))


def get_photo(
    principal: Principal,
    site_id: uuid.UUID,
    sha256: str,
    permission: Permission = Permission.READ,
) -> Photo:
    """One photo of a site the user belongs to (404 otherwise, also for other sites).

    A photo an inspection names that has not arrived is answered EXPECTED: a Photo that is
    not stored (no id) and never added to the session.
    """
    sha = normalize_sha256(sha256)
    if not principal.can(site_id, Permission.READ):
        raise not_found("Photo", sha)
    photo = find_photo(site_id, sha)
    if photo is None:
        if not _is_named(site_id, sha):
            raise not_found("Photo", sha)
        photo = Photo(
            site_id=site_id,
            sha256=sha,
            status=PhotoStatus.EXPECTED,
            processing_attempts=0,
            is_suspected_reuse=False,
        )
    require_permission(principal, site_id, permission)
    return photo


def _is_named(site_id: uuid.UUID, sha256: str) -> bool:
    named = select(PhotoInspectionLink.inspection_id).where(
        PhotoInspectionLink.site_id == site_id, PhotoInspectionLink.sha256 == sha256
    )
    return bool(db.session.scalar(named.exists().select()))


def inspection_ids_of(photo: Photo) -> list[uuid.UUID]:
    """The inspections that name a photo, earliest finished first."""
    return list(
        db.session.scalars(
            select(PhotoInspectionLink.inspection_id)
            .join(Inspection, Inspection.id == PhotoInspectionLink.inspection_id)
            .where(
                PhotoInspectionLink.site_id == photo.site_id,
                PhotoInspectionLink.sha256 == photo.sha256,
            )
            .order_by(Inspection.finished_at, Inspection.id)
        )
    )


def require_stored(photo: Photo) -> None:
    """Raise photo_pending while the photo's bytes have not arrived."""
    if photo.status is PhotoStatus.EXPECTED:
        raise ApiError(
            "photo_pending",
            f"Photo {photo.sha256} has not been uploaded yet.",
            details={"status": photo.status.value},
        )


def require_processed(photo: Photo) -> None:
    """Raise photo_pending unless the photo's served sizes exist."""
    if photo.status is not PhotoStatus.PROCESSED:
        raise ApiError(
            "photo_pending",
            f"Photo {photo.sha256} is {photo.status.value}: its served sizes are not ready.",
            details={"status": photo.status.value},
        )


def photo_record(photo: Photo) -> dict[str, Any]:
    """A photo as the API shows it: state, sizes, capture time, reuse and inspections.

    Named by more than one inspection, it is the very same picture used again (distance 0);
    else it may be near-identical to an earlier one (flagged when it was processed).
    """
    inspection_ids = inspection_ids_of(photo)
    exact_reuse = len(inspection_ids) > 1
    reused_of = (
        db.session.get(Photo, photo.reused_of_photo_id)
        if photo.reused_of_photo_id and not exact_reuse
        else None
    )
    return {
        "id": photo.id,
        "site_id": photo.site_id,
        "sha256": photo.sha256,
        "status": photo.status,
        "content_type": photo.content_type,
        "byte_size": photo.byte_size,
        "width": photo.width,
        "height": photo.height,
        "captured_at": photo.captured_at,
        "stored_at": photo.stored_at,
        "processed_at": photo.processed_at,
        "processing_attempts": photo.processing_attempts,
        "processing_error": photo.processing_error,
        "is_suspected_reuse": exact_reuse or photo.is_suspected_reuse,
        "reused_of_sha256": reused_of.sha256 if reused_of is not None else None,
        "reuse_distance": 0 if exact_reuse else photo.reuse_distance,
        "inspection_ids": inspection_ids,
    }


def list_failed_photos(principal: Principal, site_id: uuid.UUID) -> list[Photo]:
    """Photos of a site whose processing failed for good, with their errors (site admins)."""
    require_permission(principal, site_id, Permission.ADMINISTER)
    return list(
        db.session.scalars(
            visible_select(Photo, principal)
            .where(Photo.site_id == site_id, Photo.status == PhotoStatus.FAILED)
            .order_by(Photo.stored_at, Photo.sha256)
        )
    )


def retry_photo(principal: Principal, site_id: uuid.UUID, sha256: str) -> Photo:
    """Process a failed photo again from a fresh count of attempts (site admins)."""
    photo = get_photo(principal, site_id, sha256, Permission.ADMINISTER)
    if photo.status is not PhotoStatus.FAILED:
        raise ApiError(
            "conflict",
            f"Only a failed photo can be retried; this one is {photo.status.value}.",
            details={"status": photo.status.value},
        )
    reset_for_retry(photo)
    db.session.commit()
    enqueue_photo_processing(photo.id)
    db.session.refresh(photo)
    return photo


def list_incomplete_evidence(principal: Principal, site_id: uuid.UUID) -> list[dict[str, Any]]:
    """Inspections of a site still waiting for some of their photos, oldest first."""
    require_permission(principal, site_id, Permission.READ)
    link, waiting_link = PhotoInspectionLink, aliased(PhotoInspectionLink)
    waiting = select(waiting_link.inspection_id).where(
        waiting_link.site_id == site_id,
        ~_has_arrived(waiting_link.site_id, waiting_link.sha256),
    )
    rows = db.session.execute(
        select(
            link.inspection_id,
            Inspection.finished_at,
            link.sha256,
            _has_arrived(link.site_id, link.sha256),
        )
        .join(Inspection, Inspection.id == link.inspection_id)
        .where(link.inspection_id.in_(waiting))
        .order_by(Inspection.finished_at, Inspection.id, link.sha256)
    )
    by_inspection: dict[uuid.UUID, dict[str, Any]] = {}
    for inspection_id, finished_at, sha, has_arrived in rows:
        entry = by_inspection.setdefault(
            inspection_id,
            {
                "inspection_id": inspection_id,
                "finished_at": finished_at,
                "expected_photos": 0,
                "missing_sha256s": [],
            },
        )
        entry["expected_photos"] += 1
        if not has_arrived:
            entry["missing_sha256s"].append(sha)
    return [entry for entry in by_inspection.values() if entry["missing_sha256s"]]


def count_photos_by_status() -> dict[str, int]:
    """How many photos that arrived are in each state, over all sites (for /api/health).

    Photos not uploaded yet have no row, so `expected` counts none: the evidence still
    missing is per site (list_incomplete_evidence), not a sign of the service's health.
    """
    rows = db.session.execute(select(Photo.status, func.count()).group_by(Photo.status))
    counts = {status.value: 0 for status in PhotoStatus}
    counts.update({status.value: count for status, count in rows})
    return counts
