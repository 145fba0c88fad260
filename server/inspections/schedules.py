"""Schedules: which locations or assets are checked with which template, how often, by whom."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.assets.models import Asset, AssetStatus
from server.auth.access import (
    Permission,
    Principal,
    get_visible,
    visible_select,
)
from server.auth.models import SiteMembership
from server.checklists.models import ChecklistTemplate, Frequency, TargetKind
from server.errors import field_error
from server.extensions import db
from server.inspections.models import Schedule, ScheduleTarget
from server.records import apply_changes, require_same_site
from server.sites.models import Location, LocationKind, Site

# GB 50444-2008 §5.1 (and appendix C): extinguishers are checked monthly, but every half month
# in boiler rooms, basements and crowded public places, where fires start or spread more easily.
HALF_MONTHLY_LOCATION_KINDS = frozenset({LocationKind.BOILER_ROOM, LocationKind.PUBLIC_AREA})
# Schedules at least this frequent already meet the half-monthly rule.
AT_LEAST_HALF_MONTHLY = frozenset(
    {Frequency.WORKING_DAYS, Frequency.WEEKLY, Frequency.HALF_MONTHLY}
)
HALF_MONTH_DAYS = 15

SCHEDULE_FIELDS = ("name_zh", "name_en", "assignee_id", "is_active", "ends_on")


def default_target_frequency(
    template: ChecklistTemplate,
    location: Location,
    schedule_frequency: Frequency,
    *,
    interval_days: int | None = None,
) -> Frequency | None:
    """The frequency a target must have instead of its schedule's, or None to use the schedule's.

    GB 50444 §5.1 / appendix C: fire extinguishers in boiler rooms, basements (floor level < 0)
    and crowded public areas are checked every half month, elsewhere monthly. ``location`` is
    the target itself or, for an asset, where the asset stands.
    """
    if template.target_kind is not TargetKind.FIRE_EXTINGUISHER:
        return None
    if not (location.kind in HALF_MONTHLY_LOCATION_KINDS or location.floor.level < 0):
        return None
    if schedule_frequency in AT_LEAST_HALF_MONTHLY:
        return None
    if schedule_frequency is Frequency.EVERY_N_DAYS and (interval_days or 0) <= HALF_MONTH_DAYS:
        return None
    return Frequency.HALF_MONTHLY


def site_today(site: Site, now: datetime | None = None) -> date:
    """Today's date on the site's wall clock."""
    moment = now or datetime.now(ZoneInfo(site.timezone))
    return moment.astimezone(ZoneInfo(site.timezone)).date()


def _schedules_select(principal: Principal) -> Any:
    return visible_select(Schedule, principal).options(selectinload(Schedule.targets))


def list_schedules(
    principal: Principal, site_id: uuid.UUID | None = None, is_active: bool | None = None
) -> list[Schedule]:
    """Schedules of the user's sites, optionally of one site, active or not."""
    statement = _schedules_select(principal)
    if site_id is not None:
        statement = statement.where(Schedule.site_id == site_id)
    if is_active is not None:
        statement = statement.where(Schedule.is_active == is_active)
    return list(db.session.scalars(statement.order_by(Schedule.name_zh, Schedule.id)))


def get_schedule(principal: Principal, schedule_id: uuid.UUID) -> Schedule:
    """One schedule of the user's sites, with its targets."""
    return get_visible(Schedule, schedule_id, principal)


def create_schedule(principal: Principal, data: dict[str, Any]) -> Schedule:
    """Schedule a template for some locations or assets of one site (site admins).

    Frequency and interval default to the template's; each target gets its own frequency when a
    rule (GB 50444 half-monthly places) asks for a stricter one than the schedule's.
    """
    site_id = data["site_id"]
    site = get_visible(Site, site_id, principal, Permission.ADMINISTER)
    template = require_same_site(ChecklistTemplate, data["template_id"], site_id, "template_id")
    assert template is not None
    frequency = data.get("frequency") or template.default_frequency
    interval_days = data.get("interval_days") or template.interval_days
    starts_on = data.get("starts_on") or site_today(site)
    _require_interval(frequency, interval_days)
    _require_dates(starts_on, data.get("ends_on"))
    _require_member(data.get("assignee_id"), site_id)
    schedule = Schedule(
        id=uuid.uuid4(),
        site_id=site_id,
        template_id=template.id,
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        frequency=frequency,
        interval_days=interval_days if frequency is Frequency.EVERY_N_DAYS else None,
        starts_on=starts_on,
        ends_on=data.get("ends_on"),
        assignee_id=data.get("assignee_id"),
        is_active=data.get("is_active", True),
    )
    _add_targets(schedule, template, data.get("location_ids", []), data.get("asset_ids", []), set())
    db.session.add(schedule)
    db.session.commit()
    return schedule


