"""The change feed never skips a change, even when transactions commit out of seq order."""

import threading

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.extensions import db
from server.sync_api.store import SqlChangeStore


def _record_ids_after(after_seq: int) -> list[str]:
    with Session(db.engine) as reader:
        return [entry.record_id for entry in SqlChangeStore(reader).read_feed(after_seq, 10, None)]


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_feed_reader_misses_nothing_when_first_seq_taker_commits_last(app: Flask) -> None:
    second_committed = threading.Event()
    engine = db.engine

    def second_writer() -> None:
        with Session(engine) as session:
            SqlChangeStore(session).append_to_feed("s1", "asset", "a2", 1)
            session.commit()
        second_committed.set()

    with Session(db.engine) as first:
        SqlChangeStore(first).append_to_feed("s1", "asset", "a1", 1)
        thread = threading.Thread(target=second_writer)
        thread.start()
        committed_before_first = second_committed.wait(timeout=1.0)
        with Session(db.engine) as reader:
            seen = SqlChangeStore(reader).read_feed(0, 10, None)
        cursor = seen[-1].seq if seen else 0
        first.commit()
    thread.join(timeout=10)

    assert not committed_before_first
    assert seen == []
    assert _record_ids_after(cursor) == ["a1", "a2"]


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_bulk_batch_gives_way_when_change_by_change_batch_holds_the_feed_and_needs_its_record(
    app: Flask,
) -> None:
    """The two push paths take the record and the feed counter in opposite orders.

    A bulk batch holds its records and waits for the counter; the change-by-change path
    holds the counter and then needs one of those records. The bulk batch must be the one
    that gives way (then tries again), quickly, and the other must finish.
    """
    from sqlalchemy.exc import OperationalError

    from server.sync_api.bulk import FEED_LOCK_WAIT_MS
    from sync.changes import FieldState, RecordState
    from sync.hlc import Hlc

    def state(version: int) -> RecordState:
        notes = FieldState(f"v{version}", Hlc(version, 0, "phone"), "phone", 0, version)
        return RecordState("location", "l1", {"notes": notes}, version)

    setup = SqlChangeStore(db.session)
    setup.save_state(state(1))
    db.session.commit()
    bulk_gave_way: list[BaseException] = []
    bulk_holds_record = threading.Event()
    engine = db.engine

    def bulk_batch() -> None:
        with Session(engine) as session:
            store = SqlChangeStore(session)
            store.record_versions([("location", "l1")], lock=True)
            bulk_holds_record.set()
            try:
                store.append_many_to_feed(
                    [("s1", "location", "l1", 2)], lock_wait_ms=FEED_LOCK_WAIT_MS
                )
            except OperationalError as error:
                bulk_gave_way.append(error)
                session.rollback()

    with Session(db.engine) as one_by_one:
        store = SqlChangeStore(one_by_one)
        store.lock_feed()
        thread = threading.Thread(target=bulk_batch)
        thread.start()
        assert bulk_holds_record.wait(timeout=10)
        store.save_state(state(3))  # waits for the bulk batch's record lock
        store.append_to_feed("s1", "location", "l1", 3)
        one_by_one.commit()
    thread.join(timeout=10)

    assert [getattr(error.orig, "sqlstate", None) for error in bulk_gave_way] == ["55P03"]
    db.session.expire_all()
    assert SqlChangeStore(db.session).get_state("location", "l1") == state(3)


def test_feed_continues_after_its_highest_seq_when_the_counter_row_went_missing(
    app: Flask,
) -> None:
    from server.sync_api.models import SyncServer

    store = SqlChangeStore(db.session)
    store.append_to_feed("s1", "asset", "a1", 1)
    last_before = store.append_to_feed("s1", "asset", "a2", 1)
    db.session.commit()
    db.session.execute(delete(SyncServer))  # emptied by hand, say
    db.session.commit()

    fresh = SqlChangeStore(db.session)
    last_after = fresh.append_to_feed("s1", "asset", "a3", 1)
    db.session.commit()

    assert last_after == last_before + 1
    assert _record_ids_after(0) == ["a1", "a2", "a3"]
    assert fresh.epoch == db.session.scalar(select(SyncServer.epoch))
