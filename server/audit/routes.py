"""GET /api/audit: the audit trail of a site."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from server.api import Blueprint
from server.audit.schemas import AuditEntrySchema, AuditQueryArgsSchema
from server.audit.services import list_audit_entries
from server.auth.guard import current_principal

blp = Blueprint("audit", __name__, url_prefix="/api", description="Who changed what, and when")


@blp.route("/audit")
class AuditEntries(MethodView):
    """The audit trail."""

    @blp.arguments(AuditQueryArgsSchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    def get(self, args: dict[str, Any]) -> list[Any]:
        """List a site's changes, newest first (reviewers and site admins)."""
        site_id = args.pop("site_id")
        return list_audit_entries(current_principal(), site_id, **args)
