"""Hybrid logical clock: ordering, encoding, tick, receive and the server's skew clamp."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.hlc import (
    MAX_COUNTER,
    ClockSkewError,
    Hlc,
    InvalidHlcError,
    clamp_remote,
    receive,
    tick,
)

NOW = 1_732_400_000_000
SKEW = 60_000

hlcs = st.builds(
    Hlc,
    st.integers(0, 10**15),
    st.integers(0, MAX_COUNTER),
    st.text(alphabet="abc-XYZ09", min_size=1, max_size=6),
)


def test_hlc_encodes_fixed_width_when_encoded() -> None:
    assert Hlc(NOW, 3, "phone-a").encode() == "000001732400000000-0003-phone-a"


@settings(max_examples=100)
@given(hlcs)
def test_hlc_round_trips_when_encoded_then_decoded(hlc: Hlc) -> None:
    assert Hlc.decode(hlc.encode()) == hlc


@settings(max_examples=100)
@given(hlcs, hlcs)
def test_hlc_string_order_matches_clock_order_when_encoded(left: Hlc, right: Hlc) -> None:
    assert (left < right) == (left.encode() < right.encode())


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # wall time decides first
        (Hlc(1, 9, "z"), Hlc(2, 0, "a")),
        # then the counter
        (Hlc(1, 1, "z"), Hlc(1, 2, "a")),
        # then the node, so two devices never tie
        (Hlc(1, 1, "a"), Hlc(1, 1, "b")),
    ],
)
def test_hlc_orders_by_wall_counter_node_when_compared(left: Hlc, right: Hlc) -> None:
    assert left < right


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123",
        "1732400000000-0003-a",
        "000001732400000000-03-a",
        "000001732400000000-0003-",
        "00000173240000000x-0003-a",
    ],
)
def test_hlc_decode_raises_when_text_is_malformed(text: str) -> None:
    with pytest.raises(InvalidHlcError):
        Hlc.decode(text)


def test_hlc_raises_when_node_has_space() -> None:
    with pytest.raises(InvalidHlcError):
        Hlc(NOW, 0, "phone a")


def test_tick_uses_wall_clock_when_it_moved_forward() -> None:
    assert tick(Hlc(NOW, 5, "a"), NOW + 10) == Hlc(NOW + 10, 0, "a")


def test_tick_bumps_counter_when_wall_clock_stood_still_or_went_back() -> None:
    assert tick(Hlc(NOW, 5, "a"), NOW - 1000) == Hlc(NOW, 6, "a")


def test_tick_borrows_next_millisecond_when_counter_overflows() -> None:
    assert tick(Hlc(NOW, MAX_COUNTER, "a"), NOW) == Hlc(NOW + 1, 0, "a")


def test_receive_moves_past_remote_when_remote_is_ahead() -> None:
    local = Hlc(NOW, 2, "server")

    result = receive(local, Hlc(NOW + 500, 7, "phone"), NOW, SKEW)

    assert result == Hlc(NOW + 500, 8, "server")


def test_receive_takes_larger_counter_when_walls_are_equal() -> None:
    result = receive(Hlc(NOW, 2, "server"), Hlc(NOW, 7, "phone"), NOW - 5, SKEW)

    assert result == Hlc(NOW, 8, "server")


def test_receive_resets_counter_when_local_wall_clock_is_newest() -> None:
    result = receive(Hlc(NOW, 2, "server"), Hlc(NOW, 7, "phone"), NOW + 5, SKEW)

    assert result == Hlc(NOW + 5, 0, "server")


def test_receive_raises_when_remote_is_further_ahead_than_max_skew() -> None:
    with pytest.raises(ClockSkewError):
        receive(Hlc(NOW, 0, "server"), Hlc(NOW + SKEW + 1, 0, "phone"), NOW, SKEW)


@settings(max_examples=100)
@given(hlcs, hlcs, st.integers(0, 10**15))
def test_receive_result_is_after_both_when_remote_is_within_skew(
    local: Hlc, remote: Hlc, now_ms: int
) -> None:
    result = receive(local, remote, max(now_ms, remote.wall_ms), SKEW)

    assert result > local
    assert (result.wall_ms, result.counter) > (remote.wall_ms, remote.counter)


def test_clamp_remote_keeps_clock_when_within_skew() -> None:
    remote = Hlc(NOW + SKEW, 4, "phone")

    assert clamp_remote(remote, NOW, SKEW) == remote


def test_clamp_remote_pulls_clock_back_when_phone_is_a_year_ahead() -> None:
    year_ahead = Hlc(NOW + 365 * 86_400_000, 4, "phone")

    clamped = clamp_remote(year_ahead, NOW, SKEW)

    assert clamped == Hlc(NOW + SKEW, 4, "phone")
    assert clamped < Hlc(NOW + SKEW + 1, 0, "other-phone")


def test_clamp_remote_keeps_clock_when_phone_is_behind() -> None:
    behind = Hlc(NOW - 86_400_000, 0, "phone")

    assert clamp_remote(behind, NOW, SKEW) == behind
