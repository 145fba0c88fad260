"""Inspections: reading them, and recording one that a phone submitted through sync."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import select

from server.assets.models import Asset
from server.auth.access import Principal, get_visible, visible_select
from server.checklists.items import AnswerCheck, AnswerChecker
from server.checklists.models import ChecklistTemplateVersion, VersionStatus
from server.db_types import uuid_of
from server.errors import ApiError
from server.extensions import db
from server.inspections.models import Inspection, InspectionResult, Schedule
from server.photos.services import normalize_sha256
from server.sites.models import Location


class InspectionRefused(Exception):
    """A submitted inspection the server cannot record: a code, maybe retryable later."""

    def __init__(
        self, code: str, *, retry: bool = False, details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.retry = retry
        self.details = dict(details or {})


def list_inspections(
    principal: Principal,
    site_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> list[Inspection]:
    """Inspections of the user's sites, latest observed first, optionally filtered."""
    statement = visible_select(Inspection, principal)
    if site_id is not None:
        statement = statement.where(Inspection.site_id == site_id)
    if location_id is not None:
        statement = statement.where(Inspection.location_id == location_id)
    if asset_id is not None:
        statement = statement.where(Inspection.asset_id == asset_id)
    if since is not None:
        statement = statement.where(Inspection.finished_at >= since)
    statement = statement.order_by(Inspection.finished_at.desc(), Inspection.id).limit(limit)
    return list(db.session.scalars(statement))


def get_inspection(principal: Principal, inspection_id: uuid.UUID) -> Inspection:
    """One inspection of the user's sites."""
    return get_visible(Inspection, inspection_id, principal)


def find_latest_inspection(
    principal: Principal,
    *,
    location_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
) -> Inspection | None:
    """The latest observed inspection of a location or asset (its "last result").

    Observation time decides, not arrival: an inspection that synced late but was made
    earlier never becomes the latest. Equal times fall back to the id so all agree.
    """
    found = list_inspections(principal, location_id=location_id, asset_id=asset_id, limit=1)
    return found[0] if found else None


def _ms_to_datetime(ms: Any, name: str) -> datetime:
    if type(ms) is not int:
        raise InspectionRefused("invalid_field", details={"field": name})
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def _uuid(values: Mapping[str, Any], name: str) -> uuid.UUID | None:
    raw = values.get(name)
    if raw is None:
        return None
    try:
        return uuid_of(str(raw))
    except ValueError as error:
        raise InspectionRefused("invalid_field", details={"field": name}) from error


class InspectionReferences(Protocol):
    """Where recording an inspection looks up the rows it refers to."""

    def template_version(self, version_id: uuid.UUID) -> ChecklistTemplateVersion | None:
        """The template version with this id, or None."""
        ...

    def site_of(self, model: Any, record_id: uuid.UUID) -> uuid.UUID | None:
        """The site of the row of ``model`` with this id, or None when there is no such row."""
        ...

    def answer_checker(self, version: ChecklistTemplateVersion) -> AnswerChecker:
        """What checks answers against this version's items."""
        ...

    @property
    def checked(self) -> dict[tuple[str | None, ...], CheckedReferences]:
        """References already found sound, by the texts that named them (see inspection_row)."""
        ...


@dataclass(frozen=True)
class CheckedReferences:
    """What an inspection's references name, once checked: all exist, all on its site."""

    site_id: uuid.UUID
    version: ChecklistTemplateVersion
    location_id: uuid.UUID | None
    asset_id: uuid.UUID | None
    schedule_id: uuid.UUID | None
    revision_of_id: uuid.UUID | None


# The fields of an inspection that name other rows.
REFERENCE_FIELDS = (
    "site_id",
    "template_version_id",
    "location_id",
    "asset_id",
    "schedule_id",
    "revision_of",
)


