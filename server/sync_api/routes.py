"""HTTP routes of the sync capability: push, pull, and conflicts for review."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from server.auth.guard import current_principal
from server.sync_api import conflicts, services
from server.sync_api.models import SyncConflict
from server.sync_api.schemas import (
    ConflictQueryArgsSchema,
    ConflictResolveSchema,
    ConflictSchema,
    PullPageSchema,
    PullQueryArgsSchema,
    PushResponseSchema,
    SyncPushSchema,
)

blp = Blueprint(
    "sync_api", __name__, url_prefix="/api/sync", description="Push changes, pull the change feed"
)


@blp.route("/push")
class Push(MethodView):
    """Send a device's outbox."""

    @blp.arguments(SyncPushSchema)
    @blp.response(200, PushResponseSchema)
    def post(self, data: dict[str, Any]) -> services.PushOutcome:
        """Push a batch of changes; get one result per change, in order.

        The batch is applied in one transaction: all of it or none. Re-sending a batch (a
        lost response) is safe: each `change_id` is decided once. A business conflict is a
        result (`merged`, `rejected` with a code, or `retry`), never an HTTP error. An app
        whose `protocol_version` is too old gets 426 `client_too_old`. See
        docs/sync-protocol.md.
        """
        return services.push_changes(current_principal(), data)


@blp.route("/pull")
class Pull(MethodView):
    """Read the change feed."""

    @blp.arguments(PullQueryArgsSchema, location="query")
    @blp.response(200, PullPageSchema)
    def get(self, args: dict[str, Any]) -> services.PullPage:
        """Get the records of your sites changed after `cursor` (tombstones included).

        Omit `cursor` the first time; repeat with `next_cursor` while `has_more`. Send the
        sites the device holds as `known_site_ids`: those you lost access to come back in
        `drop_site_ids`. A cursor from another history gets 409 `epoch_mismatch`: re-push
        unacknowledged changes and pull again without a cursor.
        """
        limit = min(args["limit"], current_app.config["SYNC_MAX_PULL_LIMIT"])
        return services.pull_changes(
            current_principal(), args["cursor"], limit, args["known_site_ids"]
        )


@blp.route("/conflicts")
class Conflicts(MethodView):
    """Values that lost a merge."""

    @blp.arguments(ConflictQueryArgsSchema, location="query")
    @blp.response(200, ConflictSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[SyncConflict]:
        """List unresolved conflicts of the sites you review (reviewers, site admins)."""
        return conflicts.list_conflicts(current_principal(), **args)


@blp.route("/conflicts/<int:conflict_id>/resolve")
class ConflictResolution(MethodView):
    """Decide a conflict."""

    @blp.arguments(ConflictResolveSchema)
    @blp.response(200, ConflictSchema)
    def post(self, data: dict[str, Any], conflict_id: int) -> SyncConflict:
        """Keep the winning value (`keep`) or write the lost value back (`restore`)."""
        return conflicts.resolve_conflict(
            current_principal(), conflict_id, data["action"], data["note"]
        )
