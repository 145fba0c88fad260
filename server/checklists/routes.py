"""HTTP routes of the checklists capability."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("checklists", __name__, url_prefix="/api", description="Checklist templates and their published versions")
