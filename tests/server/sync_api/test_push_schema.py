"""A push's changes load the same whether or not they take the fast path past marshmallow."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import pytest
from flask import Flask

from server.sync_api.schemas import SyncChangeSchema, SyncPushSchema

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
