"""Marshmallow schemas of the sync protocol (docs/sync-protocol.md)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.sync_api.services import require_supported_protocol

_ID = validate.Length(min=1, max=64)


class SyncChangeSchema(ma.Schema):
    """One change from a device's outbox."""

    change_id = ma.fields.String(required=True, validate=_ID)
    record_type = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    record_id = ma.fields.String(required=True, validate=_ID)
    op = ma.fields.String(required=True, validate=validate.Length(min=1, max=16))
    # No keys=String(): JSON object keys are strings already, and checking each one was a
    # third of the time marshmallow spent on a push.
    fields = ma.fields.Dict(load_default=dict)
    hlc = ma.fields.String(required=True, validate=validate.Length(min=1, max=128))
    base_version = ma.fields.Integer(load_default=None, allow_none=True)
    observed_at = ma.fields.Integer(load_default=None, allow_none=True)


# (key, types, maximum length) of a change as SyncChangeSchema loads it.
_CHANGE_KEYS: dict[str, tuple[type | tuple[type, ...], int | None]] = {
    "change_id": (str, 64),
    "record_type": (str, 32),
    "record_id": (str, 64),
    "op": (str, 16),
    "fields": (dict, None),
    "hlc": (str, 128),
    "base_version": ((int, type(None)), None),
    "observed_at": ((int, type(None)), None),
}
_REQUIRED_CHANGE_KEYS = frozenset({"change_id", "record_type", "record_id", "op", "hlc"})


class ChangeList(ma.fields.List):
    """A list of SyncChangeSchema changes that loads well-formed ones without marshmallow.

    A push carries hundreds of changes, and loading each field of each through marshmallow
    was a tenth of a push's time. A change that is plainly well-formed (the keys and types
    SyncChangeSchema accepts) is taken as it is; anything else goes through marshmallow, so
    errors and coercions stay exactly those of the schema. Documented as the List it is.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list) and all(map(_is_plain_change, value)):
            return [
                {"fields": {}, "base_version": None, "observed_at": None, **change}
                for change in value
            ]
        return super()._deserialize(value, attr, data, **kwargs)


def _is_plain_change(change: Any) -> bool:
    if not isinstance(change, dict) or not change.keys() >= _REQUIRED_CHANGE_KEYS:
        return False
    for key, value in change.items():
        rule = _CHANGE_KEYS.get(key)
        if rule is None or isinstance(value, bool):
            return False
        types, max_length = rule
        if not isinstance(value, types):
            return False
        if max_length is not None and not 1 <= len(value) <= max_length:
            return False
    return True


class SyncPushSchema(ma.Schema):
    """A batch of changes, in the order they were made on the device."""

    protocol_version = ma.fields.Integer(required=True, strict=True)
    device_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=128))
    device_now_ms = ma.fields.Integer(required=True, strict=True)
    changes = ChangeList(
        ma.fields.Nested(SyncChangeSchema), required=True, validate=validate.Length(max=500)
    )

    @ma.pre_load
    def _refuse_old_clients(self, data: Any, **kwargs: Any) -> Any:
        # Before anything else: an old app's body may not match today's schema at all,
        # and it must be told to update (426), not that its fields are wrong.
        if isinstance(data, dict) and type(data.get("protocol_version")) is int:
            require_supported_protocol(data["protocol_version"])
        return data


class ConflictValueSchema(ma.Schema):
    """A value that lost, next to the one that was kept."""

    field = ma.fields.String()
    kept_value = ma.fields.Raw(allow_none=True)
    kept_hlc = ma.fields.String(allow_none=True)
    lost_value = ma.fields.Raw(allow_none=True)
    lost_hlc = ma.fields.String()
    lost_device_id = ma.fields.String()
    reason = ma.fields.String()


class ChangeResultSchema(ma.Schema):
    """What the server did with one change."""

    change_id = ma.fields.String()
    status = ma.fields.String(
        metadata={"enum": ["applied", "already_applied", "merged", "rejected", "retry"]}
    )
    code = ma.fields.String(allow_none=True)
    hlc = ma.fields.String(allow_none=True)
    record = ma.fields.Dict(allow_none=True)
    conflicts = ma.fields.List(ma.fields.Nested(ConflictValueSchema))
    details = ma.fields.Dict()
    missing_photo_sha256s = ma.fields.List(ma.fields.String(), allow_none=True)


class ResultList(ma.fields.List):
    """ChangeResults dumped as ChangeResultSchema would, without marshmallow.

    A push answers hundreds of changes, and dumping each field of each through marshmallow
    was a twentieth of a push's time. ChangeResult.as_json gives the same keys and values
    (a test holds the two equal). Documented as the List it is.
    """

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return [result.as_json() for result in value]


class PushResponseSchema(ma.Schema):
    """One result per pushed change, in order, and the server's clock."""

    server_epoch = ma.fields.String()
    server_now_ms = ma.fields.Integer()
    clock_offset_ms = ma.fields.Integer()
    results = ResultList(ma.fields.Nested(ChangeResultSchema))


class PullQueryArgsSchema(ma.Schema):
    """Where to continue reading the feed, and which sites the device holds."""

    cursor = ma.fields.String(load_default=None, validate=validate.Length(max=200))
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    known_site_ids = ma.fields.List(ma.fields.UUID(), load_default=list)


