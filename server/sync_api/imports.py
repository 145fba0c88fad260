"""Import a file the field app exported ("export unsynced data") when a phone could not sync.

The file's outbox is replayed through the ordinary push (same rules, same per-change results,
deduplicated by change id), then its photos are stored as if uploaded, so importing the same
file twice changes nothing. The capturer imports their own file, or a site admin of every
site it touches imports it on their behalf.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask import current_app

from server import json_codec
from server.assets.models import Asset
from server.auth.access import Permission, Principal, require_permission
from server.auth.models import Device
from server.auth.services import load_principal
from server.errors import ApiError, field_error
from server.extensions import db
from server.findings.models import Finding
from server.inspections.models import Inspection
from server.photos.uploads import upload_photo
from server.sites.models import Location
from server.sync_api.schemas import SyncChangeSchema, SyncImportSchema
from server.sync_api.services import ChangeResult, now_ms, push_changes

# Photos travel inside the file as data URLs: a day of rounds with photos fits easily.
MAX_IMPORT_BYTES = 256 * 1024 * 1024
DATA_URL = re.compile(r"^data:[\w/+.-]*(?:;[\w=.-]+)*;base64,(?P<data>[A-Za-z0-9+/=\s]*)$")
# Records a change may name without its site_id (an update): where to look up their site.
_RECORD_MODELS: Mapping[str, Any] = {
    "finding": Finding,
    "inspection": Inspection,
    "asset": Asset,
    "location": Location,
}


@dataclass(frozen=True)
class PhotoResult:
    """What the import did with one photo."""

    sha256: str
    status: str
    code: str | None = None


@dataclass(frozen=True)
class ImportOutcome:
    """A push's answer for the file's operations, plus the photos and who it was recorded as."""

    server_epoch: str
    server_now_ms: int
    clock_offset_ms: int
    results: list[ChangeResult]
    recorded_as_user_id: uuid.UUID
    imported_by_id: uuid.UUID
    recorded_as_device_id: uuid.UUID | None
    photos: list[PhotoResult] = field(default_factory=list)
    drafts_skipped: int = 0


def _messages_of(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, dict):
        found: list[str] = []
        for key, value in messages.items():
            found += _messages_of(value, f"{prefix}{key}.")
        return found
    if isinstance(messages, list):
        return [f"{prefix.rstrip('.')}: {m}" if prefix else str(m) for m in messages]
    return [str(messages)]


def _validation_error(error: ma.ValidationError, field_name: str | None = None) -> ApiError:
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    if field_name is not None:
        fields = {field_name: _messages_of(messages)}
    else:
        fields = {str(key): _messages_of(value) for key, value in messages.items()}
    return ApiError(
        "validation_failed",
        "This is not a Roundbook export file (or it is damaged).",
        fields=fields,
    )


def read_export(data: Any) -> dict[str, Any]:
    """Check that parsed JSON is a field-app export; raise 422 naming the fields at fault."""
    try:
        export: dict[str, Any] = SyncImportSchema().load(data)
    except ma.ValidationError as error:
        raise _validation_error(error) from error
    return export


def parse_export_file(raw: bytes) -> dict[str, Any]:
    """Read an uploaded export file; raise 422 on `file` when it is not JSON or not an export."""
    try:
        data = json_codec.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise field_error(
            "validation_failed", "file", "This is not a Roundbook export file (not JSON)."
        ) from error
    try:
        export: dict[str, Any] = SyncImportSchema().load(data)
    except ma.ValidationError as error:
        raise _validation_error(error, "file") from error
    return export


def _changes_of(export: Mapping[str, Any]) -> list[dict[str, Any]]:
    # The same shape the field app pushes: {change_id: op_id, base_version, ...payload}.
    changes = [
        {"change_id": op["op_id"], "base_version": op["base_version"], **op["payload"]}
        for op in export["outbox"]
    ]
    try:
        loaded: list[dict[str, Any]] = SyncChangeSchema(many=True).load(changes)
    except ma.ValidationError as error:
        raise _validation_error(error, "outbox") from error
    return loaded


def _uuid(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _site_of_change(change: Mapping[str, Any]) -> uuid.UUID | None:
    site_id = _uuid(change["fields"].get("site_id"))
    if site_id is not None:
        return site_id
    model = _RECORD_MODELS.get(change["record_type"])
    record_id = _uuid(change["record_id"])
    record = db.session.get(model, record_id) if model and record_id else None
    return record.site_id if record is not None else None


def _sites_touched(
    changes: Iterable[Mapping[str, Any]], photos: Iterable[Mapping[str, Any]]
) -> set:
    sites = {_site_of_change(change) for change in changes}
    sites |= {photo["site_id"] for photo in photos}
    return {site for site in sites if site is not None}


def _device_of(user_id: uuid.UUID, device_id: uuid.UUID | None) -> uuid.UUID | None:
    device = db.session.get(Device, device_id) if device_id else None
    return device.id if device is not None and device.user_id == user_id else None


def _acting_principal(
    importer: Principal, capturer_id: uuid.UUID, device_id: uuid.UUID | None, sites: set
) -> Principal:
    """Who the changes are recorded as: the capturer on their phone, when they still may."""
    if capturer_id != importer.user_id:
        if not any(importer.can(site, Permission.ADMINISTER) for site in importer.site_ids) and (
            not importer.is_super_admin
        ):
            raise ApiError(
                "forbidden", "Only the person who captured it, or a site admin, may import it."
            )
        for site in sites:
            require_permission(importer, site, Permission.ADMINISTER)
    capturer = load_principal(capturer_id, _device_of(capturer_id, device_id))
    if capturer is not None and all(capturer.can(site, Permission.CAPTURE) for site in sites):
        return capturer
    # The capturer left or lost the site: the admin's import is recorded as the admin's.
    return importer


def _photo_bytes(data_url: str | None) -> bytes | None:
    match = DATA_URL.match(data_url or "")
    if match is None:
        return None
    try:
        return base64.b64decode(match.group("data"), validate=False)
    except (binascii.Error, ValueError):
        return None


def _store_photo(principal: Principal, photo: Mapping[str, Any]) -> PhotoResult:
    body = _photo_bytes(photo["data_url"])
    if not body:
        return PhotoResult(photo["sha256"], "no_data", "photo_data_missing")
    try:
        outcome = upload_photo(principal, photo["site_id"], photo["sha256"], body)
    except ApiError as error:
        db.session.rollback()
        return PhotoResult(photo["sha256"], "rejected", error.code)
    return PhotoResult(photo["sha256"], "stored" if outcome.is_new else "already_stored")


def import_export(importer: Principal, export: Mapping[str, Any]) -> ImportOutcome:
    """Replay an exported outbox through the push rules, then store its photos."""
    changes = _changes_of(export)
    # Photos of unfinished drafts belong to no record the server will have: left out.
    photos = [photo for photo in export["photos"] if photo["state"] != "draft"]
    capturer_id: uuid.UUID = export["session"]["user"]["id"]
    acting = _acting_principal(
        importer, capturer_id, export["session"]["device_id"], _sites_touched(changes, photos)
    )
    device_id = export["session"]["device_id"]
    batch = {
        "protocol_version": current_app.config["SYNC_PROTOCOL_VERSION"],
        "device_id": str(device_id) if device_id else "import",
        # The phone's clock offset when it captured is unknown: trust its times as they are.
        "device_now_ms": now_ms(),
        "changes": changes,
    }
    pushed = push_changes(acting, batch)
    return ImportOutcome(
        server_epoch=pushed.server_epoch,
        server_now_ms=pushed.server_now_ms,
        clock_offset_ms=pushed.clock_offset_ms,
        results=pushed.results,
        recorded_as_user_id=acting.user_id,
        imported_by_id=importer.user_id,
        recorded_as_device_id=acting.device_id,
        photos=[_store_photo(acting, photo) for photo in photos],
        drafts_skipped=len(export["drafts"]),
    )
