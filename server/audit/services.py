"""Reading the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from server.audit.models import AuditEntry
from server.auth.access import Permission, Principal, require_permission
from server.extensions import db

MAX_ENTRIES = 500


def list_audit_entries(
    principal: Principal,
    site_id: uuid.UUID,
    *,
    entity_id: str | None = None,
    entity_type: str | None = None,
    before: datetime | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest entries of one site (reviewers and site admins), optionally of one record."""
    require_permission(principal, site_id, Permission.REVIEW)
    statement = select(AuditEntry).where(AuditEntry.site_id == site_id)
    if entity_id is not None:
        statement = statement.where(AuditEntry.entity_id == entity_id)
    if entity_type is not None:
        statement = statement.where(AuditEntry.entity_type == entity_type)
    if before is not None:
        statement = statement.where(AuditEntry.at < before)
    statement = statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return list(db.session.scalars(statement.limit(min(limit, MAX_ENTRIES))))
