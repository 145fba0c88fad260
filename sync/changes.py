"""Values the sync core exchanges: changes, record states, conflicts, resolutions, cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from sync.hlc import Hlc

Op = Literal["create", "update", "delete", "submit"]
Outcome = Literal["applied", "already_applied", "merged", "rejected", "retry"]
OPS: frozenset[str] = frozenset({"create", "update", "delete", "submit"})


def canonical_json(value: Any) -> str:
    """Return one stable JSON text for a value, used for equality and tie-breaking."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    """One operation from a device's outbox on one record."""

    change_id: str
    record_type: str
    record_id: str
    op: Op
    fields: Mapping[str, Any]
    hlc: Hlc
    device_id: str
    user_id: str | None = None
    base_version: int | None = None
    observed_at_device_ms: int | None = None

    def __post_init__(self) -> None:
        # A read-only copy: the caller's dict may still be mutated after the change is queued.
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))


@dataclass(frozen=True)
class FieldState:
    """The current value of one field and who wrote it when.

    `rank` is domain precedence applied before clocks (for a finding's status: the
    re-open round), so a field's winner is the greatest `key()`. `version` is the record
    version that wrote it, so a later change can tell whether its author had seen it.
    """

    value: Any
    hlc: Hlc
    device_id: str
    rank: int = 0
    version: int = 1

    def key(self) -> tuple[int, Hlc, str]:
        """Return the total order used by last-writer-wins (value text breaks bogus ties)."""
        return (self.rank, self.hlc, canonical_json(self.value))


@dataclass(frozen=True)
class RecordState:
    """What the server holds for one record; a tombstone keeps its last field values."""

    record_type: str
    record_id: str
    fields: Mapping[str, FieldState]
    version: int = 1
    deleted: bool = False
    deleted_hlc: Hlc | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def values(self) -> dict[str, Any]:
        """Return the plain field values."""
        return {name: state.value for name, state in self.fields.items()}

    def newest_hlc(self) -> Hlc | None:
        """Return the clock of the latest field change (None for a record without fields)."""
        # One change's fields share its clock object (a submitted inspection's eight): `is`
        # spares them the dataclass comparison, which builds two tuples each time.
        newest: Hlc | None = None
        for field in self.fields.values():
            hlc = field.hlc
            if newest is None or (hlc is not newest and hlc > newest):
                newest = hlc
        return newest


@dataclass(frozen=True)
class Conflict:
    """A value that did not survive, kept so a person can review or restore it."""

    record_type: str
    record_id: str
    field: str
    kept_value: Any
    kept_hlc: Hlc | None
    lost_value: Any
    lost_hlc: Hlc
    lost_device_id: str
    reason: str


@dataclass(frozen=True)
class Resolution:
    """What applying one change did: outcome, resulting state, conflicts, and why."""

    outcome: Outcome
    new_state: RecordState | None
    conflicts: tuple[Conflict, ...] = ()
    reason_code: str | None = None


class InvalidCursorError(ValueError):
    """A cursor string that this server did not write."""


@dataclass(frozen=True)
class Cursor:
    """A position in one epoch of the change feed."""

    epoch: str
    seq: int

    def encode(self) -> str:
        """Return an opaque url-safe string."""
        raw = f"{self.seq}:{self.epoch}".encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """Parse a string from `encode`; raise InvalidCursorError otherwise."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            seq_text, epoch = raw.split(":", 1)
            seq = int(seq_text)
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise InvalidCursorError(f"bad cursor: {text!r}") from error
        if seq < 0 or not epoch:
            raise InvalidCursorError(f"bad cursor: {text!r}")
        return cls(epoch, seq)