class SessionReferences:
    """References looked up one by one in the session (one inspection at a time)."""

    def template_version(self, version_id: uuid.UUID) -> ChecklistTemplateVersion | None:
        """The template version with this id, or None."""
        return db.session.get(ChecklistTemplateVersion, version_id)

    def site_of(self, model: Any, record_id: uuid.UUID) -> uuid.UUID | None:
        """The site of the row of ``model`` with this id, or None when there is no such row."""
        row = db.session.get(model, record_id)
        return row.site_id if row is not None else None

    def answer_checker(self, version: ChecklistTemplateVersion) -> AnswerChecker:
        """What checks answers against this version's items."""
        return AnswerChecker(version.items)

    @property
    def checked(self) -> dict[tuple[str | None, ...], CheckedReferences]:
        """Nothing remembered: each inspection is checked afresh."""
        return {}


def _on_site(
    refs: InspectionReferences,
    model: Any,
    record_id: uuid.UUID | None,
    site_id: uuid.UUID,
    name: str,
) -> None:
    if record_id is None:
        return
    if refs.site_of(model, record_id) != site_id:
        raise InspectionRefused("invalid_reference", details={"field": name})


def _template_version(
    refs: InspectionReferences, values: Mapping[str, Any], site_id: uuid.UUID
) -> ChecklistTemplateVersion:
    version_id = _uuid(values, "template_version_id")
    version = refs.template_version(version_id) if version_id else None
    if version is None or version.site_id != site_id:
        raise InspectionRefused("invalid_reference", details={"field": "template_version_id"})
    # Any published version is accepted, old ones too: a phone may have been offline for
    # weeks; the answers are kept exactly as captured against that version. Drafts are not.
    if version.status != VersionStatus.PUBLISHED:
        raise InspectionRefused("template_version_not_published")
    return version


def _revision_of(
    refs: InspectionReferences, values: Mapping[str, Any], site_id: uuid.UUID
) -> uuid.UUID | None:
    original_id = _uuid(values, "revision_of")
    if original_id is None:
        return None
    original_site_id = refs.site_of(Inspection, original_id)
    if original_site_id is None:
        # The inspection it corrects has not arrived yet: park it, never drop it.
        raise InspectionRefused("depends_on_missing_record", retry=True)
    if original_site_id != site_id:
        raise InspectionRefused("invalid_reference", details={"field": "revision_of"})
    return original_id


def _result(
    checker: AnswerChecker, values: Mapping[str, Any]
) -> tuple[InspectionResult, AnswerCheck]:
    reason = values.get("not_inspected_reason")
    check = checker.check(values.get("answers", {}), allow_missing=bool(reason))
    if check.errors:
        raise InspectionRefused("invalid_answers", details={"answers": check.errors})
    if reason:
        return InspectionResult.NOT_INSPECTED, check
    failed = bool(check.failing_keys)
    return (InspectionResult.FAILED if failed else InspectionResult.PASSED), check


def record_inspection(
    principal: Principal, inspection_id: str, values: Mapping[str, Any], clock_offset_ms: int
) -> tuple[Inspection, list[str]]:
    """Store a submitted inspection as captured; the caller has checked CAPTURE on its site.
    Returns it and the photos it names (inspection_row).

    Device times (`started_at`, `finished_at`, ms since the epoch) are corrected by the
    phone's measured clock offset; the raw finish time is kept in `finished_at_device`.
    """
    row, photos = inspection_row(
        principal, inspection_id, values, clock_offset_ms, SessionReferences()
    )
    inspection = Inspection(**row)
    db.session.add(inspection)
    db.session.flush()
    return inspection, photos


