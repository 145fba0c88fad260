"""Marshmallow schemas of checklist templates and their versions."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.checklists.items import SNAKE_CASE, ChecklistItemSchema, ChecklistItemsSchema
from server.checklists.models import (
    ChecklistTemplate,
    Frequency,
    TargetKind,
    VersionStatus,
)


def _name(*, required: bool = True) -> ma.fields.String:
    return ma.fields.String(required=required, validate=validate.Length(min=1, max=200))


def _description(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(validate=validate.Length(max=5000), **kwargs)


def _equipment_category(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        allow_none=True,
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(SNAKE_CASE, error="Use snake_case, for example elevator."),
        ],
        metadata={"description": "Kind of equipment (elevator, oxygen_store, ...); equipment only"},
        **kwargs,
    )


def _interval_days(**kwargs: Any) -> ma.fields.Integer:
    return ma.fields.Integer(
        allow_none=True,
        validate=validate.Range(min=1, max=3660),
        metadata={"description": "Days between checks; only with every_n_days"},
        **kwargs,
    )


def _latest_number(template: ChecklistTemplate, status: VersionStatus) -> int | None:
    numbers = [version.number for version in template.versions if version.status is status]
    return max(numbers, default=None)


class TemplateSchema(ma.Schema):
    """A checklist template of one site, without its items (see its versions)."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    key = ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=64),
            validate.Regexp(SNAKE_CASE, error="Use snake_case: lower-case letters, digits, _."),
        ],
    )
    name_zh = _name()
    name_en = _name()
    description_zh = _description(load_default="")
    description_en = _description(load_default="")
    target_kind = ma.fields.Enum(TargetKind, by_value=True, required=True)
    equipment_category = _equipment_category(load_default=None)
    default_frequency = ma.fields.Enum(Frequency, by_value=True, required=True)
    interval_days = _interval_days(load_default=None)
    is_builtin = ma.fields.Boolean(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    current_version_number = ma.fields.Function(
        lambda template: _latest_number(template, VersionStatus.PUBLISHED),
        dump_only=True,
        allow_none=True,
        metadata={"description": "The latest published version: the one phones fill"},
    )
    draft_version_number = ma.fields.Function(
        lambda template: _latest_number(template, VersionStatus.DRAFT),
        dump_only=True,
        allow_none=True,
        metadata={"description": "The draft being edited, if any"},
    )


class TemplateCreateSchema(TemplateSchema, ChecklistItemsSchema):
    """A new template with the items of its first (draft) version."""


class TemplateUpdateSchema(ma.Schema):
    """Names, description and default frequency of a template (all optional).

    Key and target kind never change: schedules and phones refer to them. Items change only
    through a new version.
    """

    name_zh = _name(required=False)
    name_en = _name(required=False)
    description_zh = _description()
    description_en = _description()
    equipment_category = _equipment_category()
    default_frequency = ma.fields.Enum(Frequency, by_value=True)
    interval_days = _interval_days()


class TemplateQueryArgsSchema(ma.Schema):
    """Filter templates by site and target kind."""

    site_id = ma.fields.UUID()
    target_kind = ma.fields.Enum(TargetKind, by_value=True)


class VersionSchema(ma.Schema):
    """One version of a template's items; a published one never changes."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(dump_only=True)
    template_id = ma.fields.UUID(dump_only=True)
    number = ma.fields.Integer(dump_only=True)
    status = ma.fields.Enum(VersionStatus, by_value=True, dump_only=True)
    is_published = ma.fields.Boolean(dump_only=True)
    items = ma.fields.List(ma.fields.Nested(ChecklistItemSchema), dump_only=True)
    published_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    published_by_id = ma.fields.UUID(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class VersionUpdateSchema(ChecklistItemsSchema):
    """The full new list of a draft's items (replaces the old list)."""
