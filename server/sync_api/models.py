"""Tables of the sync core: record states, change receipts, conflicts, the feed and its epoch."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.db_types import BigIntKey, JsonType, UtcDateTime, created_at_column
from server.extensions import db

# The one row of sync_server: the feed's epoch and its last allocated seq.
SERVER_ROW_ID = 1


class SyncServer(db.Model):
    """The feed's epoch and seq counter; its row lock orders seqs by commit."""

    __tablename__ = "sync_server"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class SyncRecord(db.Model):
    """A record's merge state: field values and their clocks, version, tombstone."""

    __tablename__ = "sync_records"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # {field: value as clients see it (a finding's with its reopen_count)}: a pull page sends
    # it on as stored text. JSON, not JSONB: never queried inside, only written whole and
    # read whole, where JSONB's parse on the way in and its re-serialization on the way out
    # cost a push and a pull page the most.
    field_values: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {field: {"hlc", "device_id", "rank", "version"}}: what the merge rules decide on.
    field_clocks: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The clock of the latest field change (the record's "hlc" in a pull).
    hlc: Mapped[str | None] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer)
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_hlc: Mapped[str | None] = mapped_column(String(128))


class SyncFeedEntry(db.Model):
    """A record's latest place in the change feed."""

    __tablename__ = "sync_feed"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    site_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)

    # A pull page is one ordered range of this index per site (see store.read_feed).
    __table_args__ = (Index("ix_sync_feed_site_id_seq", "site_id", "seq"),)


class SyncReceipt(db.Model):
    """The first decision about a change id, and who pushed it from which device."""

    __tablename__ = "sync_receipts"

    change_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    # Who and which device, as recorded; no foreign keys: those locked the user's and the
    # device's rows once per receipt, and neither is ever deleted (they are deactivated).
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    received_at: Mapped[datetime] = created_at_column()


class SyncConflict(db.Model):
    """A value that lost a merge, kept for review; a reviewer may restore it."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(64), index=True, default="")
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(64))
    kept_value: Mapped[Any] = mapped_column(JsonType, nullable=True)
    kept_hlc: Mapped[str | None] = mapped_column(String(128))
    lost_value: Mapped[Any] = mapped_column(JsonType, nullable=True)
    lost_hlc: Mapped[str] = mapped_column(String(128))
    lost_device_id: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("auth_users.id"))
    # 'kept' (the winning value stays) or 'restored' (the lost value was written back).
    resolution: Mapped[str | None] = mapped_column(String(16))
    resolution_note: Mapped[str] = mapped_column(Text, default="")
