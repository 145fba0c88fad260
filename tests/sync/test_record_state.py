"""A record state's newest clock: what a pull and a push result call the record's hlc."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sync.changes import FieldState, RecordState
from sync.hlc import Hlc

clocks = st.builds(
    Hlc,
    st.integers(0, 10**13),
    st.integers(0, 9999),
    st.sampled_from(["phone-a", "phone-b", "pc-office"]),
)


def _state(field_clocks: dict[str, Hlc]) -> RecordState:
    return RecordState(
        "finding",
        "f1",
        {name: FieldState(name, hlc, hlc.node) for name, hlc in field_clocks.items()},
    )


@given(st.dictionaries(st.sampled_from(["title", "status", "notes", "site_id"]), clocks))
def test_the_newest_clock_is_the_greatest_of_the_fields_clocks(
    field_clocks: dict[str, Hlc],
) -> None:
    assert _state(field_clocks).newest_hlc() == max(field_clocks.values(), default=None)


def test_fields_written_by_one_change_share_its_clock() -> None:
    shared = Hlc(1_000, 0, "phone-a")

    assert _state(dict.fromkeys(["title", "status", "notes"], shared)).newest_hlc() is shared


def test_an_equal_wall_time_is_broken_by_counter_then_node() -> None:
    newest = _state(
        {
            "title": Hlc(1_000, 1, "phone-a"),
            "status": Hlc(1_000, 1, "phone-b"),
            "notes": Hlc(1_000, 0, "phone-z"),
        }
    ).newest_hlc()

    assert newest == Hlc(1_000, 1, "phone-b")
