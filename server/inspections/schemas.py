"""Marshmallow schemas of schedules, the due report and inspections."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.checklists.models import Frequency
from server.inspections.due import DueStatus
from server.inspections.models import InspectionResult

MAX_TARGETS = 2000


def _name(*, required: bool = False) -> ma.fields.String:
    return ma.fields.String(required=required, validate=validate.Length(min=1, max=200))


class ScheduleTargetSchema(ma.Schema):
    """A location or asset of a schedule; ``frequency`` is set when a rule overrides it."""

    id = ma.fields.UUID(dump_only=True)
    location_id = ma.fields.UUID(dump_only=True, allow_none=True)
    asset_id = ma.fields.UUID(dump_only=True, allow_none=True)
    frequency = ma.fields.Enum(
        Frequency,
        by_value=True,
        dump_only=True,
        allow_none=True,
        metadata={"description": "Set when a rule (GB 50444 half-monthly places) overrides"},
    )
    effective_frequency = ma.fields.Enum(Frequency, by_value=True, dump_only=True)


class ScheduleSchema(ma.Schema):
    """A checklist to be filled for some targets at a frequency, by an assignee."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    template_id = ma.fields.UUID(required=True)
    name_zh = _name(required=True)
    name_en = _name(required=True)
    frequency = ma.fields.Enum(
        Frequency, by_value=True, metadata={"description": "Defaults to the template's"}
    )
    interval_days = ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=3660),
        metadata={"description": "Days between checks, for every_n_days"},
    )
    starts_on = ma.fields.Date(metadata={"description": "Defaults to today at the site"})
    ends_on = ma.fields.Date(allow_none=True)
    assignee_id = ma.fields.UUID(allow_none=True, metadata={"description": "A site member"})
    is_active = ma.fields.Boolean(load_default=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    location_ids = ma.fields.List(
        ma.fields.UUID(),
        load_only=True,
        load_default=list,
        validate=validate.Length(max=MAX_TARGETS),
        metadata={"description": "Locations to check (location checklists)"},
    )
    asset_ids = ma.fields.List(
        ma.fields.UUID(),
        load_only=True,
        load_default=list,
        validate=validate.Length(max=MAX_TARGETS),
        metadata={"description": "Assets of the checklist's kind to check"},
    )
    targets = ma.fields.List(ma.fields.Nested(ScheduleTargetSchema), dump_only=True)


class ScheduleUpdateSchema(ma.Schema):
    """Fields of a schedule that may change (all optional), and targets to add or remove."""

    name_zh = _name()
    name_en = _name()
    frequency = ma.fields.Enum(Frequency, by_value=True)
    interval_days = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=3660))
    ends_on = ma.fields.Date(allow_none=True)
    assignee_id = ma.fields.UUID(allow_none=True)
    is_active = ma.fields.Boolean()
    add_location_ids = ma.fields.List(ma.fields.UUID(), validate=validate.Length(max=MAX_TARGETS))
    add_asset_ids = ma.fields.List(ma.fields.UUID(), validate=validate.Length(max=MAX_TARGETS))
    remove_target_ids = ma.fields.List(ma.fields.UUID(), validate=validate.Length(max=MAX_TARGETS))


class ScheduleQueryArgsSchema(ma.Schema):
    """Filter schedules by site and whether they are active."""

    site_id = ma.fields.UUID()
    is_active = ma.fields.Boolean()


class DueQueryArgsSchema(ma.Schema):
    """Which site and day to report on."""

    site_id = ma.fields.UUID(required=True)
    day = ma.fields.Date(metadata={"description": "YYYY-MM-DD; defaults to today at the site"})


class NamedRefSchema(ma.Schema):
    """A record's id and names."""

    id = ma.fields.UUID()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()


class DueTargetSchema(ma.Schema):
    """The location or asset to check."""

    kind = ma.fields.String(metadata={"description": "location or asset"})
    id = ma.fields.UUID()
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    location_id = ma.fields.UUID(metadata={"description": "The location, or where the asset is"})


class PersonSchema(ma.Schema):
    """A user as shown in a report."""

    id = ma.fields.UUID()
    display_name = ma.fields.String()


class DueItemSchema(ma.Schema):
    """One scheduled check of one target: done (green), due (amber) or overdue (red)."""

    schedule = ma.fields.Nested(NamedRefSchema)
    schedule_target_id = ma.fields.UUID()
    template = ma.fields.Nested(NamedRefSchema)
    target = ma.fields.Nested(DueTargetSchema)
    frequency = ma.fields.Enum(Frequency, by_value=True)
    period_start = ma.fields.Date()
    due_on = ma.fields.Date(metadata={"description": "Last day of the period"})
    status = ma.fields.Enum(DueStatus, by_value=True)
    colour = ma.fields.String(metadata={"description": "green, amber or red"})
    assignee = ma.fields.Nested(PersonSchema, allow_none=True)
    inspection_id = ma.fields.UUID(allow_none=True)
    done_by = ma.fields.Nested(PersonSchema, allow_none=True)
    done_at = ma.fields.AwareDateTime(allow_none=True)
    result = ma.fields.Enum(
        InspectionResult,
        by_value=True,
        allow_none=True,
        metadata={"description": "not_inspected counts as done; show it amber-ish"},
    )
    last_done_at = ma.fields.AwareDateTime(allow_none=True)


class InspectionSchema(ma.Schema):
    """A submitted check (read-only here; phones submit through sync)."""

    id = ma.fields.UUID()
    site_id = ma.fields.UUID()
    template_version_id = ma.fields.UUID()
    location_id = ma.fields.UUID(allow_none=True)
    asset_id = ma.fields.UUID(allow_none=True)
    inspector_id = ma.fields.UUID()
    device_id = ma.fields.UUID(allow_none=True)
    schedule_id = ma.fields.UUID(allow_none=True)
    revision_of_id = ma.fields.UUID(allow_none=True)
    started_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(metadata={"description": "When it was observed"})
    finished_at_device = ma.fields.AwareDateTime(allow_none=True)
    answers = ma.fields.Dict()
    result = ma.fields.Enum(InspectionResult, by_value=True)
    not_inspected_reason = ma.fields.String(allow_none=True)
    note = ma.fields.String()
    received_at = ma.fields.AwareDateTime(metadata={"description": "When the server got it"})


class InspectionQueryArgsSchema(ma.Schema):
    """Filter inspections by site, location, asset and observation time."""

    site_id = ma.fields.UUID()
    location_id = ma.fields.UUID()
    asset_id = ma.fields.UUID()
    since = ma.fields.AwareDateTime(
        metadata={"description": "Finished at or after this time (ISO 8601 with offset)"}
    )
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))
