"""Small operations shared by the services that create and edit site records."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import select

from server.errors import field_error
from server.extensions import db

ModelT = TypeVar("ModelT")


def apply_changes(record: Any, changes: dict[str, Any]) -> bool:
    """Set changed attributes; bump the version when anything changed. Returns whether it did."""
    changed = False
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    if changed and hasattr(record, "version"):
        record.version = (record.version or 0) + 1
    return changed


def require_same_site(
    model: type[ModelT], record_id: uuid.UUID | None, site_id: uuid.UUID, field: str
) -> ModelT | None:
    """Load a referenced record and check it belongs to the same site (400 field error if not)."""
    if record_id is None:
        return None
    record = db.session.get(model, record_id)
    if record is None or getattr(record, "site_id", None) != site_id:
        raise field_error("validation_failed", field, "Not found on this site.")
    return record


def require_unique_code(model: Any, site_id: uuid.UUID, code: str, exclude_id: Any = None) -> None:
    """Codes are unique per site; say which field is at fault rather than fail on the index."""
    statement = select(model.id).where(model.site_id == site_id, model.code == code)
    if exclude_id is not None:
        statement = statement.where(model.id != exclude_id)
    if db.session.scalar(statement) is not None:
        raise field_error("already_exists", "code", f"Code {code!r} is already used on this site.")
