"""The change feed never skips a change, even when transactions commit out of seq order."""

import threading

import pytest
from flask import Flask
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
