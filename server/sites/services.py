"""Sites and their buildings, floors, departments and locations."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from server.auth.access import (
    Permission,
    Principal,
    get_visible,
    require_permission,
    visible_select,
)
from server.errors import ApiError, field_error
from server.extensions import db
from server.records import apply_changes, require_same_site, require_unique_code
from server.sites.models import Building, Department, Floor, Location, LocationKind, Site


def list_sites(principal: Principal) -> list[Site]:
    """The sites the user belongs to (every site for a super admin)."""
    return list(db.session.scalars(visible_select(Site, principal).order_by(Site.code)))


def get_site(principal: Principal, site_id: uuid.UUID) -> Site:
    """One site the user belongs to."""
    return get_visible(Site, site_id, principal)


def create_site(principal: Principal, data: dict[str, Any]) -> Site:
    """Create a hospital or campus (super admins only)."""
    if not principal.is_super_admin:
        raise ApiError("forbidden", "Only a super admin can create sites.")
    if db.session.scalar(select(Site.id).where(Site.code == data["code"])):
        raise field_error("already_exists", "code", f"Site code {data['code']!r} is taken.")
    site = Site(id=uuid.uuid4(), **data)
    db.session.add(site)
    db.session.commit()
    return site


def update_site(principal: Principal, site_id: uuid.UUID, changes: dict[str, Any]) -> Site:
    """Rename a site or change its time zone (site admins)."""
    site = get_visible(Site, site_id, principal, Permission.ADMINISTER)
    apply_changes(site, changes)
    db.session.commit()
    return site


def _list_in_sites(
    model: Any, principal: Principal, site_id: uuid.UUID | None, *order_by: Any
) -> Any:
    statement = visible_select(model, principal)
    if site_id is not None:
        statement = statement.where(model.site_id == site_id)
    return statement.order_by(*order_by)


def list_departments(principal: Principal, site_id: uuid.UUID | None = None) -> list[Department]:
    """Departments of the user's sites."""
    statement = _list_in_sites(Department, principal, site_id, Department.code)
    return list(db.session.scalars(statement))


def create_department(principal: Principal, data: dict[str, Any]) -> Department:
    """Add a department or contractor to a site (site admins)."""
    require_permission(principal, data["site_id"], Permission.ADMINISTER)
    require_unique_code(Department, data["site_id"], data["code"])
    department = Department(id=uuid.uuid4(), **data)
    db.session.add(department)
    db.session.commit()
    return department


def update_department(
    principal: Principal, department_id: uuid.UUID, changes: dict[str, Any]
) -> Department:
    """Rename a department (site admins)."""
    department = get_visible(Department, department_id, principal, Permission.ADMINISTER)
    if "code" in changes:
        require_unique_code(Department, department.site_id, changes["code"], department.id)
    apply_changes(department, changes)
    db.session.commit()
    return department


def list_buildings(principal: Principal, site_id: uuid.UUID | None = None) -> list[Building]:
    """Buildings of the user's sites, with their floors."""
    statement = _list_in_sites(Building, principal, site_id, Building.code)
    return list(db.session.scalars(statement))


def create_building(principal: Principal, data: dict[str, Any]) -> Building:
    """Add a building, optionally with its floors (site admins)."""
    require_permission(principal, data["site_id"], Permission.ADMINISTER)
    require_unique_code(Building, data["site_id"], data["code"])
    floors = data.pop("floors", [])
    building = Building(id=uuid.uuid4(), **data)
    levels = [floor["level"] for floor in floors]
    if len(levels) != len(set(levels)):
        raise field_error("validation_failed", "floors", "Two floors have the same level.")
    building.floors = [
        Floor(id=uuid.uuid4(), site_id=building.site_id, **floor) for floor in floors
    ]
    db.session.add(building)
    db.session.commit()
    return building


def add_floor(principal: Principal, building_id: uuid.UUID, data: dict[str, Any]) -> Floor:
    """Add a floor to a building (site admins)."""
    building = get_visible(Building, building_id, principal, Permission.ADMINISTER)
    if any(floor.level == data["level"] for floor in building.floors):
        raise field_error("already_exists", "level", "This building already has that level.")
    floor = Floor(id=uuid.uuid4(), site_id=building.site_id, building_id=building.id, **data)
    db.session.add(floor)
    db.session.commit()
    return floor


def list_locations(
    principal: Principal,
    site_id: uuid.UUID | None = None,
    kind: LocationKind | None = None,
    department_id: uuid.UUID | None = None,
) -> list[Location]:
    """Locations of the user's sites, optionally of one kind or department."""
    statement = _list_in_sites(Location, principal, site_id, Location.code)
    if kind is not None:
        statement = statement.where(Location.kind == kind)
    if department_id is not None:
        statement = statement.where(Location.department_id == department_id)
    return list(db.session.scalars(statement))


def get_location(principal: Principal, location_id: uuid.UUID) -> Location:
    """One location of the user's sites."""
    return get_visible(Location, location_id, principal)


def create_location(principal: Principal, data: dict[str, Any]) -> Location:
    """Add a ward, room or plant room on a floor, owned by a department (site admins)."""
    site_id = data["site_id"]
    require_permission(principal, site_id, Permission.ADMINISTER)
    require_unique_code(Location, site_id, data["code"])
    require_same_site(Floor, data["floor_id"], site_id, "floor_id")
    require_same_site(Department, data["department_id"], site_id, "department_id")
    location = Location(id=uuid.uuid4(), **data)
    db.session.add(location)
    db.session.commit()
    return location


def update_location(principal: Principal, location: Location, changes: dict[str, Any]) -> Location:
    """Edit a location; inspectors may edit only its notes, site admins everything."""
    if set(changes) - {"notes"}:
        require_permission(principal, location.site_id, Permission.ADMINISTER)
    else:
        require_permission(principal, location.site_id, Permission.CAPTURE)
    if "code" in changes:
        require_unique_code(Location, location.site_id, changes["code"], location.id)
    require_same_site(Floor, changes.get("floor_id"), location.site_id, "floor_id")
    require_same_site(Department, changes.get("department_id"), location.site_id, "department_id")
    changed = [name for name, value in changes.items() if getattr(location, name) != value]
    if apply_changes(location, changes):
        from server.sync_api.back_office import mirror_back_office_edit

        mirror_back_office_edit(principal, "location", location, changed)
    db.session.commit()
    return location
