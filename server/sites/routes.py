"""HTTP routes for sites, departments, buildings, floors and locations."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from server.api import Blueprint
from server.auth.access import get_visible
from server.auth.guard import current_principal
from server.preconditions import require_current_version
from server.sites import services
from server.sites.models import Building, Department, Location, Site
from server.sites.schemas import (
    BuildingSchema,
    DepartmentSchema,
    DepartmentUpdateSchema,
    FloorSchema,
    LocationQueryArgsSchema,
    LocationSchema,
    LocationUpdateSchema,
    SiteSchema,
    SiteScopedQueryArgsSchema,
    SiteUpdateSchema,
)

blp = Blueprint(
    "sites", __name__, url_prefix="/api", description="Sites, buildings, departments, locations"
)


@blp.route("/sites")
class Sites(MethodView):
    """Hospitals and campuses."""

    @blp.response(200, SiteSchema(many=True))
    def get(self) -> list[Site]:
        """List the sites you belong to."""
        return services.list_sites(current_principal())

    @blp.arguments(SiteSchema)
    @blp.response(201, SiteSchema)
    def post(self, data: dict[str, Any]) -> Site:
        """Create a site (super admins)."""
        return services.create_site(current_principal(), data)


@blp.route("/sites/<uuid:site_id>")
class SiteById(MethodView):
    """One site."""

    @blp.response(200, SiteSchema)
    def get(self, site_id: uuid.UUID) -> Site:
        """Get a site you belong to."""
        return services.get_site(current_principal(), site_id)

    @blp.arguments(SiteUpdateSchema)
    @blp.response(200, SiteSchema)
    def patch(self, changes: dict[str, Any], site_id: uuid.UUID) -> Site:
        """Rename a site or change its time zone (site admins)."""
        return services.update_site(current_principal(), site_id, changes)


@blp.route("/departments")
class Departments(MethodView):
    """Departments (科室) and contractors."""

    @blp.arguments(SiteScopedQueryArgsSchema, location="query")
    @blp.response(200, DepartmentSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Department]:
        """List departments of your sites."""
        return services.list_departments(current_principal(), args.get("site_id"))

    @blp.arguments(DepartmentSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data: dict[str, Any]) -> Department:
        """Add a department or contractor (site admins)."""
        return services.create_department(current_principal(), data)


@blp.route("/departments/<uuid:department_id>")
class DepartmentById(MethodView):
    """One department."""

    @blp.response(200, DepartmentSchema)
    def get(self, department_id: uuid.UUID) -> Department:
        """Get a department."""
        return get_visible(Department, department_id, current_principal())

    @blp.arguments(DepartmentUpdateSchema)
    @blp.response(200, DepartmentSchema)
    def patch(self, changes: dict[str, Any], department_id: uuid.UUID) -> Department:
        """Rename a department (site admins)."""
        return services.update_department(current_principal(), department_id, changes)


@blp.route("/buildings")
class Buildings(MethodView):
    """Buildings and their floors."""

    @blp.arguments(SiteScopedQueryArgsSchema, location="query")
    @blp.response(200, BuildingSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Building]:
        """List buildings of your sites with their floors."""
        return services.list_buildings(current_principal(), args.get("site_id"))

    @blp.arguments(BuildingSchema)
    @blp.response(201, BuildingSchema)
    def post(self, data: dict[str, Any]) -> Building:
        """Add a building with its floors (site admins)."""
        return services.create_building(current_principal(), data)


@blp.route("/buildings/<uuid:building_id>")
class BuildingById(MethodView):
    """One building."""

    @blp.response(200, BuildingSchema)
    def get(self, building_id: uuid.UUID) -> Building:
        """Get a building with its floors."""
        return get_visible(Building, building_id, current_principal())


@blp.route("/buildings/<uuid:building_id>/floors")
class BuildingFloors(MethodView):
    """Floors of a building."""

    @blp.arguments(FloorSchema)
    @blp.response(201, FloorSchema)
    def post(self, data: dict[str, Any], building_id: uuid.UUID) -> Any:
        """Add a floor (site admins)."""
        return services.add_floor(current_principal(), building_id, data)


@blp.route("/locations")
class Locations(MethodView):
    """Wards, rooms, corridors, plant rooms and outdoor areas."""

    @blp.arguments(LocationQueryArgsSchema, location="query")
    @blp.response(200, LocationSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Location]:
        """List locations of your sites, optionally by kind or department."""
        return services.list_locations(current_principal(), **args)

    @blp.arguments(LocationSchema)
    @blp.response(201, LocationSchema)
    def post(self, data: dict[str, Any]) -> Location:
        """Add a location (site admins)."""
        return services.create_location(current_principal(), data)


@blp.route("/locations/<uuid:location_id>")
class LocationById(MethodView):
    """One location."""

    @blp.response(200, LocationSchema)
    def get(self, location_id: uuid.UUID) -> Any:
        """Get a location; its ETag is its version."""
        location = services.get_location(current_principal(), location_id)
        return location, 200, {"ETag": f'"{location.version}"'}

    @blp.arguments(LocationUpdateSchema)
    @blp.response(200, LocationSchema)
    @blp.alt_response(412, description="If-Match names an old version; body has the current one")
    def patch(self, changes: dict[str, Any], location_id: uuid.UUID) -> Any:
        """Edit a location (notes: inspectors; the rest: site admins). Send If-Match."""
        principal = current_principal()
        location = services.get_location(principal, location_id)
        require_current_version(location, LocationSchema().dump(location))
        location = services.update_location(principal, location, changes)
        return location, 200, {"ETag": f'"{location.version}"'}
