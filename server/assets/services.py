"""QR-tagged assets: register, find by QR label, edit, and re-issue labels."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from server.assets.models import (
    Asset,
    AssetKind,
    AssetStatus,
    BaitStation,
    Equipment,
    FireExtinguisher,
    new_qr_token,
)
from server.auth.access import (
    Permission,
    Principal,
    get_visible,
    require_permission,
    visible_select,
)
from server.auth.services import load_principal
from server.db_types import utc_now
from server.errors import ApiError, field_error
from server.extensions import db
from server.records import apply_changes, require_same_site, require_unique_code
from server.sites.models import Location, Site

QR_LABEL_PREFIX = "roundbook:asset:"

ASSET_CLASSES: Mapping[AssetKind, type[Asset]] = {
    AssetKind.FIRE_EXTINGUISHER: FireExtinguisher,
    AssetKind.BAIT_STATION: BaitStation,
    AssetKind.EQUIPMENT: Equipment,
}


def _own_columns(cls: type[Asset]) -> frozenset[str]:
    return frozenset(cls.__mapper__.columns.keys()) - frozenset(Asset.__mapper__.columns.keys())


# The attributes only one kind has (its subclass columns), e.g. agent for extinguishers.
KIND_FIELDS: Mapping[AssetKind, frozenset[str]] = {
    kind: _own_columns(cls) for kind, cls in ASSET_CLASSES.items()
}
# Without these an asset is useless: no service dates, no ledger number, no checklist.
KIND_REQUIRED_FIELDS: Mapping[AssetKind, frozenset[str]] = {
    AssetKind.FIRE_EXTINGUISHER: frozenset({"agent", "manufactured_on"}),
    AssetKind.BAIT_STATION: frozenset({"station_number"}),
    AssetKind.EQUIPMENT: frozenset({"category"}),
}
# What a user who may capture but not administer may change (an inspector, a crew member).
CAPTURE_EDITABLE_FIELDS = frozenset({"notes", "status"})


@dataclass(frozen=True)
class AssetPage:
    """One page of a filtered asset list and how many assets match in all."""

    items: list[Asset]
    total: int


def kind_field_errors(
    kind: AssetKind | str, fields: Mapping[str, Any], *, is_new: bool
) -> dict[str, list[str]]:
    """Errors per field: fields of another kind, and (for a new asset) missing required ones."""
    kind = AssetKind(kind)
    other_kinds_fields = frozenset().union(*KIND_FIELDS.values()) - KIND_FIELDS[kind]
    errors = {
        name: [f"A {kind.value} asset has no {name}."]
        for name in sorted(other_kinds_fields & fields.keys())
    }
    for name in sorted(KIND_REQUIRED_FIELDS[kind]):
        if (is_new and name not in fields) or (name in fields and fields[name] is None):
            errors[name] = [f"A {kind.value} asset needs {name}."]
    return errors


def _check_extinguisher_dates(manufactured_on: date | None, last_serviced_on: date | None) -> None:
    if manufactured_on and last_serviced_on and last_serviced_on < manufactured_on:
        raise field_error(
            "validation_failed",
            "last_serviced_on",
            "The last service cannot be before the extinguisher was made.",
        )


def build_asset(site_id: uuid.UUID, kind: AssetKind | str, **fields: Any) -> Asset:
    """A new, unsaved asset of ``kind``: checks its fields but touches no database.

    The seeder and the sync code use it directly; ``create_asset`` adds permission and
    cross-record checks around it. ``fields`` are model attributes (an ``id`` made offline is
    kept); a QR token is issued now so the label can be printed before the first flush.
    Raises a 422 ``validation_failed`` naming the field of another kind or the missing field.
    """
    kind = AssetKind(kind)
    errors = kind_field_errors(kind, fields, is_new=True)
    if errors:
        raise ApiError("validation_failed", "Some fields do not fit this kind.", fields=errors)
    if kind == AssetKind.FIRE_EXTINGUISHER:
        _check_extinguisher_dates(fields.get("manufactured_on"), fields.get("last_serviced_on"))
    defaults = {
        "id": uuid.uuid4(),
        "qr_token": new_qr_token(),
        "status": AssetStatus.IN_SERVICE,
        "name_en": "",
        "notes": "",
        "version": 1,
    }
    return ASSET_CLASSES[kind](site_id=site_id, **{**defaults, **fields})


def qr_label_payload(asset: Asset) -> str:
    """The text a printed QR label encodes: ``roundbook:asset:<qr_token>``.

    Format, for the PWA's scanner: the fixed prefix ``roundbook:asset:`` then the asset's
    token (22 characters of base64url: ``A-Z a-z 0-9 - _``). Anything else scanned is not a
    Roundbook label. The token, not the asset id, is printed so that a lost or copied label
    can be cancelled by issuing a new token; it says nothing about the site or the asset.
    """
    return f"{QR_LABEL_PREFIX}{asset.qr_token}"


def qr_token_from_label(scanned: str) -> str:
    """The token of a scanned label; a bare token is returned as is."""
    return scanned.strip().removeprefix(QR_LABEL_PREFIX)


def today_at_site(site_id: uuid.UUID, now: datetime | None = None) -> date:
    """Today's date in the site's time zone (due dates are calendar days at the hospital)."""
    site = db.session.get(Site, site_id)
    zone = zoneinfo.ZoneInfo(site.timezone if site is not None else "Asia/Shanghai")
    return (now or utc_now()).astimezone(zone).date()


def _filtered_assets(
    principal: Principal,
    site_id: uuid.UUID | None,
    kind: AssetKind | None,
    location_id: uuid.UUID | None,
    status: AssetStatus | None,
    q: str | None,
) -> Select[tuple[Asset]]:
    statement = visible_select(Asset, principal)
    if site_id is not None:
        statement = statement.where(Asset.site_id == site_id)
    if kind is not None:
        statement = statement.where(Asset.kind == kind)
    if location_id is not None:
        statement = statement.where(Asset.location_id == location_id)
    if status is not None:
        statement = statement.where(Asset.status == status)
    if q:
        statement = statement.where(Asset.code.icontains(q.strip(), autoescape=True))
    return statement


def list_assets(
    principal: Principal,
    *,
    site_id: uuid.UUID | None = None,
    kind: AssetKind | None = None,
    location_id: uuid.UUID | None = None,
    status: AssetStatus | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> AssetPage:
    """One page of the assets of the user's sites, by code; ``q`` searches codes."""
    statement = _filtered_assets(principal, site_id, kind, location_id, status, q)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page_statement = statement.order_by(Asset.code, Asset.id)
    page_statement = page_statement.offset((page - 1) * page_size).limit(page_size)
    return AssetPage(items=list(db.session.scalars(page_statement)), total=total)