def inspection_row(
    principal: Principal,
    inspection_id: str,
    values: Mapping[str, Any],
    clock_offset_ms: int,
    refs: InspectionReferences,
) -> tuple[dict[str, Any], list[str]]:
    """The column values of a submitted inspection, checked, and the photos its answers and
    its own `photo_sha256s` name (lower-case SHA-256s, checked); raise InspectionRefused if not.

    For record_inspection, and for the sync service writing a whole batch at once (it looks
    references up in what it preloaded).
    """
    references = _checked_references(refs, values)
    version = references.version
    result, check = _result(refs.answer_checker(version), values)
    finished_device = _ms_to_datetime(values.get("finished_at"), "finished_at")
    started_device = _ms_to_datetime(
        values.get("started_at", values.get("finished_at")), "started_at"
    )
    note, reason = values.get("note") or "", values.get("not_inspected_reason")
    if not isinstance(note, str) or not (reason is None or isinstance(reason, str)):
        raise InspectionRefused("invalid_field", details={"field": "note"})
    row = {
        "id": uuid_of(inspection_id),
        "site_id": references.site_id,
        "template_version_id": version.id,
        "location_id": references.location_id,
        "asset_id": references.asset_id,
        "inspector_id": principal.user_id,
        "device_id": principal.device_id,
        "schedule_id": references.schedule_id,
        "revision_of_id": references.revision_of_id,
        "started_at": _corrected(started_device, clock_offset_ms),
        "finished_at": _corrected(finished_device, clock_offset_ms),
        "finished_at_device": finished_device,
        "answers": dict(values.get("answers", {})),
        "result": result,
        "not_inspected_reason": reason,
        "note": note,
    }
    return row, check.photo_sha256s + _own_photos(values)


def _own_photos(values: Mapping[str, Any]) -> list[str]:
    # The answers' photos were checked with the answers; the inspection's own list here.
    try:
        return [normalize_sha256(sha, "photos") for sha in values.get("photo_sha256s") or ()]
    except (ApiError, AttributeError, TypeError) as error:
        raise InspectionRefused("invalid_field", details={"field": "photo_sha256s"}) from error


def _checked_references(refs: InspectionReferences, values: Mapping[str, Any]) -> CheckedReferences:
    # A batch names the same site, version and location for most of its inspections: sound
    # references are remembered by the texts that named them, and checked once. Only sound
    # ones: a reference not found yet may arrive later in the batch (an asset registered on
    # the spot), and is looked up again.
    texts = tuple(map(values.get, REFERENCE_FIELDS))
    if not set(map(type, texts)) <= _TEXT_OR_NONE:
        return _check_references(refs, values)  # refused there; not hashable here
    checked = refs.checked.get(texts)
    if checked is None:
        checked = refs.checked[texts] = _check_references(refs, values)
    return checked


_TEXT_OR_NONE = frozenset({str, type(None)})


def _check_references(refs: InspectionReferences, values: Mapping[str, Any]) -> CheckedReferences:
    site_id = _uuid(values, "site_id")
    assert site_id is not None  # checked by the sync service before permissions
    version = _template_version(refs, values, site_id)
    location_id, asset_id = _uuid(values, "location_id"), _uuid(values, "asset_id")
    if location_id is None and asset_id is None:
        raise InspectionRefused("missing_field", details={"field": "location_id"})
    _on_site(refs, Location, location_id, site_id, "location_id")
    if asset_id is not None and refs.site_of(Asset, asset_id) is None:
        # A crew may register the asset on the phone it checks it with: its create is still
        # in that outbox. Park the check until it arrives, never drop it.
        raise InspectionRefused("depends_on_missing_record", retry=True)
    _on_site(refs, Asset, asset_id, site_id, "asset_id")
    schedule_id = _uuid(values, "schedule_id")
    _on_site(refs, Schedule, schedule_id, site_id, "schedule_id")
    revision_of_id = _revision_of(refs, values, site_id)
    return CheckedReferences(site_id, version, location_id, asset_id, schedule_id, revision_of_id)


def _corrected(device_time: datetime, clock_offset_ms: int) -> datetime:
    return device_time + _offset(clock_offset_ms)


@lru_cache(maxsize=256)
def _offset(clock_offset_ms: int) -> timedelta:
    # One phone's offset for a whole batch: built once, not twice per inspection.
    return timedelta(milliseconds=clock_offset_ms)


def inspection_exists(inspection_id: uuid.UUID) -> bool:
    """Whether an inspection with this id is stored."""
    return (
        db.session.scalar(select(Inspection.id).where(Inspection.id == inspection_id)) is not None
    )
