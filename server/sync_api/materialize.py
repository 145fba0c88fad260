"""Record states of the sync core -> domain rows (inspections, findings, assets, locations).

The REST API and the back office read the domain tables; this module keeps them in step
with what sync merged. Only the fields a change actually moved are written, so an edit made
in the back office meanwhile is not overwritten by an old value of another field.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from server.assets.models import Asset, AssetKind, AssetStatus, ExtinguisherAgent
from server.assets.services import build_asset, find_taken_label, kind_field_errors
from server.auth.access import Principal
from server.db_types import utc_now, uuid_of
from server.extensions import db
from server.findings.models import Finding, FindingStatus, Severity
from server.inspections.services import (
    InspectionReferences,
    InspectionRefused,
    SessionReferences,
    record_inspection,
)
from server.sites.models import Department, Location
from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

# The node of HLCs the server writes (states seeded from domain rows, restored conflicts).
SERVER_NODE = "server"


class MaterializeError(Exception):
    """A change the domain cannot take: rejected, or retryable once what it needs arrives."""

    def __init__(
        self, code: str, *, outcome: str = "rejected", details: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.outcome = outcome
        self.details = dict(details or {})


@dataclass(frozen=True)
class Capture:
    """Who pushed a change, from which device, and how far that device's clock is off."""

    principal: Principal
    clock_offset_ms: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def ms_to_datetime(ms: int) -> datetime:
    """Return ms since the Unix epoch as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def datetime_to_ms(moment: datetime) -> int:
    """Return an aware datetime as ms since the Unix epoch."""
    return int(moment.timestamp() * 1000)


def parse_uuid(value: Any, name: str, *, required: bool = True) -> uuid.UUID | None:
    """Return a canonical UUID string's UUID; raise MaterializeError('invalid_field') if not."""
    if value is None and not required:
        return None
    try:
        parsed = uuid_of(str(value))
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != value:
        raise MaterializeError("invalid_field", details={"field": name})
    return parsed


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise MaterializeError("invalid_field", details={"field": name})
    return value


def _optional_text(value: Any, name: str) -> str | None:
    return None if value is None else _text(value, name)


def _enum(enum_class: type[Enum]) -> Callable[[Any, str], Any]:
    def convert(value: Any, name: str) -> Any:
        try:
            return enum_class(value)
        except ValueError as error:
            raise MaterializeError("invalid_field", details={"field": name}) from error

    return convert