def get_asset(principal: Principal, asset_id: uuid.UUID) -> Asset:
    """One asset of the user's sites."""
    return get_visible(Asset, asset_id, principal)


def find_asset_by_qr_token(principal: Principal, token: str) -> Asset:
    """The asset whose label was scanned; a bare token or the full label text is accepted.

    An unknown token and another site's token get the same 404, so a label does not reveal
    that the asset exists elsewhere.
    """
    statement = visible_select(Asset, principal).where(Asset.qr_token == qr_token_from_label(token))
    asset = db.session.scalar(statement)
    if asset is None:
        raise ApiError("not_found", "No asset has this QR code on your sites.")
    return asset


@dataclass(frozen=True)
class TakenLabel:
    """An asset that already holds a label a new asset asks for."""

    field: str  # "qr_token", "code" or "station_number"
    asset_id: uuid.UUID
    site_id: uuid.UUID


def find_taken_label(
    site_id: uuid.UUID,
    *,
    code: str,
    qr_token: str | None = None,
    station_number: int | None = None,
) -> TakenLabel | None:
    """The asset already holding this QR token (on any site: tokens are unique everywhere),
    code (on the site, in any case) or bait-station number (on the site), if there is one.

    The scanned token is named first: it is what the phone registering an asset read.
    """
    assets = Asset.__table__.c
    conditions = [and_(assets.site_id == site_id, func.lower(assets.code) == code.lower())]
    if qr_token is not None:
        conditions.append(assets.qr_token == qr_token)
    if station_number is not None:
        conditions.append(and_(assets.site_id == site_id, assets.station_number == station_number))
    rows = db.session.execute(
        select(assets.id, assets.site_id, assets.qr_token, assets.code, assets.station_number)
        .where(or_(*conditions))
        .order_by(assets.id)
    ).all()
    checks: dict[str, Callable[[Any], bool]] = {
        "qr_token": lambda row: qr_token is not None and row.qr_token == qr_token,
        "code": lambda row: row.site_id == site_id and row.code.lower() == code.lower(),
        "station_number": lambda row: (
            row.site_id == site_id
            and station_number is not None
            and row.station_number == station_number
        ),
    }
    for field, matches in checks.items():
        holder = next((row for row in rows if matches(row)), None)
        if holder is not None:
            return TakenLabel(field, holder.id, holder.site_id)
    return None