def update_schedule(
    principal: Principal, schedule_id: uuid.UUID, changes: dict[str, Any]
) -> Schedule:
    """Rename, reassign, change the frequency or end, pause, or add and remove targets."""
    schedule = get_visible(Schedule, schedule_id, principal, Permission.ADMINISTER)
    template = db.session.get(ChecklistTemplate, schedule.template_id)
    assert template is not None
    if "assignee_id" in changes:
        _require_member(changes["assignee_id"], schedule.site_id)
    _require_dates(schedule.starts_on, changes.get("ends_on", schedule.ends_on))
    apply_changes(schedule, {k: v for k, v in changes.items() if k in SCHEDULE_FIELDS})
    if "frequency" in changes or "interval_days" in changes:
        _change_frequency(schedule, template, changes)
    _remove_targets(schedule, changes.get("remove_target_ids", []))
    existing = {t.location_id for t in schedule.targets} | {t.asset_id for t in schedule.targets}
    _add_targets(
        schedule,
        template,
        changes.get("add_location_ids", []),
        changes.get("add_asset_ids", []),
        existing,
        field_prefix="add_",
    )
    db.session.commit()
    return schedule


def deactivate_schedule(principal: Principal, schedule_id: uuid.UUID) -> Schedule:
    """Stop a schedule making checks fall due; its history stays (site admins)."""
    return update_schedule(principal, schedule_id, {"is_active": False})


def _require_interval(frequency: Frequency, interval_days: int | None) -> None:
    if frequency is Frequency.EVERY_N_DAYS and not interval_days:
        raise field_error(
            "validation_failed", "interval_days", "Give the number of days between checks."
        )


def _require_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise field_error("validation_failed", "ends_on", "The end is before the start.")


def _require_member(user_id: uuid.UUID | None, site_id: uuid.UUID) -> None:
    if user_id is None:
        return
    membership = db.session.scalar(
        select(SiteMembership.id).where(
            SiteMembership.user_id == user_id, SiteMembership.site_id == site_id
        )
    )
    if membership is None:
        raise field_error("validation_failed", "assignee_id", "Not a member of this site.")


def _change_frequency(
    schedule: Schedule, template: ChecklistTemplate, changes: dict[str, Any]
) -> None:
    frequency = changes.get("frequency") or schedule.frequency
    interval_days = changes.get("interval_days") or schedule.interval_days
    _require_interval(frequency, interval_days)
    schedule.frequency = frequency
    schedule.interval_days = interval_days if frequency is Frequency.EVERY_N_DAYS else None
    # The rule depends on the schedule's frequency, so every target's override is recomputed.
    places = _target_places(schedule.targets)
    for target in schedule.targets:
        target.frequency = default_target_frequency(
            template, places[target.id], frequency, interval_days=schedule.interval_days
        )


def _target_places(targets: Iterable[ScheduleTarget]) -> dict[uuid.UUID, Location]:
    """Where each target is: the location itself, or the asset's location."""
    targets = list(targets)
    location_ids = {t.location_id for t in targets if t.location_id}
    asset_ids = {t.asset_id for t in targets if t.asset_id}
    locations = {
        location.id: location
        for location in db.session.scalars(
            select(Location)
            .where(Location.id.in_(location_ids))
            .options(selectinload(Location.floor))
        )
    }
    assets = {
        asset.id: asset
        for asset in db.session.scalars(
            select(Asset)
            .where(Asset.id.in_(asset_ids))
            .options(selectinload(Asset.location).selectinload(Location.floor))
        )
    }
    places = {t.id: locations[t.location_id] for t in targets if t.location_id}
    places.update({t.id: assets[t.asset_id].location for t in targets if t.asset_id})
    return places


