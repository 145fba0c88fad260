"""Migration 0008 splits sync states into values and clocks and joins them back, losing nothing."""

from __future__ import annotations

import json

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

OLD_FINDING = {
    "site_id": {
        "value": "s1",
        "hlc": "000001732400000000-0000-a",
        "device_id": "a",
        "rank": 0,
        "version": 1,
    },
    "status": {
        "value": "open",
        "hlc": "000001732400000500-0002-b",
        "device_id": "b",
        "rank": 2,
        "version": 3,
    },
}
OLD_TOMBSTONE = {
    "notes": {
        "value": "gone",
        "hlc": "000001732400000100-0000-a",
        "device_id": "a",
        "rank": 0,
        "version": 1,
    },
}


def _old_rows() -> dict[str, dict]:
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT record_id, fields FROM sync_records")).all()
    return {
        record_id: json.loads(fields) if isinstance(fields, str) else fields
        for record_id, fields in rows
    }


def test_states_read_the_same_after_the_upgrade_and_old_rows_return_on_downgrade(
    app: Flask,
) -> None:
    db.session.remove()
    downgrade(revision="0007")
    try:
        with db.engine.begin() as connection:
            insert = text(
                "INSERT INTO sync_records (record_type, record_id, fields, version, is_deleted,"
                " deleted_hlc) VALUES (:type, :id, :fields, :version, :deleted, :deleted_hlc)"
            )
            connection.execute(
                insert,
                [
                    {
                        "type": "finding",
                        "id": "f1",
                        "fields": json.dumps(OLD_FINDING),
                        "version": 3,
                        "deleted": False,
                        "deleted_hlc": None,
                    },
                    {
                        "type": "location",
                        "id": "l1",
                        "fields": json.dumps(OLD_TOMBSTONE),
                        "version": 2,
                        "deleted": True,
                        "deleted_hlc": "000001732400000900-0000-c",
                    },
                ],
            )
    finally:
        upgrade()
    store = SqlChangeStore(db.session)

    states = store.get_states([("finding", "f1"), ("location", "l1")])
    store.append_to_feed("s1", "finding", "f1", 3)
    (pulled,) = store.read_pull_page(0, 10, ["s1"])
    db.session.remove()
    downgrade(revision="0007")
    try:
        rows_at_0007 = _old_rows()
    finally:
        upgrade()

    assert states[("finding", "f1")] == RecordState(
        "finding",
        "f1",
        {
            "site_id": FieldState("s1", Hlc.decode(OLD_FINDING["site_id"]["hlc"]), "a", 0, 1),
            "status": FieldState("open", Hlc.decode(OLD_FINDING["status"]["hlc"]), "b", 2, 3),
        },
        3,
    )
    assert states[("location", "l1")].deleted
    assert states[("location", "l1")].fields["notes"].value == "gone"
    record = json.loads(pulled.record_json)
    assert record["fields"] == {"site_id": "s1", "status": "open", "reopen_count": 2}
    assert record["hlc"] == OLD_FINDING["status"]["hlc"]
    assert rows_at_0007 == {"f1": OLD_FINDING, "l1": OLD_TOMBSTONE}
