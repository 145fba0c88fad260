"""Push and pull find their rows key by key, whatever PostgreSQL's statistics say.

Statistics lag a table that grows fast, and where autovacuum is off (as on the machine the
benchmarks run on) they never catch up: the planner then believes a table of thousands of
rows is nearly empty. Lookups planned on that belief read every receipt, record state, feed
entry or photo for each batch, so each push and each pull page got slower than the one
before. These tests run push and pull on tables that were never analyzed and replay every
query under EXPLAIN ANALYZE: no row of a sync or photo table may be read only to be thrown
away.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from server.extensions import db
from server.sync_api.store import SqlChangeStore
from tests.factories import make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.sync_api.factories import Phone, inspection_fields, statuses

# The tables a push or a pull reads that grow with every inspection.
GROWING_TABLES = {
    "sync_records",
    "sync_receipts",
    "sync_feed",
    "photos",
    "photos_inspection_links",
    "inspections",
}


@contextmanager
def _selects_run() -> Iterator[list[tuple[str, Any]]]:
    run: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            run.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield run
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def _wasted_reads(plan: dict[str, Any]) -> list[str]:
    """The plan nodes that read rows of a growing table only to discard them.

    Discarded by a filter, or read in bulk for the query to keep a few (a scan and a sort
    where an ordered index range would stop at the limit).
    """
    kept = plan["Actual Rows"]
    wasted = []
    nodes = [plan]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if node.get("Relation Name") not in GROWING_TABLES:
            continue
        kind = f"{node['Node Type']} on {node['Relation Name']}"
        discarded = node.get("Rows Removed by Filter", 0) + node.get(
            "Rows Removed by Index Recheck", 0
        )
        read = node["Actual Rows"] * node["Actual Loops"]
        if node["Node Type"] == "Seq Scan" or discarded:
            wasted.append(f"{kind}: {discarded} discarded")
        elif read > 4 * max(kept, 1):
            wasted.append(f"{kind}: {read} read for {kept} kept")
    return wasted


def _wasted_reads_of(selects: list[tuple[str, Any]]) -> dict[str, list[str]]:
    # Replayed in order in one transaction: EXPLAIN ANALYZE runs each statement, so what
    # one sets for the transaction holds for the next, as it did when they ran.
    wasted = {}
    with db.engine.connect() as connection:
        for statement, parameters in selects:
            explain = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
            )
            if reads := _wasted_reads(explain.scalar_one()[0]["Plan"]):
                wasted[statement] = reads
        connection.rollback()
    return wasted


def _round_with_a_photo(phone: Phone, location: Any, version_id: uuid.UUID) -> dict:
    fields = inspection_fields(location, version_id, photo_sha256s=[uuid.uuid4().hex * 2])
    return phone.change("submit", "inspection", str(uuid.uuid4()), fields)


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_push_and_pull_read_no_row_they_do_not_need(client: FlaskClient) -> None:
    site = make_site()
    location = make_location(site)
    version_id = make_template(site).versions[0].id
    phone = Phone(client, make_user(site))
    for _ in range(5):
        batch = [_round_with_a_photo(phone, location, version_id) for _ in range(100)]
        assert statuses(phone.push(batch)) == [("applied", None)] * 100
    first_page = phone.pull(limit=100).get_json()

    with _selects_run() as selects:
        replayed = phone.push(batch[:50])
        pushed = phone.push([_round_with_a_photo(phone, location, version_id)])
        page = phone.pull(first_page["next_cursor"], limit=20)

    assert statuses(replayed) == [("already_applied", None)] * 50
    assert statuses(pushed) == [("applied", None)]
    assert len(page.get_json()["changes"]) == 20
    assert _wasted_reads_of(selects) == {}


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_a_pull_page_reads_only_the_next_entries_of_a_long_feed(client: FlaskClient) -> None:
    # At this size, on never-analyzed tables, PostgreSQL planned a bitmap scan of every
    # entry of the site and a sort, for each page.
    site = make_site()
    phone = Phone(client, make_user(site))
    store = SqlChangeStore(db.session)
    store.append_many_to_feed(
        [(str(site.id), "finding", str(uuid.uuid4()), 1) for _ in range(20_000)]
    )
    db.session.commit()

    with _selects_run() as selects:
        page = phone.pull(limit=20)

    assert page.get_json()["has_more"] is True
    assert _wasted_reads_of(selects) == {}