def _remove_targets(schedule: Schedule, target_ids: list[uuid.UUID]) -> None:
    by_id = {target.id: target for target in schedule.targets}
    unknown = [str(target_id) for target_id in target_ids if target_id not in by_id]
    if unknown:
        raise field_error(
            "validation_failed",
            "remove_target_ids",
            f"Not targets of this schedule: {', '.join(unknown)}.",
        )
    for target_id in target_ids:
        schedule.targets.remove(by_id[target_id])


def _add_targets(
    schedule: Schedule,
    template: ChecklistTemplate,
    location_ids: list[uuid.UUID],
    asset_ids: list[uuid.UUID],
    existing: set[uuid.UUID | None],
    field_prefix: str = "",
) -> None:
    """Add new targets; ``field_prefix`` names the input field at fault ("add_" on update)."""
    location_ids = [i for i in dict.fromkeys(location_ids) if i not in existing]
    asset_ids = [i for i in dict.fromkeys(asset_ids) if i not in existing]
    site_id = schedule.site_id
    for location in _load_locations(site_id, template, location_ids, f"{field_prefix}location_ids"):
        schedule.targets.append(_new_target(schedule, template, location, location_id=location.id))
    for asset in _load_assets(site_id, template, asset_ids, f"{field_prefix}asset_ids"):
        schedule.targets.append(_new_target(schedule, template, asset.location, asset_id=asset.id))


def _new_target(
    schedule: Schedule, template: ChecklistTemplate, place: Location, **target: uuid.UUID
) -> ScheduleTarget:
    frequency = default_target_frequency(
        template, place, schedule.frequency, interval_days=schedule.interval_days
    )
    return ScheduleTarget(id=uuid.uuid4(), site_id=schedule.site_id, frequency=frequency, **target)


def _load_locations(
    site_id: uuid.UUID, template: ChecklistTemplate, location_ids: list[uuid.UUID], field: str
) -> list[Location]:
    if not location_ids:
        return []
    if template.target_kind is not TargetKind.LOCATION:
        raise field_error(
            "validation_failed",
            field,
            f"This checklist is filled for {template.target_kind.value} assets, not locations.",
        )
    statement = (
        select(Location)
        .where(Location.site_id == site_id, Location.id.in_(location_ids), Location.is_active)
        .options(selectinload(Location.floor))
    )
    locations = {location.id: location for location in db.session.scalars(statement)}
    _require_all_found(field, location_ids, locations)
    return [locations[location_id] for location_id in location_ids]


def _load_assets(
    site_id: uuid.UUID, template: ChecklistTemplate, asset_ids: list[uuid.UUID], field: str
) -> list[Asset]:
    if not asset_ids:
        return []
    if template.target_kind is TargetKind.LOCATION:
        raise field_error(
            "validation_failed", field, "This checklist is filled for locations, not assets."
        )
    statement = (
        select(Asset)
        .where(
            Asset.site_id == site_id,
            Asset.id.in_(asset_ids),
            Asset.status != AssetStatus.SCRAPPED,
        )
        .options(selectinload(Asset.location).selectinload(Location.floor))
    )
    assets = {asset.id: asset for asset in db.session.scalars(statement)}
    _require_all_found(field, asset_ids, assets)
    for asset in assets.values():
        _require_asset_fits(template, asset, field)
    return [assets[asset_id] for asset_id in asset_ids]


def _require_all_found(field: str, wanted: list[uuid.UUID], found: dict[uuid.UUID, Any]) -> None:
    missing = [str(record_id) for record_id in wanted if record_id not in found]
    if missing:
        raise field_error(
            "validation_failed",
            field,
            f"Not found on this site (or inactive or scrapped): {', '.join(missing)}.",
        )


def _require_asset_fits(template: ChecklistTemplate, asset: Asset, field: str) -> None:
    if asset.kind.value != template.target_kind.value:
        raise field_error(
            "validation_failed",
            field,
            f"Asset {asset.code} is a {asset.kind.value}; this checklist is filled for "
            f"{template.target_kind.value}.",
        )
    # An equipment checklist (elevator, AED, ...) fits only equipment of its category.
    category = getattr(asset, "category", None)
    if template.equipment_category and category != template.equipment_category:
        raise field_error(
            "validation_failed",
            field,
            f"Asset {asset.code} is not {template.equipment_category} equipment.",
        )
