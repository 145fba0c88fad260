"""Marshmallow schemas of findings (the rectification ledger, 整改台帐)."""

from __future__ import annotations

import marshmallow as ma

from server.findings.models import FindingStatus, Severity
from server.sync_api.schemas import ConflictSchema


class FindingSchema(ma.Schema):
    """A problem found on a check: what, where, how bad, whose, by when, and where it stands."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(dump_only=True)
    inspection_id = ma.fields.UUID(dump_only=True, allow_none=True)
    location_id = ma.fields.UUID(dump_only=True)
    asset_id = ma.fields.UUID(dump_only=True, allow_none=True)
    item_key = ma.fields.String(dump_only=True, allow_none=True)
    title = ma.fields.String(dump_only=True)
    description = ma.fields.String(dump_only=True)
    severity = ma.fields.Enum(Severity, by_value=True, dump_only=True)
    department_id = ma.fields.UUID(dump_only=True)
    assignee_id = ma.fields.UUID(dump_only=True, allow_none=True)
    due_on = ma.fields.Date(dump_only=True, allow_none=True)
    status = ma.fields.Enum(FindingStatus, by_value=True, dump_only=True)
    is_overdue = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "due_on is before today at the site and it is not verified"},
    )
    raised_by_id = ma.fields.UUID(dump_only=True)
    raised_at = ma.fields.AwareDateTime(dump_only=True)
    closed_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class FindingDetailSchema(FindingSchema):
    """A finding with the photos its inspection still expects and its sync conflicts."""

    missing_photo_sha256s = ma.fields.List(
        ma.fields.String(),
        dump_only=True,
        metadata={"description": "Photos of its inspection not uploaded yet"},
    )
    conflicts = ma.fields.List(
        ma.fields.Nested(ConflictSchema),
        dump_only=True,
        metadata={"description": "Values that lost a merge (shown to reviewers and site admins)"},
    )


class FindingQueryArgsSchema(ma.Schema):
    """Filter the ledger; `status` may be repeated (`status=open&status=reopened`)."""

    site_id = ma.fields.UUID()
    status = ma.fields.List(ma.fields.Enum(FindingStatus, by_value=True))
    department_id = ma.fields.UUID()
    assignee_id = ma.fields.UUID()
    location_id = ma.fields.UUID()
    asset_id = ma.fields.UUID()
    is_overdue = ma.fields.Boolean()
