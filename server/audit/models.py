"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigIntKey, JsonType, UtcDateTime, utc_now
from server.extensions import db


class AuditEntry(db.Model):
    """One created, updated or deleted row, with the changed fields' old and new values."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    # No foreign keys: the trail must outlive the sites and users it mentions.
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(), index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(16))
    # {field: [old, new]}
    changes: Mapped[dict[str, Any]] = mapped_column(JsonType)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utc_now, index=True)
