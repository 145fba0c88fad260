"""A pull page's records are JSON built by the database: it must say what the states say."""

from __future__ import annotations

import orjson
from flask import Flask

from server.extensions import db
from server.sync_api.services import record_payload
from server.sync_api.store import SqlChangeStore
from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

SITE = "6f1c2b8e-0000-4000-8000-000000000001"


def _field(value: object, wall_ms: int, node: str = "phone-a", rank: int = 0) -> FieldState:
    return FieldState(value, Hlc(wall_ms, 0, node), node, rank, 1)


def _states() -> list[RecordState]:
    inspection = RecordState(
        "inspection",
        "i1",
        {
            "site_id": _field(SITE, 1_000),
            "answers": _field({"in_place": {"value": "fail", "note": "灭火器缺失"}}, 1_000),
            "note": _field("三楼东", 1_000),
        },
        version=1,
    )
    finding = RecordState(
        "finding",
        "f1",
        {
            "site_id": _field(SITE, 1_000),
            "status": _field("open", 9_000, "pc-office", rank=2),
            "title": _field("门禁损坏", 5_000, "phone-b"),
            # Same wall time as status, greater node: the newest clock overall.
            "description": _field("", 9_000, "phone-z"),
        },
        version=4,
    )
    tombstone = RecordState(
        "finding",
        "f2",
        {"site_id": _field(SITE, 1_000), "title": _field("x", 2_000)},
        version=3,
        deleted=True,
        deleted_hlc=Hlc(3_000, 1, "phone-a"),
    )
    return [inspection, finding, tombstone]


def test_pull_record_built_by_the_database_equals_the_payload_of_its_state(app: Flask) -> None:
    store = SqlChangeStore(db.session)
    states = _states()
    for state in states:
        store.save_state(state)
    db.session.commit()

    for state in states:
        store.append_to_feed(SITE, state.record_type, state.record_id, state.version)
    keys = [(state.record_type, state.record_id) for state in states]

    rows = store.read_pull_page(0, 10, [SITE])
    sent = [orjson.loads(row.record_json) for row in rows]

    assert sent == [record_payload(state, SITE) for state in store.get_states(keys).values()]
    assert sent == [record_payload(state, SITE) for state in states]
    assert sent[1]["fields"]["reopen_count"] == 2
    assert sent[1]["hlc"].endswith("-phone-z")
    assert "fields" not in sent[2]
