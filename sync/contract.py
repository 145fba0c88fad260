"""Behaviour every ChangeStore must show; run it against each implementation.

Each check is a plain function taking a factory that returns an empty store, and uses
bare asserts, so a pytest module can parametrize over CONTRACT (see
tests/sync/test_contract_memory.py) for the in-memory and the PostgreSQL store alike.
"""

from __future__ import annotations

from collections.abc import Callable

from sync.changes import Conflict, FieldState, RecordState
from sync.hlc import Hlc
from sync.store import ChangeStore, Receipt

StoreFactory = Callable[[], ChangeStore]

_HLC = Hlc(1_732_400_000_000, 0, "phone-a")


def _state(record_id: str = "f1", version: int = 1, **values: object) -> RecordState:
    fields = {name: FieldState(value, _HLC, "phone-a") for name, value in values.items()}
    return RecordState("finding", record_id, fields, version=version)


def test_get_state_returns_none_when_record_is_unknown(make_store: StoreFactory) -> None:
    """An unknown record has no state."""
    store = make_store()

    assert store.get_state("finding", "nope") is None


def test_save_state_round_trips_when_state_is_saved(make_store: StoreFactory) -> None:
    """A saved state reads back equal, field states included."""
    store = make_store()
    state = _state(note="dust on sill", status="open")

    store.save_state(state)

    assert store.get_state("finding", "f1") == state


def test_save_state_replaces_when_record_is_saved_again(make_store: StoreFactory) -> None:
    """The latest save wins."""
    store = make_store()
    store.save_state(_state(status="open"))

    store.save_state(_state(version=2, status="fixed"))

    saved = store.get_state("finding", "f1")
    assert saved is not None
    assert (saved.version, saved.values()) == (2, {"status": "fixed"})


def test_save_state_keeps_tombstone_when_record_is_deleted(make_store: StoreFactory) -> None:
    """Tombstones are states too, with their values and delete clock."""
    store = make_store()
    tombstone = RecordState(
        "asset", "a1", {"label": FieldState("E-12", _HLC, "phone-a")}, 3, True, _HLC
    )

    store.save_state(tombstone)

    assert store.get_state("asset", "a1") == tombstone


def test_remember_change_keeps_first_receipt_when_change_is_remembered_twice(
    make_store: StoreFactory,
) -> None:
    """A change id's first decision is the one a re-send is answered with."""
    store = make_store()
    first = Receipt("c1", "rejected", "record_deleted")

    store.remember_change("c1", first)
    store.remember_change("c1", Receipt("c1", "applied"))

    assert store.has_change("c1")
    assert store.find_receipt("c1") == first
    assert not store.has_change("c2")


def test_list_conflicts_returns_record_conflicts_when_saved(make_store: StoreFactory) -> None:
    """Conflicts are kept per record, oldest first."""
    store = make_store()
    first = Conflict("finding", "f1", "note", "a", _HLC, "b", _HLC, "phone-b", "concurrent_edit")
    second = Conflict("finding", "f1", "note", "a", _HLC, "c", _HLC, "phone-c", "concurrent_edit")
    other = Conflict("finding", "f2", "note", "a", _HLC, "d", _HLC, "phone-b", "concurrent_edit")

    store.save_conflicts([first, other])
    store.save_conflicts([second])

    assert store.list_conflicts("finding", "f1") == [first, second]


def test_append_to_feed_returns_increasing_seqs_when_records_change(
    make_store: StoreFactory,
) -> None:
    """Seqs grow strictly, across records."""
    store = make_store()

    seqs = [store.append_to_feed("s1", "finding", f"f{n}", 1) for n in range(3)]

    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 3
    assert seqs[0] > 0


def test_read_feed_lists_record_once_at_latest_seq_when_record_changes_twice(
    make_store: StoreFactory,
) -> None:
    """The feed holds each record once, at its latest change."""
    store = make_store()
    store.append_to_feed("s1", "finding", "f1", 1)
    store.append_to_feed("s1", "finding", "f2", 1)
    last = store.append_to_feed("s1", "finding", "f1", 2)

    entries = store.read_feed(0, 10, None)

    assert [(entry.record_id, entry.version) for entry in entries] == [("f2", 1), ("f1", 2)]
    assert entries[-1].seq == last


def test_read_feed_pages_without_skipping_when_limit_is_small(make_store: StoreFactory) -> None:
    """Reading after the last seen seq, page by page, visits every entry once."""
    store = make_store()
    for n in range(5):
        store.append_to_feed("s1", "asset", f"a{n}", 1)

    seen: list[str] = []
    after = 0
    while entries := store.read_feed(after, 2, None):
        seen.extend(entry.record_id for entry in entries)
        after = entries[-1].seq

    assert seen == [f"a{n}" for n in range(5)]


def test_read_feed_hides_other_sites_when_site_ids_are_given(make_store: StoreFactory) -> None:
    """Only the visible sites' entries are returned; None means every site."""
    store = make_store()
    store.append_to_feed("s1", "asset", "a1", 1)
    store.append_to_feed("s2", "asset", "a2", 1)

    visible = store.read_feed(0, 10, {"s2"})
    everything = store.read_feed(0, 10, None)

    assert [entry.record_id for entry in visible] == ["a2"]
    assert [entry.record_id for entry in everything] == ["a1", "a2"]


def test_transaction_discards_writes_when_body_raises(make_store: StoreFactory) -> None:
    """A change's writes commit together or not at all."""
    store = make_store()

    try:
        with store.transaction():
            store.save_state(_state(status="open"))
            store.remember_change("c1", Receipt("c1", "applied"))
            store.append_to_feed("s1", "finding", "f1", 1)
            raise RuntimeError("crash mid-change")
    except RuntimeError:
        pass

    assert store.get_state("finding", "f1") is None
    assert not store.has_change("c1")
    assert store.read_feed(0, 10, None) == []


def test_epoch_is_stable_when_read_twice(make_store: StoreFactory) -> None:
    """One store keeps one epoch, and it is a non-empty string."""
    store = make_store()

    assert store.epoch == store.epoch
    assert isinstance(store.epoch, str)
    assert store.epoch


CONTRACT: tuple[Callable[[StoreFactory], None], ...] = (
    test_get_state_returns_none_when_record_is_unknown,
    test_save_state_round_trips_when_state_is_saved,
    test_save_state_replaces_when_record_is_saved_again,
    test_save_state_keeps_tombstone_when_record_is_deleted,
    test_remember_change_keeps_first_receipt_when_change_is_remembered_twice,
    test_list_conflicts_returns_record_conflicts_when_saved,
    test_append_to_feed_returns_increasing_seqs_when_records_change,
    test_read_feed_lists_record_once_at_latest_seq_when_record_changes_twice,
    test_read_feed_pages_without_skipping_when_limit_is_small,
    test_read_feed_hides_other_sites_when_site_ids_are_given,
    test_transaction_discards_writes_when_body_raises,
    test_epoch_is_stable_when_read_twice,
)
