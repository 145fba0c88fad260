"""Every delivery order of the same changes converges, and no edit is silently lost.

Devices edit a few findings and assets with skewed clocks; the changes are delivered
shuffled, duplicated and split into batches, and whatever had to wait is re-pushed at the
end, as an outbox would. Changes carry no base_version, so the server cannot know who saw
what and must record every overwritten value; the only values it may drop without a
Conflict are ones their own device replaced later.
"""

from collections.abc import Iterable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.changes import Change, RecordState, canonical_json
from sync.feed import push
from sync.hlc import Hlc
from sync.resolve import REOPEN_COUNT
from sync.store import InMemoryChangeStore

DEVICES = ("d1", "d2", "d3")
RECORDS = (("finding", "f1"), ("finding", "f2"), ("asset", "a1"), ("asset", "a2"))
STATUSES = ("open", "in_progress", "fixed", "verified_closed", "reopened")

Identity = tuple[str, str, str, Hlc, str]  # record_id, field, value, hlc, device


def _fields(draw: st.DrawFn, record_type: str) -> dict[str, Any]:
    if record_type == "asset":
        names = draw(st.sets(st.sampled_from(("label", "place")), min_size=1))
        return {name: draw(st.sampled_from(("x", "y", "z"))) for name in sorted(names)}
    kind = draw(st.sampled_from(("note", "status", "recheck")))
    if kind == "note":
        return {"note": draw(st.sampled_from(("x", "y")))}
    count = draw(st.integers(0, 2))
    if kind == "recheck":
        return {"status": "reopened", REOPEN_COUNT: count + 1, "recheck_failed": True}
    return {"status": draw(st.sampled_from(STATUSES)), REOPEN_COUNT: count}


@st.composite
def histories(draw: st.DrawFn) -> list[Change]:
    """Creates for every record, then edits and deletes from devices with skewed clocks."""
    counters = dict.fromkeys(DEVICES, 0)

    def make(record_type: str, record_id: str, op: Any, fields: dict[str, Any]) -> Change:
        device = draw(st.sampled_from(DEVICES))
        counters[device] += 1
        hlc = Hlc(draw(st.integers(0, 30)), counters[device], device)
        change_id = f"{device}-{counters[device]}"
        return Change(change_id, record_type, record_id, op, fields, hlc, device)

    creates = [
        make(kind, rid, "create", {"status": "open"} if kind == "finding" else {"label": "new"})
        for kind, rid in RECORDS
    ]
    edits = []
    for _ in range(draw(st.integers(1, 14))):
        kind, rid = draw(st.sampled_from(RECORDS))
        if draw(st.integers(0, 9)) == 0:
            edits.append(make(kind, rid, "delete", {}))
        else:
            edits.append(make(kind, rid, "update", _fields(draw, kind)))
    return creates + edits


@st.composite
def deliveries(draw: st.DrawFn, changes: list[Change]) -> list[list[Change]]:
    """The same changes shuffled, some duplicated, split into batches."""
    shuffled = list(draw(st.permutations(changes)))
    for extra in draw(st.lists(st.sampled_from(changes), max_size=4)):
        shuffled.insert(draw(st.integers(0, len(shuffled))), extra)
    cuts = sorted(draw(st.sets(st.integers(1, len(shuffled) - 1), max_size=4)))
    bounds = [0, *cuts, len(shuffled)]
    return [shuffled[start:end] for start, end in zip(bounds, bounds[1:], strict=False)]


def deliver(batches: Iterable[list[Change]], order: list[Change]) -> InMemoryChangeStore:
    store = InMemoryChangeStore(epoch="e1")
    waiting: list[Change] = []
    for batch in batches:
        results = push(store, batch)
        waiting += [c for c, r in zip(batch, results, strict=True) if r.outcome == "retry"]
    for _ in range(3):
        # The outbox re-sends what had to wait, in the order it was made.
        again = sorted({c.change_id: c for c in waiting}.values(), key=order.index)
        results = push(store, again)
        waiting = [c for c, r in zip(again, results, strict=True) if r.outcome == "retry"]
    assert waiting == []
    return store


def final_states(store: InMemoryChangeStore) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for kind, rid in RECORDS:
        state = store.get_state(kind, rid)
        assert state is not None
        fields = {name: field.key() + (field.device_id,) for name, field in state.fields.items()}
        states[rid] = (state.deleted, state.deleted_hlc, fields)
    return states


def recorded(store: InMemoryChangeStore) -> set[Identity]:
    return {
        (c.record_id, c.field, canonical_json(c.lost_value), c.lost_hlc, c.lost_device_id)
        for kind, rid in RECORDS
        for c in store.list_conflicts(kind, rid)
    }


def written(changes: list[Change]) -> dict[Identity, tuple[int, Hlc]]:
    """Every field value the changes wrote, with its (rank, hlc) precedence."""
    values = {}
    for change in changes:
        for name, value in change.fields.items():
            if name in (REOPEN_COUNT, "recheck_failed"):
                continue
            rank = int(change.fields.get(REOPEN_COUNT, 0)) if name == "status" else 0
            identity = (change.record_id, name, canonical_json(value), change.hlc, change.device_id)
            values[identity] = (rank, change.hlc)
    return values


def replaced_by_own_device(values: dict[Identity, tuple[int, Hlc]]) -> set[Identity]:
    return {
        one
        for one, one_key in values.items()
        for other, other_key in values.items()
        if one[:2] == other[:2] and one[4] == other[4] and other_key > one_key
    }


def winners(store: InMemoryChangeStore) -> set[Identity]:
    return {
        (rid, name, canonical_json(field.value), field.hlc, field.device_id)
        for kind, rid in RECORDS
        for state in [store.get_state(kind, rid)]
        if isinstance(state, RecordState)
        for name, field in state.fields.items()
    }


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_push_converges_to_one_state_when_deliveries_are_shuffled_duplicated_and_split(
    data: st.DataObject,
) -> None:
    changes = data.draw(histories())
    batches = data.draw(deliveries(changes))

    in_order = deliver([changes], changes)
    shuffled = deliver(batches, changes)

    assert final_states(shuffled) == final_states(in_order)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_push_records_same_lost_values_when_deliveries_are_shuffled_duplicated_and_split(
    data: st.DataObject,
) -> None:
    changes = data.draw(histories())
    batches = data.draw(deliveries(changes))
    own = replaced_by_own_device(written(changes))

    in_order = deliver([changes], changes)
    shuffled = deliver(batches, changes)

    assert recorded(shuffled) - own == recorded(in_order) - own


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_push_loses_no_value_when_deliveries_are_shuffled_duplicated_and_split(
    data: st.DataObject,
) -> None:
    changes = data.draw(histories())
    batches = data.draw(deliveries(changes))
    values = written(changes)

    store = deliver(batches, changes)

    unaccounted = set(values) - winners(store) - recorded(store) - replaced_by_own_device(values)
    assert unaccounted == set()
