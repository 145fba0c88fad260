"""Sync states for store tests: one to store, and what the database holds for it."""

from __future__ import annotations

import json

from sqlalchemy import text

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

SUBMITTED = Hlc(1_732_400_000_000, 0, "phone-a")
EDITED = Hlc(1_732_400_000_500, 1, "phone-b")


def submitted_inspection() -> RecordState:
    """An inspection's state: three fields written by one change, so sharing its clock."""
    fields = {"site_id": "s1", "answers": {"q1": {"value": "pass"}}, "note": None}
    return RecordState(
        "inspection",
        "i1",
        {name: FieldState(value, SUBMITTED, "phone-a") for name, value in fields.items()},
    )


def stored_clocks(record_id: str) -> object:
    """sync_records.field_clocks of this record as stored, decoded."""
    found = db.session.execute(
        text("SELECT field_clocks FROM sync_records WHERE record_id = :id"), {"id": record_id}
    ).scalar_one()
    return json.loads(found) if isinstance(found, str) else found


def read_back(state: RecordState) -> RecordState:
    """The state the store reads back for this state's record."""
    db.session.expire_all()
    key = (state.record_type, state.record_id)
    return SqlChangeStore(db.session).get_states([key])[key]
