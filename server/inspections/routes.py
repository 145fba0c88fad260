"""HTTP routes of the inspections capability: schedules, the due report, inspections (read)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from server.api import Blueprint
from server.auth.guard import current_principal
from server.inspections import due, schedules, services
from server.inspections.due import DueItem
from server.inspections.models import Inspection, Schedule
from server.inspections.schemas import (
    DueItemSchema,
    DueQueryArgsSchema,
    InspectionQueryArgsSchema,
    InspectionSchema,
    ScheduleQueryArgsSchema,
    ScheduleSchema,
    ScheduleUpdateSchema,
)

blp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api",
    description="Inspections and the schedules that make checks fall due",
)


@blp.route("/schedules")
class Schedules(MethodView):
    """Which locations or assets are checked with which checklist, how often, by whom."""

    @blp.arguments(ScheduleQueryArgsSchema, location="query")
    @blp.response(200, ScheduleSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Schedule]:
        """List schedules of your sites, with their targets."""
        return schedules.list_schedules(current_principal(), **args)

    @blp.arguments(ScheduleSchema)
    @blp.response(201, ScheduleSchema)
    def post(self, data: dict[str, Any]) -> Schedule:
        """Create a schedule (site admins).

        Give `location_ids` for a location checklist (ward round) or `asset_ids` of the
        checklist's kind (extinguishers, bait stations, equipment), all on the schedule's site.
        Frequency defaults to the checklist's. Extinguishers in boiler rooms, basements and
        crowded public areas get a half-monthly target frequency (GB 50444).
        """
        return schedules.create_schedule(current_principal(), data)


@blp.route("/schedules/due")
class DueChecks(MethodView):
    """What is due on a day, what was done and by whom, what is overdue."""

    @blp.arguments(DueQueryArgsSchema, location="query")
    @blp.response(200, DueItemSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[DueItem]:
        """Report every scheduled check of a site whose period contains the day.

        Each item is `done` (green), `due` (amber) or `overdue` (red), overdue first. A check
        counts for the day it was finished on the site's clock, not when it was synced.
        `day` defaults to today at the site.
        """
        return due.due_report(current_principal(), args["site_id"], args.get("day"))


@blp.route("/schedules/<uuid:schedule_id>")
class ScheduleById(MethodView):
    """One schedule."""

    @blp.response(200, ScheduleSchema)
    def get(self, schedule_id: uuid.UUID) -> Schedule:
        """Get a schedule with its targets."""
        return schedules.get_schedule(current_principal(), schedule_id)

    @blp.arguments(ScheduleUpdateSchema)
    @blp.response(200, ScheduleSchema)
    def patch(self, changes: dict[str, Any], schedule_id: uuid.UUID) -> Schedule:
        """Edit a schedule (site admins): names, assignee, frequency, end, active, targets.

        `add_location_ids` / `add_asset_ids` add targets; `remove_target_ids` removes them by
        the target ids listed in `targets`. Set `is_active` false to stop it falling due.
        """
        return schedules.update_schedule(current_principal(), schedule_id, changes)


@blp.route("/inspections")
class Inspections(MethodView):
    """Submitted checks (phones submit them through sync)."""

    @blp.arguments(InspectionQueryArgsSchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Inspection]:
        """List inspections of your sites, latest finished first."""
        return services.list_inspections(current_principal(), **args)


@blp.route("/inspections/<uuid:inspection_id>")
class InspectionById(MethodView):
    """One submitted check."""

    @blp.response(200, InspectionSchema)
    def get(self, inspection_id: uuid.UUID) -> Inspection:
        """Get an inspection with its answers."""
        return services.get_inspection(current_principal(), inspection_id)
