"""HTTP routes of the sync capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "sync_api", __name__, url_prefix="/api/sync", description="Push changes, pull the change feed"
)
