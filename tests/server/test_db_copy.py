"""insert_rows stores what an INSERT would (COPY on PostgreSQL), and refuses what it would."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.db_copy import in_values, insert_rows
from server.extensions import db
from server.sync_api.models import SyncReceipt

TABLE = SyncReceipt.__table__


def test_insert_rows_stores_given_values_and_python_defaults(app: Flask) -> None:
    insert_rows(
        TABLE,
        [
            {"change_id": "c1", "outcome": "applied"},
            {"change_id": "c2", "outcome": "rejected", "reason_code": "forbidden"},
        ],
    )

    rows = db.session.execute(
        select(TABLE.c.change_id, TABLE.c.outcome, TABLE.c.reason_code, TABLE.c.received_at)
        .where(in_values(TABLE.c.change_id, ["c1", "c2"]))
        .order_by(TABLE.c.change_id)
    ).all()
    assert [row[:3] for row in rows] == [("c1", "applied", None), ("c2", "rejected", "forbidden")]
    assert all(row.received_at is not None for row in rows)


def test_insert_rows_raises_integrity_error_when_a_key_exists(app: Flask) -> None:
    insert_rows(TABLE, [{"change_id": "c1", "outcome": "applied"}])

    with pytest.raises(IntegrityError):
        insert_rows(TABLE, [{"change_id": "c1", "outcome": "applied"}])


def test_insert_rows_refuses_a_column_the_table_does_not_have(app: Flask) -> None:
    with pytest.raises(ValueError, match="outcom"):
        insert_rows(TABLE, [{"change_id": "c1", "outcom": "applied"}])
