"""Marshmallow schemas of sites, departments, buildings, floors and locations."""

from __future__ import annotations

import zoneinfo

import marshmallow as ma
from marshmallow import validate

from server.sites.models import LocationKind


def _name() -> ma.fields.String:
    return ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


def _code() -> ma.fields.String:
    return ma.fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=32),
            validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="Use letters, digits, - _ . only."),
        ],
    )


def _validate_timezone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ma.ValidationError("Unknown time zone; use an IANA name like Asia/Shanghai.")


class SiteSchema(ma.Schema):
    """A hospital or campus."""

    id = ma.fields.UUID(dump_only=True)
    code = _code()
    name_zh = _name()
    name_en = _name()
    timezone = ma.fields.String(load_default="Asia/Shanghai", validate=_validate_timezone)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class SiteUpdateSchema(ma.Schema):
    """Fields of a site that may change (all optional)."""

    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(min=1, max=200))
    timezone = ma.fields.String(validate=_validate_timezone)


class SiteScopedQueryArgsSchema(ma.Schema):
    """Filter a list by site."""

    site_id = ma.fields.UUID()


class DepartmentSchema(ma.Schema):
    """A department (科室) or contractor."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    code = _code()
    name_zh = _name()
    name_en = _name()


class DepartmentUpdateSchema(ma.Schema):
    """Fields of a department that may change."""

    code = ma.fields.String(validate=validate.Length(min=1, max=32))
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(min=1, max=200))


class FloorSchema(ma.Schema):
    """A floor; negative levels are basements."""

    id = ma.fields.UUID(dump_only=True)
    building_id = ma.fields.UUID(dump_only=True)
    level = ma.fields.Integer(required=True, validate=validate.Range(min=-10, max=200))
    name_zh = _name()
    name_en = _name()
    is_basement = ma.fields.Boolean(dump_only=True)


class BuildingSchema(ma.Schema):
    """A building with its floors."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    code = _code()
    name_zh = _name()
    name_en = _name()
    floors = ma.fields.List(ma.fields.Nested(FloorSchema), load_default=list)


class LocationSchema(ma.Schema):
    """A ward, room, corridor, plant room or outdoor area."""

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    floor_id = ma.fields.UUID(required=True)
    department_id = ma.fields.UUID(required=True)
    code = _code()
    name_zh = _name()
    name_en = _name()
    kind = ma.fields.Enum(LocationKind, by_value=True, required=True)
    notes = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    is_active = ma.fields.Boolean(load_default=True)
    version = ma.fields.Integer(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class LocationUpdateSchema(ma.Schema):
    """Fields of a location that may change (all optional)."""

    floor_id = ma.fields.UUID()
    department_id = ma.fields.UUID()
    code = ma.fields.String(validate=validate.Length(min=1, max=32))
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(min=1, max=200))
    kind = ma.fields.Enum(LocationKind, by_value=True)
    notes = ma.fields.String(validate=validate.Length(max=5000))
    is_active = ma.fields.Boolean()


class LocationQueryArgsSchema(SiteScopedQueryArgsSchema):
    """Filter locations by site, kind or department."""

    kind = ma.fields.Enum(LocationKind, by_value=True)
    department_id = ma.fields.UUID()
