"""HTTP routes of the assets capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("assets", __name__, url_prefix="/api", description="QR-tagged assets: extinguishers, bait stations, equipment")
