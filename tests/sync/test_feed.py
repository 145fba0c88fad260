"""Pushing batches through the rules and paging through the change feed."""

import itertools
from typing import Any

import pytest

from sync.changes import Change, Cursor, InvalidCursorError, Op
from sync.feed import EpochMismatchError, pull, push
from sync.hlc import Hlc
from sync.store import InMemoryChangeStore

_ids = itertools.count()


def change(op: Op, record_id: str, fields: dict[str, Any], wall: int, **kw: Any) -> Change:
    return Change(
        change_id=kw.pop("change_id", f"c{next(_ids)}"),
        record_type=kw.pop("record_type", "asset"),
        record_id=record_id,
        op=op,
        fields=fields,
        hlc=Hlc(wall, 0, kw.get("device_id", "phone-a")),
        device_id=kw.pop("device_id", "phone-a"),
        **kw,
    )


def create(record_id: str, site_id: str = "s1", wall: int = 10, **kw: Any) -> Change:
    return change("create", record_id, {"site_id": site_id, "label": record_id}, wall, **kw)


def outcomes(results: list[Any]) -> list[tuple[str, str | None]]:
    return [(result.outcome, result.reason_code) for result in results]


# --- push ---


def test_push_returns_one_result_per_change_when_batch_mixes_outcomes() -> None:
    store = InMemoryChangeStore()
    batch = [
        create("a1"),
        change("update", "a2", {"label": "x"}, 20),
        change("create", "p1", {}, 20, record_type="photo"),
        change("update", "a1", {"label": "E-1"}, 30),
    ]

    results = push(store, batch)

    assert outcomes(results) == [
        ("applied", None),
        ("retry", "depends_on_missing_record"),
        ("rejected", "unknown_record_type"),
        ("applied", None),
    ]


def test_push_answers_already_applied_when_change_is_resent() -> None:
    store = InMemoryChangeStore()
    first = create("a1")
    push(store, [first])

    results = push(store, [first])

    assert outcomes(results) == [("already_applied", None)]
    assert len(store.read_feed(0, 10, None)) == 1


def test_push_answers_a_resent_inspection_from_its_record_without_a_receipt() -> None:
    store = InMemoryChangeStore()
    fields = {"site_id": "s1", "answers": {"in_place": {"value": "pass"}}}
    submitted = change("submit", "i1", fields, 20, record_type="inspection")
    reused = change("submit", "i1", {**fields, "note": "other"}, 30, record_type="inspection")
    push(store, [submitted, reused])

    results = push(store, [submitted, reused])

    # The recorded fact answers its own re-sends; the refused second content keeps its
    # receipt, so it is refused again rather than judged anew.
    assert outcomes(results) == [("already_applied", None), ("rejected", "record_id_reused")]
    assert not store.has_change(submitted.change_id)
    assert store.has_change(reused.change_id)
    assert len(store.list_conflicts("inspection", "i1")) == 1


def test_push_repeats_refusal_when_rejected_change_is_resent() -> None:
    store = InMemoryChangeStore()
    bad = change("create", "p1", {}, 20, record_type="photo")
    push(store, [bad])

    results = push(store, [bad])

    assert outcomes(results) == [("rejected", "unknown_record_type")]


def test_push_applies_retried_change_when_its_create_arrives() -> None:
    store = InMemoryChangeStore()
    early = change("update", "a1", {"label": "E-9"}, 20)
    push(store, [early])

    results = push(store, [create("a1"), early])

    assert outcomes(results) == [("applied", None), ("applied", None)]
    state = store.get_state("asset", "a1")
    assert state is not None
    assert state.values()["label"] == "E-9"


def test_push_holds_later_changes_to_record_when_earlier_change_must_retry() -> None:
    store = InMemoryChangeStore()
    batch = [change("update", "a1", {"label": "x"}, 20), create("a1"), create("a2")]

    results = push(store, batch)

    assert outcomes(results) == [
        ("retry", "depends_on_missing_record"),
        ("retry", "blocked_by_earlier_change"),
        ("applied", None),
    ]
    assert store.get_state("asset", "a1") is None


def test_push_saves_conflicts_when_concurrent_edits_lose() -> None:
    store = InMemoryChangeStore()
    push(store, [create("a1"), change("update", "a1", {"label": "new"}, 50)])

    push(store, [change("update", "a1", {"label": "old"}, 40, device_id="phone-b")])

    [conflict] = store.list_conflicts("asset", "a1")
    assert (conflict.lost_value, conflict.kept_value) == ("old", "new")


def test_push_leaves_no_trace_when_store_fails_mid_change() -> None:
    class FailingFeedStore(InMemoryChangeStore):
        def append_to_feed(
            self, site_id: str, record_type: str, record_id: str, version: int
        ) -> int:
            raise OSError("disk full")

    store = FailingFeedStore()

    with pytest.raises(OSError, match="disk full"):
        push(store, [create("a1", change_id="only")])

    assert store.get_state("asset", "a1") is None
    assert not store.has_change("only")


# --- pull ---


def test_pull_pages_through_every_record_when_limit_is_small() -> None:
    store = InMemoryChangeStore()
    push(store, [create(f"a{n}") for n in range(5)])

    seen: list[str] = []
    cursor = None
    while True:
        page = pull(store, cursor, 2, None)
        seen.extend(state.record_id for state in page.changes)
        cursor = page.next_cursor
        if not page.has_more:
            break

    assert seen == [f"a{n}" for n in range(5)]


def test_pull_returns_nothing_new_when_cursor_is_at_head() -> None:
    store = InMemoryChangeStore()
    push(store, [create("a1")])
    head = pull(store, None, 10, None).next_cursor

    page = pull(store, head, 10, None)

    assert (page.changes, page.has_more, page.next_cursor) == ((), False, head)


def test_pull_includes_tombstone_when_record_is_deleted() -> None:
    store = InMemoryChangeStore()
    push(store, [create("a1")])
    head = pull(store, None, 10, None).next_cursor

    push(store, [change("delete", "a1", {}, 50)])
    page = pull(store, head, 10, None)

    [tombstone] = page.changes
    assert tombstone.deleted
    assert tombstone.deleted_hlc == Hlc(50, 0, "phone-a")


def test_pull_hides_other_sites_when_visible_sites_are_given() -> None:
    store = InMemoryChangeStore()
    push(store, [create("a1", "s1"), create("a2", "s2")])

    page = pull(store, None, 10, {"s2"})

    assert [state.record_id for state in page.changes] == ["a2"]


def test_pull_raises_epoch_mismatch_when_cursor_is_from_another_epoch() -> None:
    store = InMemoryChangeStore(epoch="2025-restore")

    with pytest.raises(EpochMismatchError) as raised:
        pull(store, Cursor("2024", 7), 10, None)

    assert raised.value.server_epoch == "2025-restore"


def test_pull_raises_when_limit_is_below_one() -> None:
    with pytest.raises(ValueError, match="limit"):
        pull(InMemoryChangeStore(), None, 0, None)


# --- cursor ---


def test_cursor_round_trips_when_encoded_then_decoded() -> None:
    cursor = Cursor("e:1/2", 42)

    text = cursor.encode()

    assert Cursor.decode(text) == cursor
    assert text.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize("text", ["", "!!!", "bm90LWEtY3Vyc29y", "LTE6ZQ"])
def test_cursor_decode_raises_when_text_is_not_a_cursor(text: str) -> None:
    with pytest.raises(InvalidCursorError):
        Cursor.decode(text)
