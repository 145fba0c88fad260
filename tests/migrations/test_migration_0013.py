"""Migration 0013: a clock stored once for all fields goes back to one per field, and returns."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from tests.server.sync_api.states import (
    SUBMITTED,
    read_back,
    stored_clocks,
    submitted_inspection,
)


def test_the_downgrade_gives_each_field_the_shared_clock_and_the_upgrade_reads_it(
    app: Flask,
) -> None:
    state = submitted_inspection()
    SqlChangeStore(db.session).insert_new_states([state])
    db.session.commit()
    db.session.remove()

    downgrade(revision="0012")
    try:
        clock = {"hlc": SUBMITTED.encode(), "device_id": "phone-a", "rank": 0, "version": 1}
        assert stored_clocks("i1") == {"site_id": clock, "answers": clock, "note": clock}
    finally:
        db.session.remove()
        upgrade()

    assert read_back(state) == state
