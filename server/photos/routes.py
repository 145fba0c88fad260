"""HTTP routes of the photos capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "photos", __name__, url_prefix="/api", description="Photos: upload, processing, serving"
)
