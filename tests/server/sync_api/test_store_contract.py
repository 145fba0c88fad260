"""Run the ChangeStore contract against the SQL store, on SQLite and PostgreSQL."""

from collections.abc import Callable

import pytest
from flask import Flask

from server.extensions import db
from server.sync_api.models import SERVER_ROW_ID, SyncServer
from server.sync_api.store import SqlChangeStore
from sync.contract import CONTRACT, StoreFactory


@pytest.mark.parametrize("check", CONTRACT, ids=lambda check: check.__name__)
def test_sql_store_meets_contract_when_checked(
    app: Flask, check: Callable[[StoreFactory], None]
) -> None:
    check(lambda: SqlChangeStore(db.session))


def test_sql_store_reads_the_feed_head_it_just_moved_in_the_same_transaction(app: Flask) -> None:
    # The counter is moved on the table, not through the session's loaded row: a later
    # read in the same transaction must still see where the feed's head now is, also
    # while something else of the request holds that row.
    store = SqlChangeStore(db.session)
    before = store.last_seq()
    held = db.session.get(SyncServer, SERVER_ROW_ID)

    head = store.append_many_to_feed(
        [("s1", "finding", f"f{n}", 1) for n in range(3)], new_records=[]
    )

    assert head == before + 3
    assert store.last_seq() == head
    assert store.append_many_to_feed([]) == head
    assert held is not None
    assert held.last_seq == head
