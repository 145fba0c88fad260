"""The sync core's values: immutable, compared by value, and safe to copy and store."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError, replace
from typing import Any

import pytest

from sync.changes import Change, FieldState, RecordState, Resolution
from sync.hlc import Hlc

CLOCK = Hlc(1_732_400_000_000, 3, "phone-a")


def _change(fields: dict[str, Any]) -> Change:
    return Change("c1", "finding", "f1", "update", fields, CLOCK, "phone-a", base_version=2)


def _state() -> RecordState:
    return RecordState("finding", "f1", {"title": FieldState("Leak", CLOCK, "phone-a")}, 2)


VALUES = [
    CLOCK,
    _change({"title": "Leak"}),
    FieldState("Leak", CLOCK, "phone-a", rank=1, version=2),
    _state(),
    Resolution("applied", _state(), (), None),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_making_a_value_sets_every_field_it_declares(value: Any) -> None:
    # Each type writes its own __init__ (see sync.changes): a field added to the class
    # but not to its __init__ would be missing here.
    assert set(value.__dataclass_fields__) <= set(vars(value))


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_a_value_cannot_be_changed_once_made(value: Any) -> None:
    name = next(iter(value.__dataclass_fields__))

    with pytest.raises(FrozenInstanceError):
        setattr(value, name, None)


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_a_copy_equals_the_original_and_keeps_every_field(value: Any) -> None:
    copied = copy.copy(value)

    assert copied == value
    assert vars(copied) == vars(value)


@pytest.mark.parametrize("value", [CLOCK, VALUES[2]], ids=lambda value: type(value).__name__)
def test_a_clock_and_a_field_state_survive_pickling(value: Any) -> None:
    assert pickle.loads(pickle.dumps(value)) == value


def test_values_made_alike_by_position_or_by_name_are_equal() -> None:
    by_name = FieldState(value="Leak", hlc=CLOCK, device_id="phone-a", rank=1, version=2)

    assert by_name == FieldState("Leak", CLOCK, "phone-a", 1, 2)
    assert by_name != FieldState("Leak", CLOCK, "phone-a", 1, 3)
    assert hash(by_name) == hash(FieldState("Leak", CLOCK, "phone-a", 1, 2))
    assert Hlc(wall_ms=5, counter=0, node="n") == Hlc(5, 0, "n")


def test_defaults_fill_what_is_left_out() -> None:
    field = FieldState("Leak", CLOCK, "phone-a")
    change = Change("c1", "finding", "f1", "create", {}, CLOCK, "phone-a")

    assert (field.rank, field.version) == (0, 1)
    assert (change.user_id, change.base_version, change.observed_at_device_ms) == (None,) * 3
    assert (_state().deleted, _state().deleted_hlc) == (False, None)


def test_replace_gives_a_new_value_and_leaves_the_original() -> None:
    state = _state()

    deleted = replace(state, deleted=True, deleted_hlc=CLOCK, version=3)

    assert (deleted.deleted, deleted.version, deleted.fields) == (True, 3, state.fields)
    assert (state.deleted, state.version) == (False, 2)


def test_a_change_keeps_its_fields_as_they_were_when_it_was_made() -> None:
    fields = {"title": "Leak"}
    change = _change(fields)

    fields["title"] = "Changed after queueing"

    assert change.fields == {"title": "Leak"}
    with pytest.raises(TypeError):
        change.fields["title"] = "Changed through the change"  # type: ignore[index]


def test_a_record_state_keeps_its_fields_as_they_were_when_it_was_made() -> None:
    fields = {"title": FieldState("Leak", CLOCK, "phone-a")}
    state = RecordState("finding", "f1", fields)

    fields["status"] = FieldState("open", CLOCK, "phone-a")

    assert list(state.fields) == ["title"]
    with pytest.raises(TypeError):
        state.fields["status"] = fields["status"]  # type: ignore[index]


def test_a_clock_out_of_range_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match="counter"):
        Hlc(1, 10_000, "phone-a")
    with pytest.raises(ValueError, match="node"):
        Hlc(1, 0, "")
