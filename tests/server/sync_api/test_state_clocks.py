"""A state whose fields share one clock stores it once and reads back whole."""

from __future__ import annotations

from flask import Flask

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from sync.changes import FieldState, RecordState
from tests.server.sync_api.states import (
    EDITED,
    SUBMITTED,
    read_back,
    stored_clocks,
    submitted_inspection,
)


def test_a_submitted_inspection_stores_one_clock_for_all_its_fields(app: Flask) -> None:
    state = submitted_inspection()

    SqlChangeStore(db.session).insert_new_states([state])

    assert stored_clocks("i1") == [
        {"hlc": SUBMITTED.encode(), "device_id": "phone-a", "rank": 0, "version": 1}
    ]
    assert read_back(state) == state


def test_fields_written_by_different_changes_keep_a_clock_each(app: Flask) -> None:
    state = RecordState(
        "asset",
        "a1",
        {
            "notes": FieldState("leaks", SUBMITTED, "phone-a"),
            "status": FieldState("broken", EDITED, "phone-b", version=2),
        },
        version=2,
    )

    SqlChangeStore(db.session).insert_new_states([state])

    assert set(stored_clocks("a1")) == {"notes", "status"}
    assert read_back(state) == state


def test_a_finding_keeps_a_clock_per_field_beside_its_reopen_count(app: Flask) -> None:
    # Its stored values hold reopen_count, which is no field: one clock for "every value"
    # would make it one.
    state = RecordState(
        "finding",
        "f1",
        {
            "status": FieldState("open", SUBMITTED, "phone-a", rank=1),
            "title": FieldState("Door", SUBMITTED, "phone-a", rank=1),
        },
    )

    SqlChangeStore(db.session).insert_new_states([state])

    assert set(stored_clocks("f1")) == {"status", "title"}
    assert read_back(state) == state
