"""Writes an audit entry for every change to an audited model, at flush time.

Doing it in one session hook, rather than in each service, means no service can forget it.
The acting user is read from ``session.info["actor_id"]``, set by the auth guard for requests
and left empty for system work (migrations, seeding, jobs).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from server.audit.models import AuditEntry

AUDITED_TABLES = frozenset(
    {
        "sites",
        "sites_departments",
        "sites_buildings",
        "sites_floors",
        "sites_locations",
        "auth_users",
        "auth_site_memberships",
        "auth_devices",
        "assets",
        "checklists_templates",
        "checklists_template_versions",
        "inspections",
        "inspections_schedules",
        "inspections_schedule_targets",
        "findings",
    }
)
# Secrets never reach the trail, not even hashed.
REDACTED_FIELDS = frozenset({"password_hash", "refresh_token_hash"})
SKIPPED_FIELDS = frozenset({"created_at", "updated_at", "version"})
# Tables whose create entries name the new row rather than copy it. An inspection is a fact
# that never changes once written, so the inspection itself is the record of what was
# created; its entry says who created it, when, on which site. A sync push writes a hundred
# inspections a batch, and copying their columns into the trail (first their answers and
# note, then the rest) was some 8 % of its Python work.
REFERENCED_ON_CREATE = frozenset({"inspections"})
REFERENCED = "(kept in the record)"
# The key of a create entry that names its whole row (as sync conflicts name a whole record).
WHOLE_ROW = "*"


def to_json_value(value: Any) -> Any:
    """A JSON-safe copy of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _loaded_values(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    values = {attr.key: state.attrs[attr.key].loaded_value for attr in state.mapper.column_attrs}
    return {name: value for name, value in values.items() if not _is_unloaded(value)}


def _recorded_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's column values as an entry records them: set ones only, secrets hidden,
    JSON-safe."""
    recorded: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or name in SKIPPED_FIELDS:
            continue
        if name in REDACTED_FIELDS:
            value = "***"
        recorded[name] = to_json_value(value)
    return recorded


def created_changes(table: str, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The changes a create entry records for a new row with these column values.

    For the flush hook and for rows written in bulk (sync_api.bulk), so both record alike.
    """
    if table in REFERENCED_ON_CREATE:
        return {WHOLE_ROW: [None, REFERENCED]}
    return {name: [None, value] for name, value in _recorded_values(values).items()}


def _is_unloaded(value: Any) -> bool:
    from sqlalchemy.orm.base import NO_VALUE

    return value is NO_VALUE


def _changed_fields(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIPPED_FIELDS:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attr.key in REDACTED_FIELDS:
            changes[attr.key] = ["***", "***"]
        elif old != new:
            changes[attr.key] = [to_json_value(old), to_json_value(new)]
    return changes


def _is_audited(obj: Any) -> bool:
    return getattr(obj, "__tablename__", None) in AUDITED_TABLES


def _entry(session: Session, obj: Any, action: str, changes: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        site_id=obj.id if obj.__tablename__ == "sites" else getattr(obj, "site_id", None),
        actor_id=session.info.get("actor_id"),
        entity_type=obj.__tablename__,
        entity_id=str(obj.id),
        action=action,
        changes=changes,
    )


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    entries: list[AuditEntry] = []
    for obj in session.new:
        if _is_audited(obj):
            if getattr(obj, "id", None) is None:
                # The key default fires only at INSERT; the entry needs the id now.
                obj.id = uuid.uuid4()
            created = created_changes(obj.__tablename__, _loaded_values(obj))
            entries.append(_entry(session, obj, "create", created))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changed_fields(obj)
            if changes:
                entries.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if _is_audited(obj):
            removed = {k: [v, None] for k, v in _recorded_values(_loaded_values(obj)).items()}
            entries.append(_entry(session, obj, "delete", removed))
    session.add_all(entries)


def install_audit_trail(session_class: type[Session]) -> None:
    """Attach the flush hook once to the session class the app uses."""
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)