def _require_unique_station_number(
    site_id: uuid.UUID, station_number: int | None, exclude_id: uuid.UUID | None = None
) -> None:
    # Numbers are the bait-station ledger's key (灭鼠台帐): two stations 12 would merge records.
    if station_number is None:
        return
    statement = select(BaitStation.id).where(
        BaitStation.site_id == site_id, BaitStation.station_number == station_number
    )
    if exclude_id is not None:
        statement = statement.where(BaitStation.id != exclude_id)
    if db.session.scalar(statement) is not None:
        raise field_error(
            "already_exists",
            "station_number",
            f"Bait station number {station_number} is already used on this site.",
        )


def _require_site_member(user_id: uuid.UUID | None, site_id: uuid.UUID) -> None:
    # 专人负责: the person answering for the equipment must work on its site.
    if user_id is None:
        return
    member = load_principal(user_id)
    if member is None or site_id not in member.roles:
        raise field_error(
            "validation_failed", "responsible_user_id", "This user is not a member of this site."
        )


def _check_references(
    site_id: uuid.UUID, fields: Mapping[str, Any], exclude_id: uuid.UUID | None = None
) -> None:
    """Cross-record rules shared by create and update, for the fields being set."""
    require_same_site(Location, fields.get("location_id"), site_id, "location_id")
    if "code" in fields:
        require_unique_code(Asset, site_id, fields["code"], exclude_id)
    _require_unique_station_number(site_id, fields.get("station_number"), exclude_id)
    _require_site_member(fields.get("responsible_user_id"), site_id)


def _commit() -> None:
    """Commit; a writer that lost a race (same code saved just now) gets 409, not a 500."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ApiError(
            "conflict", "Another change was saved at the same time; reload and try again."
        ) from error


def create_asset(principal: Principal, data: dict[str, Any]) -> Asset:
    """Register an asset (site admins, or crews registering one on the spot)."""
    fields = dict(data)
    site_id = fields.pop("site_id")
    kind = fields.pop("kind")
    # Site admins hold REGISTER_ASSET too; inspectors and reviewers do not.
    require_permission(principal, site_id, Permission.REGISTER_ASSET)
    asset = build_asset(site_id, kind, **fields)
    _check_references(site_id, fields)
    db.session.add(asset)
    _commit()
    return asset


def _effective_changes(asset: Asset, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changes that really change something (offline clients resend whole records)."""
    if "kind" in changes and AssetKind(changes["kind"]) != asset.kind:
        raise field_error(
            "validation_failed",
            "kind",
            "An asset's kind cannot change; register a new asset instead.",
        )
    errors = kind_field_errors(asset.kind, changes, is_new=False)
    if errors:
        raise ApiError("validation_failed", "Some fields do not fit this kind.", fields=errors)
    return {
        name: value
        for name, value in changes.items()
        if name != "kind" and getattr(asset, name) != value
    }


def update_asset(principal: Principal, asset: Asset, changes: Mapping[str, Any]) -> Asset:
    """Edit an asset: notes and status (anyone who captures), the rest (site admins)."""
    changes = _effective_changes(asset, changes)
    if set(changes) - CAPTURE_EDITABLE_FIELDS:
        require_permission(principal, asset.site_id, Permission.ADMINISTER)
    else:
        require_permission(principal, asset.site_id, Permission.CAPTURE)
    if isinstance(asset, FireExtinguisher):
        _check_extinguisher_dates(
            changes.get("manufactured_on", asset.manufactured_on),
            changes.get("last_serviced_on", asset.last_serviced_on),
        )
    _check_references(asset.site_id, changes, asset.id)
    if apply_changes(asset, changes):
        from server.sync_api.back_office import mirror_back_office_edit

        mirror_back_office_edit(principal, "asset", asset, changes)
    _commit()
    return asset


def regenerate_qr_token(principal: Principal, asset_id: uuid.UUID) -> Asset:
    """Issue a new QR token (site admins); the old label stops working at once."""
    asset = get_visible(Asset, asset_id, principal, Permission.ADMINISTER)
    apply_changes(asset, {"qr_token": new_qr_token()})
    _commit()
    return asset
