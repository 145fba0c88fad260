"""Conflicts: values that lost a merge, listed for reviewers, kept or restored by them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select

from server.auth.access import Permission, Principal, require_permission
from server.db_types import utc_now
from server.errors import ApiError, not_found
from server.extensions import db
from server.sync_api.materialize import SERVER_NODE, datetime_to_ms
from server.sync_api.models import SyncConflict
from server.sync_api.services import apply_server_change
from server.sync_api.store import SqlChangeStore
from sync.changes import Change
from sync.hlc import Hlc


def _reviewable_site_ids(principal: Principal) -> list[str] | None:
    if principal.is_super_admin:
        return None
    return [str(site) for site in principal.site_ids if principal.can(site, Permission.REVIEW)]


def list_conflicts(
    principal: Principal,
    site_id: uuid.UUID | None = None,
    record_type: str | None = None,
    record_id: str | None = None,
    include_resolved: bool = False,
    limit: int = 200,
) -> list[SyncConflict]:
    """Conflicts of the sites the user reviews (reviewers and site admins), newest first."""
    statement = select(SyncConflict)
    if site_id is not None:
        require_permission(principal, site_id, Permission.REVIEW)
        statement = statement.where(SyncConflict.site_id == str(site_id))
    else:
        sites = _reviewable_site_ids(principal)
        if sites is not None:
            statement = statement.where(SyncConflict.site_id.in_(sites))
    if record_type is not None:
        statement = statement.where(SyncConflict.record_type == record_type)
    if record_id is not None:
        statement = statement.where(SyncConflict.record_id == record_id)
    if not include_resolved:
        statement = statement.where(SyncConflict.resolved_at.is_(None))
    return list(db.session.scalars(statement.order_by(SyncConflict.id.desc()).limit(limit)))


def get_conflict(principal: Principal, conflict_id: int) -> SyncConflict:
    """One conflict of a site the user reviews."""
    conflict = db.session.get(SyncConflict, conflict_id)
    site_id = _site_uuid(conflict.site_id) if conflict is not None else None
    if conflict is None or site_id is None or not principal.can(site_id, Permission.READ):
        raise not_found("Conflict", conflict_id)
    require_permission(principal, site_id, Permission.REVIEW)
    return conflict


def _site_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def resolve_conflict(
    principal: Principal, conflict_id: int, action: str, note: str = ""
) -> SyncConflict:
    """Keep the winning value, or restore the lost one as a new edit that wins now."""
    conflict = get_conflict(principal, conflict_id)
    if conflict.resolved_at is not None:
        raise ApiError("conflict", "This conflict was already resolved.")
    if action == "restore":
        _restore(principal, conflict)
    conflict.resolved_at = utc_now()
    conflict.resolved_by_id = principal.user_id
    conflict.resolution = "restored" if action == "restore" else "kept"
    conflict.resolution_note = note
    db.session.commit()
    return conflict


def _restore(principal: Principal, conflict: SyncConflict) -> None:
    if conflict.field == "*":
        raise ApiError(
            "conflict",
            "A whole inspection cannot be restored over another; record it as a new "
            "inspection (its values are in lost_value).",
        )
    state = SqlChangeStore(db.session).get_state(conflict.record_type, conflict.record_id)
    if state is None or state.deleted:
        raise ApiError("conflict", "The record was deleted; it cannot take the value back.")
    fields: dict[str, Any] = {conflict.field: conflict.lost_value}
    if conflict.record_type == "finding" and conflict.field == "status":
        # Restore within the finding's current re-open round, so the value can win.
        fields["reopen_count"] = state.fields["status"].rank
    newest = max(field.hlc.wall_ms for field in state.fields.values())
    change = Change(
        change_id=f"restore-conflict-{conflict.id}",
        record_type=conflict.record_type,
        record_id=conflict.record_id,
        op="update",
        fields=fields,
        hlc=Hlc(max(_now_ms(utc_now()), newest + 1), 0, SERVER_NODE),
        device_id=SERVER_NODE,
        user_id=str(principal.user_id),
        base_version=state.version,
    )
    apply_server_change(principal, change)


def _now_ms(moment: datetime) -> int:
    return datetime_to_ms(moment)