class PullPageSchema(ma.Schema):
    """One page of the change feed."""

    server_epoch = ma.fields.String()
    # Raw, documented as an array of records: the records are plain JSON already, and
    # copying 1,000 of them field by field was a fifth of a pull page's time.
    changes = ma.fields.Raw(metadata={"type": "array", "items": {"type": "object"}})
    next_cursor = ma.fields.String()
    has_more = ma.fields.Boolean()
    drop_site_ids = ma.fields.List(ma.fields.String())
    # Raw for the same reason: up to 1,000 inspections of plain strings.
    missing_photos = ma.fields.Raw(
        metadata={
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    )


class ConflictSchema(ma.Schema):
    """A value that lost a merge, kept for review."""

    id = ma.fields.Integer()
    site_id = ma.fields.String()
    record_type = ma.fields.String()
    record_id = ma.fields.String()
    field = ma.fields.String()
    kept_value = ma.fields.Raw(allow_none=True)
    kept_hlc = ma.fields.String(allow_none=True)
    lost_value = ma.fields.Raw(allow_none=True)
    lost_hlc = ma.fields.String()
    lost_device_id = ma.fields.String()
    reason = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)
    resolved_by_id = ma.fields.UUID(allow_none=True)
    resolution = ma.fields.String(allow_none=True)
    resolution_note = ma.fields.String()


class ConflictQueryArgsSchema(ma.Schema):
    """Filter conflicts."""

    site_id = ma.fields.UUID()
    record_type = ma.fields.String(validate=validate.Length(min=1, max=32))
    record_id = ma.fields.String(validate=_ID)
    include_resolved = ma.fields.Boolean(load_default=False)


class ConflictResolveSchema(ma.Schema):
    """Keep the winning value, or restore the lost one."""

    action = ma.fields.String(required=True, validate=validate.OneOf(["keep", "restore"]))
    note = ma.fields.String(load_default="", validate=validate.Length(max=2000))


# --- Import of a file exported by the field app ("export unsynced data") -------------------

EXPORT_FORMAT = "roundbook-unsynced-export"


class ExportedChangeSchema(ma.Schema):
    """The change an outbox operation carries, as the field app queued it."""

    class Meta:
        unknown = ma.EXCLUDE

    record_type = ma.fields.String(required=True, validate=validate.Length(min=1, max=32))
    record_id = ma.fields.String(required=True, validate=_ID)
    op = ma.fields.String(required=True, validate=validate.Length(min=1, max=16))
    # No keys=String(): JSON object keys are strings already, and checking each one was a
    # third of the time marshmallow spent on a push.
    fields = ma.fields.Dict(load_default=dict)
    hlc = ma.fields.String(required=True, validate=validate.Length(min=1, max=128))
    observed_at = ma.fields.Integer(load_default=None, allow_none=True)


class ExportedOpSchema(ma.Schema):
    """One operation of the exported outbox."""

    class Meta:
        unknown = ma.EXCLUDE

    op_id = ma.fields.String(required=True, validate=_ID)
    payload = ma.fields.Nested(ExportedChangeSchema, required=True)
    base_version = ma.fields.Integer(load_default=None, allow_none=True)


class ExportedPhotoSchema(ma.Schema):
    """A photo kept on the phone, its bytes as a data URL."""

    class Meta:
        unknown = ma.EXCLUDE

    sha256 = ma.fields.String(required=True, validate=validate.Length(min=1, max=128))
    site_id = ma.fields.UUID(required=True)
    state = ma.fields.String(load_default="pending", validate=validate.Length(max=32))
    data_url = ma.fields.String(load_default=None, allow_none=True)


class ExportedUserSchema(ma.Schema):
    """Who was signed in on the phone."""

    class Meta:
        unknown = ma.EXCLUDE

    id = ma.fields.UUID(required=True)


class ExportedSessionSchema(ma.Schema):
    """The phone's sign-in when it exported: the capturer and the device."""

    class Meta:
        unknown = ma.EXCLUDE

    user = ma.fields.Nested(ExportedUserSchema, required=True)
    device_id = ma.fields.UUID(load_default=None, allow_none=True)


class SyncImportSchema(ma.Schema):
    """A file written by the field app's "export unsynced data" (format_version 1)."""

    class Meta:
        unknown = ma.EXCLUDE

    format = ma.fields.String(required=True, validate=validate.OneOf([EXPORT_FORMAT]))
    format_version = ma.fields.Integer(required=True, strict=True, validate=validate.OneOf([1]))
    exported_at = ma.fields.String(load_default=None, allow_none=True)
    session = ma.fields.Nested(ExportedSessionSchema, required=True)
    outbox = ma.fields.List(
        ma.fields.Nested(ExportedOpSchema), required=True, validate=validate.Length(max=20_000)
    )
    photos = ma.fields.List(ma.fields.Nested(ExportedPhotoSchema), load_default=list)
    drafts = ma.fields.List(ma.fields.Dict(), load_default=list)
    problems = ma.fields.List(ma.fields.Dict(), load_default=list)


class ImportedPhotoSchema(ma.Schema):
    """What the server did with one photo of the file."""

    sha256 = ma.fields.String()
    status = ma.fields.String(
        metadata={"enum": ["stored", "already_stored", "rejected", "no_data"]}
    )
    code = ma.fields.String(allow_none=True)


class SyncImportResponseSchema(PushResponseSchema):
    """One result per exported operation, in order (as a push), and one per photo."""

    recorded_as_user_id = ma.fields.UUID()
    imported_by_id = ma.fields.UUID()
    recorded_as_device_id = ma.fields.UUID(allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(ImportedPhotoSchema))
    drafts_skipped = ma.fields.Integer(
        metadata={"description": "Unfinished checks in the file; only submitted work is imported"}
    )
