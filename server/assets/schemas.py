"""Marshmallow schemas of QR-tagged assets: one shape for all kinds, checked per kind."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.assets import lifecycle
from server.assets.models import Asset, AssetKind, AssetStatus, ExtinguisherAgent
from server.assets.services import kind_field_errors, qr_label_payload, today_at_site

_CODE_VALIDATORS = [
    validate.Length(min=1, max=32),
    validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="Use letters, digits, - _ . only."),
]


def _date_property(description: str) -> dict[str, Any]:
    return {"type": "string", "format": "date", "description": description}


class _KindFieldsSchema(ma.Schema):
    """Fields that only one kind of asset has; per-kind rules are checked elsewhere."""

    # Fire extinguisher
    agent = ma.fields.Enum(ExtinguisherAgent, by_value=True)
    capacity_kg = ma.fields.Float(
        allow_none=True, validate=validate.Range(min=0, min_inclusive=False, max=1000)
    )
    manufactured_on = ma.fields.Date(metadata={"description": "Manufacture date on the nameplate"})
    last_serviced_on = ma.fields.Date(allow_none=True)
    # Bait station
    station_number = ma.fields.Integer(
        validate=validate.Range(min=1, max=99999),
        metadata={"description": "Number on the label and in the bait-station ledger"},
    )
    bait_type = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    # Equipment
    category = ma.fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "e.g. elevator, boiler, oxygen_store, aed"},
    )
    model = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    serial_number = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    statutory_inspection_due_on = ma.fields.Date(allow_none=True)
    responsible_user_id = ma.fields.UUID(
        allow_none=True, metadata={"description": "Member of the site who looks after it"}
    )


class AssetSchema(_KindFieldsSchema):
    """A QR-tagged asset: a fire extinguisher, a bait station or a piece of equipment.

    Send only the fields of its ``kind``; the computed dates and flags are read-only.
    """

    id = ma.fields.UUID(dump_only=True)
    site_id = ma.fields.UUID(required=True)
    location_id = ma.fields.UUID(required=True)
    kind = ma.fields.Enum(AssetKind, by_value=True, required=True)
    code = ma.fields.String(required=True, validate=_CODE_VALIDATORS)
    name_zh = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(load_default="", validate=validate.Length(max=200))
    status = ma.fields.Enum(AssetStatus, by_value=True, load_default=AssetStatus.IN_SERVICE)
    notes = ma.fields.String(load_default="", validate=validate.Length(max=5000))
    qr_token = ma.fields.String(dump_only=True)
    qr_label = ma.fields.Method(
        "_qr_label",
        dump_only=True,
        metadata={"type": "string", "description": "Text of the printed QR label"},
    )
    service_due_on = ma.fields.Method(
        "_service_due_on",
        dump_only=True,
        metadata=_date_property("Extinguishers: next service due (GB 50444)"),
    )
    scrap_due_on = ma.fields.Method(
        "_scrap_due_on",
        dump_only=True,
        metadata=_date_property("Extinguishers: scrap date (GB 50444)"),
    )
    flags = ma.fields.Method(
        "_flags",
        dump_only=True,
        metadata={
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "description": "Extinguishers: is_service_overdue, is_service_due_soon, "
            "is_scrap_overdue. Equipment: is_inspection_overdue, is_inspection_due_soon.",
        },
    )
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    @ma.validates_schema(skip_on_field_errors=False)
    def _fields_fit_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "kind" in data:
            errors = kind_field_errors(data["kind"], data, is_new=True)
            if errors:
                raise ma.ValidationError(errors)

    def _qr_label(self, asset: Asset) -> str:
        return qr_label_payload(asset)

    def _service_due_on(self, asset: Asset) -> Any:
        if asset.kind != AssetKind.FIRE_EXTINGUISHER:
            return ma.missing
        if asset.agent is None or asset.manufactured_on is None:
            return None
        due_on = lifecycle.service_due_on(
            asset.agent, asset.manufactured_on, asset.last_serviced_on
        )
        return due_on.isoformat()

    def _scrap_due_on(self, asset: Asset) -> Any:
        if asset.kind != AssetKind.FIRE_EXTINGUISHER:
            return ma.missing
        if asset.agent is None or asset.manufactured_on is None:
            return None
        return lifecycle.scrap_due_on(asset.agent, asset.manufactured_on).isoformat()

    def _flags(self, asset: Asset) -> Any:
        if asset.kind == AssetKind.FIRE_EXTINGUISHER:
            return lifecycle.extinguisher_flags(asset, today_at_site(asset.site_id))
        if asset.kind == AssetKind.EQUIPMENT:
            return lifecycle.equipment_flags(asset, today_at_site(asset.site_id))
        return ma.missing


class AssetUpdateSchema(_KindFieldsSchema):
    """Fields of an asset that may change (all optional); its kind and site never change."""

    kind = ma.fields.Enum(
        AssetKind,
        by_value=True,
        metadata={"description": "Optional; must be the asset's current kind"},
    )
    location_id = ma.fields.UUID()
    code = ma.fields.String(validate=_CODE_VALIDATORS)
    name_zh = ma.fields.String(validate=validate.Length(min=1, max=200))
    name_en = ma.fields.String(validate=validate.Length(max=200))
    status = ma.fields.Enum(AssetStatus, by_value=True)
    notes = ma.fields.String(validate=validate.Length(max=5000))


class AssetQueryArgsSchema(ma.Schema):
    """Filter assets by site, kind, location or status, or search their codes."""

    site_id = ma.fields.UUID()
    kind = ma.fields.Enum(AssetKind, by_value=True)
    location_id = ma.fields.UUID()
    status = ma.fields.Enum(AssetStatus, by_value=True)
    q = ma.fields.String(
        validate=validate.Length(min=1, max=32),
        metadata={"description": "Part of an asset code, any case"},
    )
