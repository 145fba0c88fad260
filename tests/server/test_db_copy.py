"""insert_rows stores what an INSERT would (COPY on PostgreSQL), and refuses what it would;
rows_with_keys finds what IN would."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    cast,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from server.audit.models import AuditEntry
from server.db_copy import insert_rows, rows_with_keys
from server.db_types import JsonType, UtcDateTime, enum_column
from server.extensions import db
from server.inspections.models import InspectionResult
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
        .where(TABLE.c.change_id.in_(["c1", "c2"]))
        .order_by(TABLE.c.change_id)
    ).all()
    assert [row[:3] for row in rows] == [("c1", "applied", None), ("c2", "rejected", "forbidden")]
    assert all(row.received_at is not None for row in rows)


def test_insert_rows_stores_the_rows_of_one_call_at_one_instant(app: Flask) -> None:
    _receipts(("c1", "applied"), ("c2", "applied"), ("c3", "rejected"))
    _receipts(("c4", "applied"))

    stored = dict(db.session.execute(select(TABLE.c.change_id, TABLE.c.received_at)).all())

    assert stored["c1"] == stored["c2"] == stored["c3"]
    assert stored["c4"] >= stored["c1"]


def test_insert_rows_stores_json_uuid_and_time_values_as_an_insert_does(app: Flask) -> None:
    # COPY encodes JSON columns itself: what it stores must be what an INSERT stores.
    audit = AuditEntry.__table__
    site_id = uuid.uuid4()
    changes = {"note": [None, "巡查记录：地面有污物"], "answers": {"1": {"value": 2.5, "ok": True}}}
    at = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    row = {
        "site_id": site_id,
        "entity_type": "inspections",
        "action": "create",
        "changes": changes,
        "at": at,
    }
    insert_rows(audit, [{**row, "entity_id": "copied"}])
    db.session.execute(audit.insert(), [{**row, "entity_id": "inserted"}])

    stored = {
        found.entity_id: found
        for found in db.session.execute(
            select(audit.c.entity_id, audit.c.site_id, audit.c.changes, audit.c.at)
        )
    }
    assert stored["copied"][1:] == stored["inserted"][1:] == (site_id, changes, at)
    as_text = {
        entity_id: text_of_changes
        for entity_id, text_of_changes in db.session.execute(
            select(audit.c.entity_id, cast(audit.c.changes, String))
        )
    }
    assert as_text["copied"] == as_text["inserted"]


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_insert_rows_stores_every_column_type_it_writes_as_an_insert_does(app: Flask) -> None:
    # COPY sends values in PostgreSQL's binary format, typed by the columns' types: each
    # type must come out as an INSERT stores it, text form included. The table lives in
    # the test's transaction only.
    table = _table_of_every_column_type("copy_every_type")
    table.create(db.session.connection())
    ref = uuid.uuid4()
    full = {
        "ref": ref,
        "label": "病区 A",
        "body": "巡查记录\t含制表符、换行\n和反斜杠 \\ 的文字",
        "result": InspectionResult.FAILED,
        "big": 2**40,
        "small": -3,
        "count": 7,
        "flag": True,
        "day": date(2026, 11, 24),
        "at": datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=UTC),
        "wall": datetime(2026, 11, 24, 8, 30),
        "doc": {"b": [1, 2.5, None], "a": "巡查"},
        "docb": {"b": [1, 2.5, None], "a": "巡查", "nested": {"ok": False}},
    }
    empty = dict.fromkeys(full)
    rows = [{**full, "id": 1}, {**full, "id": 2, "ref": str(ref)}, {**empty, "id": 3}]

    insert_rows(table, rows)
    db.session.execute(table.insert(), [{**row, "id": row["id"] + 10} for row in rows])

    stored = {row.id: row for row in db.session.execute(select(table))}
    as_text = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(table.c.id, *[cast(column, Text) for column in table.columns][1:])
        )
    }
    for copied in (1, 2, 3):
        assert stored[copied][1:] == stored[copied + 10][1:]
        assert as_text[copied] == as_text[copied + 10]
    assert stored[1]._asdict() == {**full, "id": 1}
    assert stored[2].ref == ref
    assert stored[3]._asdict() == {**empty, "id": 3}


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_insert_rows_refuses_a_column_type_it_has_no_binary_format_for(app: Flask) -> None:
    table = Table(
        "copy_unknown_type",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("amount", Numeric(10, 2)),
    )
    table.create(db.session.connection())

    with pytest.raises(TypeError, match="amount"):
        insert_rows(table, [{"id": 1, "amount": 2}])


def _table_of_every_column_type(name: str) -> Table:
    return Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("ref", Uuid),
        Column("label", String(32)),
        Column("body", Text),
        Column("result", enum_column(InspectionResult).column.type),
        Column("big", BigInteger),
        Column("small", SmallInteger),
        Column("count", Integer),
        Column("flag", Boolean),
        Column("day", Date),
        Column("at", UtcDateTime()),
        Column("wall", DateTime()),
        Column("doc", JSON),
        Column("docb", JsonType),
    )


def test_insert_rows_raises_integrity_error_when_a_key_exists(app: Flask) -> None:
    insert_rows(TABLE, [{"change_id": "c1", "outcome": "applied"}])

    with pytest.raises(IntegrityError):
        insert_rows(TABLE, [{"change_id": "c1", "outcome": "applied"}])


def test_insert_rows_refuses_a_column_the_table_does_not_have(app: Flask) -> None:
    with pytest.raises(ValueError, match="outcom"):
        insert_rows(TABLE, [{"change_id": "c1", "outcom": "applied"}])


def _receipts(*outcomes: tuple[str, str]) -> None:
    insert_rows(TABLE, [{"change_id": key, "outcome": outcome} for key, outcome in outcomes])


def test_rows_with_keys_finds_the_rows_of_given_keys_that_meet_the_conditions(app: Flask) -> None:
    _receipts(("c1", "applied"), ("c2", "rejected"), ("c3", "applied"))

    rows = rows_with_keys(
        [TABLE.c.change_id, TABLE.c.outcome],
        TABLE.c.change_id,
        ["c3", "c2", "c1", "absent"],
        where={TABLE.c.outcome: "applied"},
    )

    assert sorted(tuple(row) for row in rows) == [("c1", "applied"), ("c3", "applied")]


def test_rows_with_keys_asked_again_with_other_values_finds_their_rows(app: Flask) -> None:
    # The statement is built once per shape: the values of each call must still be the ones used.
    _receipts(("c1", "applied"), ("c2", "rejected"))
    columns, key = [TABLE.c.change_id], TABLE.c.change_id

    applied = rows_with_keys(columns, key, ["c1", "c2"], where={TABLE.c.outcome: "applied"})
    rejected = rows_with_keys(columns, key, ["c1", "c2"], where={TABLE.c.outcome: "rejected"})
    only_c1 = rows_with_keys(columns, key, ["c1"])

    assert [row.change_id for row in applied] == ["c1"]
    assert [row.change_id for row in rejected] == ["c2"]
    assert [row.change_id for row in only_c1] == ["c1"]


def test_rows_with_keys_finds_every_row_of_a_key_when_keys_are_not_unique(app: Flask) -> None:
    _receipts(("c1", "applied"), ("c2", "applied"), ("c3", "rejected"))

    rows = rows_with_keys([TABLE.c.change_id], TABLE.c.outcome, ["applied", "merged"], unique=False)

    assert sorted(row.change_id for row in rows) == ["c1", "c2"]


def test_rows_with_keys_finds_nothing_for_no_keys(app: Flask) -> None:
    _receipts(("c1", "applied"))

    assert rows_with_keys([TABLE.c.change_id], TABLE.c.change_id, []) == []


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_rows_with_keys_for_update_holds_the_rows_until_commit(app: Flask) -> None:
    _receipts(("c1", "applied"), ("c2", "applied"))
    db.session.commit()

    rows_with_keys([TABLE.c.change_id], TABLE.c.change_id, ["c1"], for_update=True)

    with db.engine.connect() as other:
        other.exec_driver_sql("SET lock_timeout = '50ms'")
        other.exec_driver_sql("SELECT 1 FROM sync_receipts WHERE change_id = 'c2' FOR UPDATE")
        with pytest.raises(OperationalError, match="lock"):
            other.exec_driver_sql("SELECT 1 FROM sync_receipts WHERE change_id = 'c1' FOR UPDATE")
    db.session.rollback()


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_postgresql_connections_never_compile_queries_just_in_time(app: Flask) -> None:
    # Compiling took longer than running our short lookups (see config.engine_options).
    assert db.session.execute(text("SHOW jit")).scalar_one() == "off"
