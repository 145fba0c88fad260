"""GET /api/health."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from server.api import Blueprint
from server.health.services import overall_health

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Service health")


class HealthSchema(ma.Schema):
    """Status of the database, Redis and the RQ workers."""

    status = ma.fields.String(metadata={"description": "ok, degraded or down"})
    database = ma.fields.Dict()
    queue = ma.fields.Dict()
    photos = ma.fields.Dict(metadata={"description": "Photos waiting and failed (counts)"})


@blp.route("")
class Health(MethodView):
    """Health of the server and the services it needs."""

    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="The database is unreachable")
    def get(self) -> tuple[dict[str, Any], int]:
        """Report database, Redis and worker state (no sign-in needed)."""
        report = overall_health()
        return report, 200 if report["database"]["ok"] else 503