def _optional_date(value: Any, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise MaterializeError("invalid_field", details={"field": name}) from error


def _optional_uuid(value: Any, name: str) -> uuid.UUID | None:
    return parse_uuid(value, name, required=False)


def _uuid(value: Any, name: str) -> uuid.UUID | None:
    return parse_uuid(value, name)


def _matching(pattern: str) -> Callable[[Any, str], str]:
    compiled = re.compile(pattern)

    def convert(value: Any, name: str) -> str:
        if not isinstance(value, str) or not compiled.fullmatch(value):
            raise MaterializeError("invalid_field", details={"field": name})
        return value

    return convert


def _optional(convert: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    return lambda value, name: None if value is None else convert(value, name)


def _bounded_text(min_length: int, max_length: int) -> Callable[[Any, str], str]:
    return _matching(rf"(?s).{{{min_length},{max_length}}}")


def _number(low: float, high: float, *, whole: bool) -> Callable[[Any, str], Any]:
    # JSON has one number type: a bool is not a number, and a count must be whole.
    def convert(value: Any, name: str) -> Any:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if not is_number or (whole and not isinstance(value, int)) or not low < value <= high:
            raise MaterializeError("invalid_field", details={"field": name})
        return value

    return convert


# Mutable fields a phone may set, per record type, with their converters.
FINDING_FIELDS: dict[str, Callable[[Any, str], Any]] = {
    "inspection_id": _optional_uuid,
    "location_id": _uuid,
    "asset_id": _optional_uuid,
    "item_key": _optional_text,
    "title": _text,
    "description": _text,
    "severity": _enum(Severity),
    "department_id": _uuid,
    "assignee_id": _optional_uuid,
    "due_on": _optional_date,
    "status": _enum(FindingStatus),
}
ASSET_FIELDS: dict[str, Callable[[Any, str], Any]] = {
    "status": _enum(AssetStatus),
    "notes": _text,
    "location_id": _uuid,
}
# Fields a phone sets once, when a crew registers an asset on the spot (scan flow); only the
# back office changes them later. Same rules as the REST create (server/assets/schemas.py).
ASSET_REGISTRATION_FIELDS: dict[str, Callable[[Any, str], Any]] = {
    "kind": _enum(AssetKind),
    "code": _matching(r"[A-Za-z0-9_.-]{1,32}"),
    "name_zh": _bounded_text(1, 200),
    "name_en": _bounded_text(0, 200),
    # The token of the label stuck on the asset (roundbook:asset:<token>).
    "qr_token": _optional(_matching(r"[A-Za-z0-9_-]{16,64}")),
    "agent": _optional(_enum(ExtinguisherAgent)),
    "capacity_kg": _optional(_number(0, 1000, whole=False)),
    "manufactured_on": _optional_date,
    "last_serviced_on": _optional_date,
    "station_number": _optional(_number(0, 99999, whole=True)),
    "bait_type": _optional(_bounded_text(0, 200)),
    "category": _optional(_bounded_text(1, 64)),
    "model": _optional(_bounded_text(0, 200)),
    "serial_number": _optional(_bounded_text(0, 200)),
    "statutory_inspection_due_on": _optional_date,
}
REGISTRATION_FIELDS = {"asset": ASSET_REGISTRATION_FIELDS}
LOCATION_FIELDS: dict[str, Callable[[Any, str], Any]] = {"notes": _text}
MUTABLE_FIELDS = {"finding": FINDING_FIELDS, "asset": ASSET_FIELDS, "location": LOCATION_FIELDS}
DOMAIN_MODELS: dict[str, Any] = {"finding": Finding, "asset": Asset, "location": Location}
# Sync fields that are not domain columns and never change after the create.
FIXED_FIELDS = frozenset({"site_id", "raised_at"})


def json_value(value: Any) -> Any:
    """A column value as the sync state holds it (plain JSON)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def seed_state(record_type: str, record_id: str) -> RecordState | None:
    """Return a state for a record the back office created (it has no sync state yet).

    Its fields are dated by the row's last update, written by the server node, so a phone
    edit made later wins and one made earlier loses (and is kept as a conflict).
    """
    model = DOMAIN_MODELS.get(record_type)
    if model is None:
        return None
    try:
        row = db.session.get(model, uuid.UUID(record_id))
    except ValueError:
        return None
    return seed_state_of_row(record_type, record_id, row)


def seed_state_of_row(record_type: str, record_id: str, row: Any) -> RecordState | None:
    """seed_state for a domain row already loaded (None: there is no such row)."""
    if row is None:
        return None
    hlc = Hlc(datetime_to_ms(row.updated_at), 0, SERVER_NODE)
    values = {name: json_value(getattr(row, name)) for name in MUTABLE_FIELDS[record_type]}
    values["site_id"] = str(row.site_id)
    fields = {
        name: FieldState(value, hlc, SERVER_NODE, version=row.version)
        for name, value in values.items()
    }
    return RecordState(record_type, record_id, fields, version=row.version)


def materialize(before: RecordState | None, after: RecordState, capture: Capture) -> None:
    """Write what a change did to a record into the domain tables."""
    if after.record_type == "inspection":
        if before is None:
            _record_inspection(after, capture)
        return
    model = DOMAIN_MODELS[after.record_type]
    row = db.session.get(model, uuid.UUID(after.record_id))
    if after.deleted:
        if row is not None and not (before is not None and before.deleted):
            db.session.delete(row)
        return
    site_id, converted = converted_fields(before, after, SessionReferences())
    if row is None:
        if after.record_type == "asset":
            values = new_asset_values(after, site_id)
        elif after.record_type == "finding":
            values = new_finding_values(after, site_id, capture)
        else:
            raise MaterializeError("op_not_allowed")
        row = new_domain_row(after.record_type, values)
        db.session.add(row)
    set_fields(row, converted)


def converted_fields(
    before: RecordState | None, after: RecordState, refs: InspectionReferences
) -> tuple[uuid.UUID, dict[str, Any]]:
    """The record's site and the domain values of the fields a change moved, checked."""
    moved = {
        name: state.value
        for name, state in after.fields.items()
        if before is None or before.fields.get(name) != state
    }
    site_id = parse_uuid(after.values().get("site_id"), "site_id")
    assert site_id is not None
    # A registration's own fields (an asset's kind, code, ...) are written by new_asset_values.
    written_once = REGISTRATION_FIELDS.get(after.record_type, {}) if before is None else {}
    moved = {name: value for name, value in moved.items() if name not in written_once}
    return site_id, _converted(after.record_type, moved, site_id, refs)


def _record_inspection(state: RecordState, capture: Capture) -> None:
    from server.photos.services import expect_photos

    try:
        inspection, photos = record_inspection(
            capture.principal, state.record_id, state.values(), capture.clock_offset_ms
        )
    except InspectionRefused as refused:
        outcome = "retry" if refused.retry else "rejected"
        raise MaterializeError(refused.code, outcome=outcome, details=refused.details) from None
    expect_photos(inspection.site_id, inspection.id, photos)


def _converted(
    record_type: str, moved: Mapping[str, Any], site_id: uuid.UUID, refs: InspectionReferences
) -> dict[str, Any]:
    converters = MUTABLE_FIELDS[record_type]
    converted: dict[str, Any] = {}
    for name, value in moved.items():
        if name in FIXED_FIELDS:
            continue
        if name not in converters:
            raise MaterializeError("unknown_field", details={"field": name})
        converted[name] = converters[name](value, name)
    _check_references(converted, site_id, refs)
    return converted


REFERENCES: dict[str, Any] = {
    "location_id": Location,
    "department_id": Department,
    "asset_id": Asset,
}


def _check_references(
    converted: Mapping[str, Any], site_id: uuid.UUID, refs: InspectionReferences
) -> None:
    from server.inspections.models import Inspection

    for name, model in REFERENCES.items():
        ref = converted.get(name)
        if ref is None:
            continue
        ref_site_id = refs.site_of(model, ref)
        if ref_site_id is None and name == "asset_id":
            # A crew may register the asset on the phone that reports this: its create is
            # still in that outbox (or later in this batch).
            raise MaterializeError("depends_on_missing_record", outcome="retry")
        if ref_site_id != site_id:
            raise MaterializeError("invalid_reference", details={"field": name})
    inspection_id = converted.get("inspection_id")
    if inspection_id is not None:
        inspection_site_id = refs.site_of(Inspection, inspection_id)
        if inspection_site_id is None:
            # The finding's inspection is still in some outbox (or later in this batch).
            raise MaterializeError("depends_on_missing_record", outcome="retry")
        if inspection_site_id != site_id:
            raise MaterializeError("invalid_reference", details={"field": "inspection_id"})


def new_finding_values(state: RecordState, site_id: uuid.UUID, capture: Capture) -> dict[str, Any]:
    """The fixed columns of a finding a phone created; raise missing_field if it cannot be."""
    values = state.values()
    missing = [name for name in ("location_id", "title", "severity", "department_id")]
    missing = [name for name in missing if values.get(name) is None]
    if missing:
        raise MaterializeError("missing_field", details={"field": missing[0]})
    raised_at_ms = values.get("raised_at")
    raised_at = (
        ms_to_datetime(raised_at_ms + capture.clock_offset_ms)
        if isinstance(raised_at_ms, int)
        else utc_now()
    )
    return {
        "id": uuid.UUID(state.record_id),
        "site_id": site_id,
        "raised_by_id": capture.principal.user_id,
        "raised_at": raised_at,
        "version": 0,
    }


def new_asset_values(
    state: RecordState,
    site_id: uuid.UUID,
    registered: Mapping[tuple[Any, ...], uuid.UUID] | None = None,
) -> dict[str, Any]:
    """The columns of an asset a crew registered on the phone; raise if it cannot be.

    ``registered`` holds the labels of assets registered earlier in the same batch and not
    yet written (see asset_label_keys). Raises missing_field / invalid_field for what the
    asset's kind needs or does not have, and rejected ``qr_code_taken`` (the label's token
    or the code) or ``station_number_taken`` when another asset holds it already.
    """
    values = state.values()
    for name in ("kind", "code", "name_zh", "location_id"):
        if values.get(name) is None:
            raise MaterializeError("missing_field", details={"field": name})
    fields = {
        name: convert(values[name], name)
        for name, convert in ASSET_REGISTRATION_FIELDS.items()
        if name in values
    }
    kind = fields.pop("kind")
    _check_kind_fields(kind, fields)
    new = {
        "id": uuid.UUID(state.record_id),
        "site_id": site_id,
        "kind": kind,
        "location_id": parse_uuid(values["location_id"], "location_id"),
        # Version 0: set_fields makes it 1, like a finding's (the sync state's first version).
        "version": 0,
        **{name: value for name, value in fields.items() if value is not None},
    }
    require_free_labels(new, registered or {})
    return new


def _check_kind_fields(kind: AssetKind, fields: Mapping[str, Any]) -> None:
    errors = kind_field_errors(kind, fields, is_new=True)
    if errors:
        name = sorted(errors)[0]
        # Absent: missing. Present: a field of another kind, or a required one sent as null.
        code = "invalid_field" if name in fields else "missing_field"
        raise MaterializeError(code, details={"field": name})
    manufactured_on = fields.get("manufactured_on")
    last_serviced_on = fields.get("last_serviced_on")
    if manufactured_on and last_serviced_on and last_serviced_on < manufactured_on:
        raise MaterializeError("invalid_field", details={"field": "last_serviced_on"})


def asset_label_keys(values: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    """The keys under which a new asset's labels must be unique, per field.

    Codes are unique per site and compared in any case (typed with gloves on); QR tokens are
    unique across sites; bait-station numbers are unique per site.
    """
    site_id = values["site_id"]
    keys: dict[str, tuple[Any, ...]] = {"code": ("code", site_id, values["code"].lower())}
    if values.get("qr_token") is not None:
        keys["qr_token"] = ("qr_token", values["qr_token"])
    if values.get("station_number") is not None:
        keys["station_number"] = ("station_number", site_id, values["station_number"])
    return keys


# Rejection codes when another asset holds a label a registration asks for.
TAKEN_LABEL_CODES = {
    "qr_token": "qr_code_taken",
    "code": "qr_code_taken",
    "station_number": "station_number_taken",
}


def require_free_labels(
    values: Mapping[str, Any], registered: Mapping[tuple[Any, ...], uuid.UUID]
) -> None:
    """Raise rejected qr_code_taken / station_number_taken if another asset holds a label.

    Never a duplicate, never an integrity error: the phone is told which asset holds it
    (``details.asset_id``, only when that asset is on the same site) so it can open that one.
    """
    for name, key in asset_label_keys(values).items():
        if key in registered:
            _raise_taken(name, registered[key])
    taken = find_taken_label(
        values["site_id"],
        code=values["code"],
        qr_token=values.get("qr_token"),
        station_number=values.get("station_number"),
    )
    if taken is not None:
        # A token on another hospital's asset: say it is taken, not which asset has it.
        _raise_taken(taken.field, taken.asset_id if taken.site_id == values["site_id"] else None)


def _raise_taken(name: str, asset_id: uuid.UUID | None) -> None:
    details: dict[str, Any] = {"field": name}
    if asset_id is not None:
        details["asset_id"] = str(asset_id)
    raise MaterializeError(TAKEN_LABEL_CODES[name], details=details)


def new_domain_row(record_type: str, values: Mapping[str, Any]) -> Any:
    """The unsaved domain row of a record a phone created (values from new_*_values)."""
    if record_type == "asset":
        fields = dict(values)
        site_id, kind = fields.pop("site_id"), fields.pop("kind")
        return build_asset(site_id, kind, **fields)
    return Finding(**values)


def set_fields(row: Any, converted: Mapping[str, Any]) -> None:
    """Write converted values to a domain row and bump its version."""
    for name, value in converted.items():
        setattr(row, name, value)
    if isinstance(row, Finding) and "status" in converted:
        # The ledger dates a verified closure; any other status means it is open again.
        is_closed = row.status == FindingStatus.VERIFIED_CLOSED
        row.closed_at = (row.closed_at or utc_now()) if is_closed else None
    if converted or row.version == 0:
        row.version = (row.version or 0) + 1
