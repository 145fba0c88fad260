"""HTTP routes of the inspections capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("inspections", __name__, url_prefix="/api", description="Inspections and the schedules that make checks fall due")
