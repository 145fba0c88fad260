"""Migration 0009: large values are lz4-compressed on PostgreSQL, and read back unchanged."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

COMPRESSION = text(
    "SELECT attcompression FROM pg_attribute"
    " WHERE attrelid = CAST(:table AS regclass) AND attname = :column"
)


def _compression(table: str, column: str) -> str:
    return str(db.session.scalar(COMPRESSION, {"table": table, "column": column}))


def _state(record_id: str, note: str) -> RecordState:
    field = FieldState(note, Hlc(1_000, 0, "phone-a"), "phone-a", 0, 1)
    return RecordState("location", record_id, {"site_id": field, "notes": field}, version=1)


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # SQLite has no such setting
def test_large_values_are_lz4_after_the_upgrade_and_pglz_after_the_downgrade(
    app: Flask,
) -> None:
    upgraded = [
        _compression(*pair)
        for pair in (("sync_records", "field_values"), ("inspections", "answers"))
    ]
    db.session.rollback()
    downgrade(revision="0008")
    downgraded = _compression("sync_records", "field_values")
    db.session.rollback()
    upgrade()

    assert upgraded == ["l", "l"]
    assert downgraded == "p"


def test_values_written_before_and_after_the_upgrade_read_back_unchanged(app: Flask) -> None:
    long_note = "三楼东侧消防通道堆放杂物，已通知后勤清理。" * 200  # compressed on any server
    store = SqlChangeStore(db.session)
    db.session.commit()
    downgrade(revision="0008")
    store.save_state(_state("before", long_note))
    db.session.commit()
    upgrade()
    store.save_state(_state("after", long_note + "!"))
    db.session.commit()

    states = store.get_states([("location", "before"), ("location", "after")])

    assert states[("location", "before")] == _state("before", long_note)
    assert states[("location", "after")] == _state("after", long_note + "!")
