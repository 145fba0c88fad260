"""Schemas of the audit trail."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate


class AuditEntrySchema(ma.Schema):
    """One change: who, when, which record, and {field: [old, new]}."""

    id = ma.fields.Integer()
    site_id = ma.fields.UUID(allow_none=True)
    actor_id = ma.fields.UUID(allow_none=True)
    entity_type = ma.fields.String()
    entity_id = ma.fields.String()
    action = ma.fields.String(metadata={"description": "create, update or delete"})
    changes = ma.fields.Dict(
        metadata={
            "description": "{field: [old, new]}; an inspection's create entry is "
            '`{"*": [null, "(kept in the record)"]}`: it never changes, so read the '
            "inspection itself."
        }
    )
    at = ma.fields.AwareDateTime()


class AuditQueryArgsSchema(ma.Schema):
    """Which entries to list, newest first; page back with `before`."""

    site_id = ma.fields.UUID(required=True)
    entity_id = ma.fields.String(validate=validate.Length(max=64))
    entity_type = ma.fields.String(validate=validate.Length(max=64))
    before = ma.fields.AwareDateTime()
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
