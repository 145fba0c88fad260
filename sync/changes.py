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


# The value types below are frozen dataclasses with their own __init__, which sets every
# field at once in the instance's __dict__. The generated one sets each field through
# object.__setattr__, one call per field: a push of 100 inspections builds some 1,200 of
# them, and building them was the larger part of applying the sync rules to it.


@dataclass(frozen=True, init=False)
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

    def __init__(
        self,
        change_id: str,
        record_type: str,
        record_id: str,
        op: Op,
        fields: Mapping[str, Any],
        hlc: Hlc,
        device_id: str,
        user_id: str | None = None,
        base_version: int | None = None,
        observed_at_device_ms: int | None = None,
    ) -> None:
        self.__dict__.update(
            change_id=change_id,
            record_type=record_type,
            record_id=record_id,
            op=op,
            # A read-only copy: the caller's dict may still change after the change is queued.
            fields=MappingProxyType(dict(fields)),
            hlc=hlc,
            device_id=device_id,
            user_id=user_id,
            base_version=base_version,
            observed_at_device_ms=observed_at_device_ms,
        )


@dataclass(frozen=True, init=False)
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

    def __init__(
        self, value: Any, hlc: Hlc, device_id: str, rank: int = 0, version: int = 1
    ) -> None:
        self.__dict__.update(value=value, hlc=hlc, device_id=device_id, rank=rank, version=version)

    def key(self) -> tuple[int, Hlc, str]:
        """Return the total order used by last-writer-wins (value text breaks bogus ties)."""
        return (self.rank, self.hlc, canonical_json(self.value))


@dataclass(frozen=True, init=False)
class RecordState:
    """What the server holds for one record; a tombstone keeps its last field values."""

    record_type: str
    record_id: str
    fields: Mapping[str, FieldState]
    version: int = 1
    deleted: bool = False
    deleted_hlc: Hlc | None = None

    def __init__(
        self,
        record_type: str,
        record_id: str,
        fields: Mapping[str, FieldState],
        version: int = 1,
        deleted: bool = False,
        deleted_hlc: Hlc | None = None,
    ) -> None:
        self.__dict__.update(
            record_type=record_type,
            record_id=record_id,
            fields=MappingProxyType(dict(fields)),
            version=version,
            deleted=deleted,
            deleted_hlc=deleted_hlc,
        )

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


@dataclass(frozen=True, init=False)
class Resolution:
    """What applying one change did: outcome, resulting state, conflicts, and why."""

    outcome: Outcome
    new_state: RecordState | None
    conflicts: tuple[Conflict, ...] = ()
    reason_code: str | None = None

    def __init__(
        self,
        outcome: Outcome,
        new_state: RecordState | None,
        conflicts: tuple[Conflict, ...] = (),
        reason_code: str | None = None,
    ) -> None:
        self.__dict__.update(
            outcome=outcome, new_state=new_state, conflicts=conflicts, reason_code=reason_code
        )


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
