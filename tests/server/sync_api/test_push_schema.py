"""A push loads its changes and dumps its results the same with or without marshmallow."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from flask import Flask

from server.sync_api.schemas import (
    ChangeResultSchema,
    PushResponseSchema,
    SyncChangeSchema,
    SyncPushSchema,
)
from server.sync_api.services import ChangeResult, PushOutcome

GOOD = {
    "change_id": "c1",
    "record_type": "finding",
    "record_id": "r1",
    "op": "update",
    "hlc": "000001732400000000-0001-phone",
    "fields": {"notes": "门锁坏了"},
}
CHANGES = {
    "well formed": GOOD,
    "with base version": {**GOOD, "base_version": 3},
    "without fields": {key: value for key, value in GOOD.items() if key != "fields"},
    "base version as text": {**GOOD, "base_version": "3"},
    "base version as bool": {**GOOD, "base_version": True},
    "observed_at as float": {**GOOD, "observed_at": 1.0},
    "unknown key": {**GOOD, "extra": 1},
    "empty change id": {**GOOD, "change_id": ""},
    "change id too long": {**GOOD, "change_id": "x" * 65},
    "fields null": {**GOOD, "fields": None},
    "missing hlc": {key: value for key, value in GOOD.items() if key != "hlc"},
    "not an object": "change",
}


def _load(loader: Any) -> Any:
    try:
        return loader()
    except ma.ValidationError as error:
        return ("error", error.messages)


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_push_schema_loads_a_change_as_the_change_schema_does(app: Flask, change: Any) -> None:
    body = {"protocol_version": 1, "device_id": "d", "device_now_ms": 1, "changes": [change]}

    loaded = _load(lambda: SyncPushSchema().load(body)["changes"])
    expected = _load(lambda: SyncChangeSchema(many=True).load([change]))

    if isinstance(expected, tuple):
        expected = ("error", {"changes": expected[1]})
    assert loaded == expected


RESULTS = {
    "applied": ChangeResult("c1", "applied", hlc="000001732400000000-0001-phone"),
    "with record and photos": ChangeResult(
        "c2",
        "applied",
        record={"record_type": "inspection", "record_id": "i1", "version": 1, "site_id": "s1"},
        missing_photo_sha256s=["ab" * 32],
    ),
    "merged with conflicts": ChangeResult(
        "c3",
        "merged",
        record={"record_type": "finding", "fields": {"notes": "门锁坏了", "reopen_count": 1}},
        conflicts=[
            {
                "field": "notes",
                "kept_value": "门锁坏了",
                "kept_hlc": "000001732400000009-0000-a",
                "lost_value": {"nested": [1, 2]},
                "lost_hlc": "000001732400000001-0000-b",
                "lost_device_id": "b",
                "reason": "concurrent_edit",
            }
        ],
    ),
    "rejected with details": ChangeResult(
        "c4", "rejected", "invalid_field", details={"field": "answers", "items": {"k": ["x"]}}
    ),
    "retry": ChangeResult("c5", "retry", "blocked_by_earlier_change"),
}


@pytest.mark.parametrize("result", RESULTS.values(), ids=RESULTS.keys())
def test_push_response_dumps_a_result_as_the_result_schema_does(app: Flask, result: Any) -> None:
    outcome = PushOutcome("epoch", 1, 0, [result])

    dumped = PushResponseSchema().dump(outcome)["results"]

    assert dumped == [ChangeResultSchema().dump(result)]
