"""HTTP routes of the sync capability: push, pull, and conflicts for review."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request
from flask.views import MethodView

from server import json_codec
from server.api import Blueprint
from server.auth import device_reports
from server.auth.access import Principal
from server.auth.guard import current_principal
from server.errors import ApiError, field_error
from server.sync_api import conflicts, imports, services
from server.sync_api.models import SyncConflict
from server.sync_api.schemas import (
    ConflictQueryArgsSchema,
    ConflictResolveSchema,
    ConflictSchema,
    PullPageSchema,
    PullQueryArgsSchema,
    PushResponseSchema,
    SyncImportResponseSchema,
    SyncImportSchema,
    SyncPushSchema,
)

blp = Blueprint(
    "sync_api", __name__, url_prefix="/api/sync", description="Push changes, pull the change feed"
)


def _record_unsynced_report(principal: Principal) -> device_reports.UnsyncedReport | None:
    # Stored (and committed) before the sync itself, so a phone whose sync then fails is
    # still seen holding its work. A bad header is ignored, never an error.
    report = device_reports.parse_unsynced_header(request.headers.get(device_reports.HEADER))
    device_reports.record_unsynced_report(principal, report)
    return report


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
        docs/sync-protocol.md. Send `X-Roundbook-Unsynced: ops=N; photos=N; drafts=N;
        persisted=0|1` (what the phone holds) so the back office sees phones holding work.
        """
        principal = current_principal()
        report = _record_unsynced_report(principal)
        outcome = services.push_changes(principal, data)
        if report is not None:
            # The changes answered for have left the phone's outbox.
            settled = sum(1 for result in outcome.results if result.status != "retry")
            device_reports.settle_reported_records(principal, settled)
        return outcome


_NEXT_PAGE_HEADER = {
    "Link": {
        "description": 'While `has_more`: `<URL of the next page>; rel="next"` (RFC 8288).',
        "schema": {"type": "string"},
    }
}


@blp.route("/pull")
class Pull(MethodView):
    """Read the change feed."""

    @blp.arguments(PullQueryArgsSchema, location="query")
    @blp.response(200, PullPageSchema, headers=_NEXT_PAGE_HEADER)
    def get(self, args: dict[str, Any]) -> Any:
        """Get the records of your sites changed after `cursor` (tombstones included).

        Omit `cursor` the first time; repeat with `next_cursor` while `has_more`. Send the
        sites the device holds as `known_site_ids`: those you lost access to come back in
        `drop_site_ids`. A cursor from another history gets 409 `epoch_mismatch`: re-push
        unacknowledged changes and pull again without a cursor. While `has_more`, the
        `Link` header (`rel="next"`) is the next page's URL, so a client can ask for it
        before it has read and stored this one.
        """
        limit = min(args["limit"], current_app.config["SYNC_MAX_PULL_LIMIT"])
        principal = current_principal()
        _record_unsynced_report(principal)
        page = services.pull_changes(principal, args["cursor"], limit, args["known_site_ids"])
        if not page.has_more:
            return page
        return page, 200, {"Link": f'<{_next_page_url(page.next_cursor)}>; rel="next"'}


def _next_page_url(next_cursor: str) -> str:
    """This request's URL with the cursor moved on (every other parameter as asked)."""
    query = [(name, value) for name, value in request.args.items(multi=True) if name != "cursor"]
    return f"{request.script_root}{request.path}?{urlencode([*query, ('cursor', next_cursor)])}"


def _export_from_request() -> dict[str, Any]:
    if (request.content_length or 0) > imports.MAX_IMPORT_BYTES:
        raise ApiError("payload_too_large", "The file is too large to import in one request.")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise field_error(
                "validation_failed", "file", "Attach the exported file as the form field `file`."
            )
        return imports.parse_export_file(upload.read())
    try:
        data = json_codec.loads(request.get_data())
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError("invalid_json", "The request body is not valid JSON.") from error
    return imports.read_export(data)


_IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": SyncImportSchema},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


@blp.route("/import")
class Import(MethodView):
    """Work carried off a phone in a file."""

    @blp.doc(requestBody=_IMPORT_BODY)
    @blp.response(200, SyncImportResponseSchema)
    def post(self) -> imports.ImportOutcome:
        """Import a file from the field app's "export unsynced data".

        Send the file as multipart field `file`, or its JSON as the body. Its operations are
        pushed in order through the same rules as `/push` (one result per operation, same
        statuses), then its photos are stored; drafts (unfinished checks) are not imported.
        Importing the same file again is harmless: operations answer `already_applied` and
        photos `already_stored`. The person who captured it may import it, or a site admin of
        every site it touches; the changes are recorded as the capturer's, on their phone,
        while the capturer may still capture there. A file that is not an export gets 422
        `validation_failed` naming the field at fault (`file` for an upload).
        """
        return imports.import_export(current_principal(), _export_from_request())


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
