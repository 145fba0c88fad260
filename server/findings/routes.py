"""HTTP routes of the findings capability: the ledger, read-only."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from server.api import Blueprint
from server.auth.guard import current_principal
from server.findings import services
from server.findings.schemas import FindingDetailSchema, FindingQueryArgsSchema, FindingSchema

blp = Blueprint(
    "findings",
    __name__,
    url_prefix="/api",
    description="Findings and their rectification (整改台帐); read-only, edited through sync",
)

# The offline pack fetches a department's open findings; 200 per page keeps that to few calls.
FINDINGS_PAGE_SIZE = 50
FINDINGS_MAX_PAGE_SIZE = 200


@blp.route("/findings")
class Findings(MethodView):
    """The ledger of findings."""

    @blp.arguments(FindingQueryArgsSchema, location="query")
    @blp.response(200, FindingSchema(many=True))
    @blp.paginate(page_size=FINDINGS_PAGE_SIZE, max_page_size=FINDINGS_MAX_PAGE_SIZE)
    def get(
        self, args: dict[str, Any], pagination_parameters: PaginationParameters
    ) -> list[dict[str, Any]]:
        """List findings of your sites, newest raised first.

        Filter by site, department, assignee, location, asset, `status` (repeat it for
        several, e.g. `status=open&status=in_progress&status=fixed&status=reopened` for the
        open ones) and `is_overdue` (due before today at the site, not verified closed).
        Pages with `page` and `page_size` (at most 200); the `X-Pagination` header gives the
        total. Read-only: findings are raised and edited through `/api/sync/push`, so every
        edit follows the closure rules and reaches the phones.
        """
        result = services.list_findings(
            current_principal(),
            page=pagination_parameters.page,
            page_size=pagination_parameters.page_size,
            **args,
        )
        pagination_parameters.item_count = result.total
        return result.items


@blp.route("/findings/<uuid:finding_id>")
class FindingById(MethodView):
    """One finding."""

    @blp.response(200, FindingDetailSchema)
    def get(self, finding_id: uuid.UUID) -> dict[str, Any]:
        """Get a finding with its inspection, missing photos and sync conflicts.

        `missing_photo_sha256s` lists photos of its inspection the server still expects;
        `conflicts` (for reviewers and site admins) lists values that lost a merge, resolved
        ones included. Read-only: edit findings through `/api/sync/push`.
        """
        return services.get_finding(current_principal(), finding_id)
