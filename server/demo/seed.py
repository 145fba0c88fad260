"""Puts the demo hospital (server/demo/hospital.py) into an empty database."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import click
from sqlalchemy import func, select

from server.assets.models import (
    AssetKind,
    BaitStation,
    Equipment,
    ExtinguisherAgent,
    FireExtinguisher,
)
from server.auth.models import Role, User
from server.auth.services import create_user, grant_membership
from server.checklists.models import ChecklistTemplate, TargetKind
from server.checklists.services import install_builtin_templates
from server.demo.hospital import DEMO_PASSWORD, DemoHospital, demo_hospital
from server.extensions import db
from server.inspections.models import Schedule, ScheduleTarget
from server.inspections.schedules import default_target_frequency
from server.sites.models import Building, Department, Floor, Location, LocationKind, Site


def seed_demo_if_empty(today: date | None = None) -> bool:
    """Seed the demo hospital unless the database already has a site."""
    if db.session.scalar(select(func.count()).select_from(Site)):
        return False
    seed_demo(demo_hospital(today or date.today()))
    return True


def seed_demo(hospital: DemoHospital) -> Site:
    """Create the demo site, its places, people, templates, assets and schedules."""
    # Flushed level by level: the unit of work orders inserts by relationships, and most of
    # these rows are linked by plain foreign keys.
    site = Site(id=uuid.uuid4(), **_fields(hospital.site))
    db.session.add(site)
    db.session.flush()
    departments = _add_departments(site, hospital)
    locations = _add_buildings_and_locations(site, hospital, departments)
    users = _add_users(site, hospital, departments)
    db.session.flush()
    install_builtin_templates(site.id)
    assets = _add_assets(site, hospital, locations, users)
    db.session.flush()
    _add_schedules(site, hospital, locations, assets, users)
    db.session.commit()
    return site


def _fields(record: Any, *exclude: str) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in exclude}


def _add_departments(site: Site, hospital: DemoHospital) -> dict[str, Department]:
    departments = {
        d.code: Department(id=uuid.uuid4(), site_id=site.id, **_fields(d))
        for d in hospital.departments
    }
    db.session.add_all(departments.values())
    return departments


def _add_buildings_and_locations(
    site: Site, hospital: DemoHospital, departments: dict[str, Department]
) -> dict[str, Location]:
    floors: dict[tuple[str, int], Floor] = {}
    for demo_building in hospital.buildings:
        building = Building(id=uuid.uuid4(), site_id=site.id, **_fields(demo_building, "floors"))
        for demo_floor in demo_building.floors:
            floor = Floor(id=uuid.uuid4(), site_id=site.id, **_fields(demo_floor))
            building.floors.append(floor)
            floors[(building.code, floor.level)] = floor
        db.session.add(building)
    db.session.flush()
    locations: dict[str, Location] = {}
    for demo_location in hospital.locations:
        location = Location(
            id=uuid.uuid4(),
            site_id=site.id,
            floor=floors[(demo_location.building_code, demo_location.floor_level)],
            department_id=departments[demo_location.department_code].id,
            code=demo_location.code,
            name_zh=demo_location.name_zh,
            name_en=demo_location.name_en,
            kind=LocationKind(demo_location.kind),
        )
        locations[location.code] = location
    db.session.add_all(locations.values())
    return locations


def _add_users(
    site: Site, hospital: DemoHospital, departments: dict[str, Department]
) -> dict[str, User]:
    users: dict[str, User] = {}
    for demo_user in hospital.users:
        user = create_user(
            None,
            username=demo_user.username,
            password=DEMO_PASSWORD,
            display_name=demo_user.display_name_zh,
            is_super_admin=demo_user.is_super_admin,
        )
        if not demo_user.is_super_admin:
            department_id = departments[demo_user.department_code].id
            grant_membership(None, user, site.id, Role(demo_user.role), department_id)
        users[user.username] = user
    return users


def _add_assets(
    site: Site, hospital: DemoHospital, locations: dict[str, Location], users: dict[str, User]
) -> dict[str, Any]:
    assets: dict[str, Any] = {}
    for ext in hospital.extinguishers:
        assets[ext.code] = FireExtinguisher(
            id=uuid.uuid4(),
            site_id=site.id,
            location=locations[ext.location_code],
            **_fields(ext, "location_code", "agent"),
            agent=ExtinguisherAgent(ext.agent),
        )
    for station in hospital.bait_stations:
        assets[station.code] = BaitStation(
            id=uuid.uuid4(),
            site_id=site.id,
            location=locations[station.location_code],
            station_number=station.number,
            **_fields(station, "location_code", "number"),
        )
    for equipment in hospital.equipment:
        assets[equipment.code] = Equipment(
            id=uuid.uuid4(),
            site_id=site.id,
            location=locations[equipment.location_code],
            responsible_user_id=users[equipment.responsible_username].id,
            **_fields(equipment, "location_code", "responsible_username"),
        )
    db.session.add_all(assets.values())
    return assets


def _add_schedules(
    site: Site,
    hospital: DemoHospital,
    locations: dict[str, Location],
    assets: dict[str, Any],
    users: dict[str, User],
) -> None:
    templates = db.session.scalars(
        select(ChecklistTemplate).where(ChecklistTemplate.site_id == site.id)
    )
    for template in templates:
        targets = _targets_for(template, locations, assets)
        if not targets:
            continue
        assignee = users["inspector" if template.target_kind is TargetKind.LOCATION else "crew"]
        schedule = Schedule(
            id=uuid.uuid4(),
            site_id=site.id,
            template_id=template.id,
            name_zh=template.name_zh,
            name_en=template.name_en,
            frequency=template.default_frequency,
            interval_days=template.interval_days,
            starts_on=hospital.reference_date.replace(day=1),
            assignee_id=assignee.id,
        )
        for target in targets:
            location = target if isinstance(target, Location) else target.location
            schedule.targets.append(
                ScheduleTarget(
                    id=uuid.uuid4(),
                    site_id=site.id,
                    location_id=target.id if isinstance(target, Location) else None,
                    asset_id=None if isinstance(target, Location) else target.id,
                    frequency=default_target_frequency(template, location, schedule.frequency),
                )
            )
        db.session.add(schedule)


def _targets_for(
    template: ChecklistTemplate, locations: dict[str, Location], assets: dict[str, Any]
) -> list[Any]:
    if template.target_kind is TargetKind.LOCATION:
        # The ward round walks the wards; the fire patrol walks every place.
        if template.key == "ward_round":
            return [loc for loc in locations.values() if loc.kind is LocationKind.WARD]
        return list(locations.values())
    kind = AssetKind(template.target_kind.value)
    return [
        asset
        for asset in assets.values()
        if asset.kind is kind
        and (kind is not AssetKind.EQUIPMENT or asset.category == template.equipment_category)
    ]


def print_demo_logins(url: str = "http://127.0.0.1:5000") -> None:
    """Tell a newcomer where the demo is and how to sign in."""
    hospital = demo_hospital(date.today())
    click.echo("")
    click.echo(f"Roundbook is starting on {url}")
    click.echo(f"  API docs: {url}/api/docs   health: {url}/api/health")
    click.echo(f"  demo logins (password '{DEMO_PASSWORD}'):")
    for user in hospital.users:
        click.echo(f"    {user.username:<10} {user.role:<12} {user.display_name_zh}")
    click.echo("")
