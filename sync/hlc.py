"""Hybrid logical clock: a wall-clock timestamp made causal and totally ordered."""

from __future__ import annotations

from dataclasses import dataclass

WALL_DIGITS = 18
COUNTER_DIGITS = 4
MAX_COUNTER = 10**COUNTER_DIGITS - 1
MAX_WALL_MS = 10**WALL_DIGITS - 1


class InvalidHlcError(ValueError):
    """An HLC string or value that cannot be used."""


class ClockSkewError(ValueError):
    """A remote clock is further ahead of ours than we accept."""


@dataclass(frozen=True, order=True, init=False)
class Hlc:
    """A hybrid logical clock reading, ordered by (wall_ms, counter, node)."""

    wall_ms: int
    counter: int
    node: str

    def __init__(self, wall_ms: int, counter: int, node: str) -> None:
        if not 0 <= wall_ms <= MAX_WALL_MS:
            raise InvalidHlcError(f"wall_ms out of range: {wall_ms}")
        if not 0 <= counter <= MAX_COUNTER:
            raise InvalidHlcError(f"counter out of range: {counter}")
        # The node ends the string and breaks ties, so it must be present and unambiguous.
        if not node or not node.isprintable() or " " in node:
            raise InvalidHlcError(f"bad node: {node!r}")
        # All fields at once, as sync.changes' value types do (one push decodes hundreds).
        self.__dict__.update(wall_ms=wall_ms, counter=counter, node=node)

    def encode(self) -> str:
        """Return the fixed-width form whose string order equals the clock order."""
        # A pushed change's clock is that of each of its fields, encoded again for each
        # field's stored clock, the record's newest clock and the result: once is enough.
        # Kept beside the fields by hand: functools.cached_property takes a lock each time.
        encoded: str | None = self.__dict__.get("_encoded")
        if encoded is None:
            wall, counter = f"{self.wall_ms:0{WALL_DIGITS}d}", f"{self.counter:0{COUNTER_DIGITS}d}"
            encoded = f"{wall}-{counter}-{self.node}"
            self.__dict__["_encoded"] = encoded
        return encoded

    @classmethod
    def decode(cls, text: str) -> Hlc:
        """Parse the form written by `encode`; raise InvalidHlcError otherwise."""
        parts = text.split("-", 2)
        if len(parts) != 3:
            raise InvalidHlcError(f"not an HLC: {text!r}")
        wall, counter, node = parts
        if len(wall) != WALL_DIGITS or len(counter) != COUNTER_DIGITS:
            raise InvalidHlcError(f"not an HLC: {text!r}")
        if not (wall.isdecimal() and counter.isdecimal()):
            raise InvalidHlcError(f"not an HLC: {text!r}")
        return cls(int(wall), int(counter), node)


def _make(wall_ms: int, counter: int, node: str) -> Hlc:
    # More than 10,000 events in one millisecond: borrow the next millisecond rather than
    # widen the string, so encoded clocks stay fixed-width and sortable.
    if counter > MAX_COUNTER:
        return Hlc(wall_ms + 1, 0, node)
    return Hlc(wall_ms, counter, node)


def tick(local: Hlc, now_ms: int) -> Hlc:
    """Return the clock for a new local event (a send or an edit)."""
    wall_ms = max(local.wall_ms, now_ms)
    counter = local.counter + 1 if wall_ms == local.wall_ms else 0
    return _make(wall_ms, counter, local.node)


def receive(local: Hlc, remote: Hlc, now_ms: int, max_skew_ms: int) -> Hlc:
    """Return the clock after seeing `remote`; raise ClockSkewError if it is too far ahead."""
    if remote.wall_ms - now_ms > max_skew_ms:
        raise ClockSkewError(f"remote clock {remote.wall_ms - now_ms} ms ahead")
    wall_ms = max(local.wall_ms, remote.wall_ms, now_ms)
    if wall_ms == local.wall_ms == remote.wall_ms:
        counter = max(local.counter, remote.counter) + 1
    elif wall_ms == local.wall_ms:
        counter = local.counter + 1
    elif wall_ms == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _make(wall_ms, counter, local.node)


def clamp_remote(remote: Hlc, server_now_ms: int, max_skew_ms: int) -> Hlc:
    """Bound a device's clock to at most `max_skew_ms` ahead of the server.

    Rule: last-writer-wins trusts device clocks, so a phone whose clock is a year ahead
    would win every field it touches for a year. The server therefore rewrites a pushed
    HLC whose wall time is more than `max_skew_ms` ahead of its own clock to exactly
    `server_now_ms + max_skew_ms`, keeping counter and node (order among that device's
    edits is kept, ties stay impossible). Edits made anywhere more than `max_skew_ms`
    later win over it again. A clock that is behind is left alone: it only makes that
    device's edits lose, never win. The server clamps once, when it first receives a
    change, stores the clamped HLC, and echoes it back; a re-push is answered from the
    stored result, so clamping never makes the outcome depend on arrival time.
    """
    limit_ms = server_now_ms + max_skew_ms
    if remote.wall_ms <= limit_ms:
        return remote
    return Hlc(limit_ms, remote.counter, remote.node)
