"""Roundbook's offline sync core: pure Python rules for merging what phones push.

Glossary:
    op: what a change does to its record: create, update, delete or submit (submit
        records an inspection, which is a fact and never changes afterwards).
    outbox: the phone's queue of changes not yet acknowledged by the server; it is
        drained in order and re-sent until each change has a result.
    change: one op on one record, with a unique change_id (so re-sends are harmless),
        the fields it sets, its HLC, the device, and the version it was based on.
    cursor: an opaque position (epoch, seq) in the server's change feed; pull returns
        what changed after it.
    base_version: the record version the device had when it made the change; kept for
        audit, while merging uses HLCs because versions depend on arrival order.
    tombstone: what a deleted record becomes: still stored and sent through the feed,
        dated by the earliest delete's HLC, keeping its last values for a restore.
    conflict: a value that lost (to a newer edit, a delete, or a domain rule), kept with
        who wrote it and why it lost, so nothing a person typed is silently thrown away.
    HLC: hybrid logical clock (wall ms, counter, node): close to real time, consistent
        with causality, and totally ordered, so every server picks the same winner.
    epoch: the identity of one feed history; a cursor from another epoch (after a
        restore) makes the client re-push and pull from the start.
"""

from sync.changes import (
    Change,
    Conflict,
    Cursor,
    FieldState,
    InvalidCursorError,
    Op,
    Outcome,
    RecordState,
    Resolution,
)
from sync.feed import EpochMismatchError, Page, pull, push, site_id_from_fields
from sync.hlc import ClockSkewError, Hlc, InvalidHlcError, clamp_remote, receive, tick
from sync.resolve import (
    apply_change,
    corrected_time,
    holds_fact,
    measure_clock_offset,
    needs_receipt,
    newer_observation,
    validate_change,
)
from sync.store import ChangeStore, FeedEntry, InMemoryChangeStore, Receipt

__all__ = [
    "Change",
    "ChangeStore",
    "ClockSkewError",
    "Conflict",
    "Cursor",
    "EpochMismatchError",
    "FeedEntry",
    "FieldState",
    "Hlc",
    "InMemoryChangeStore",
    "InvalidCursorError",
    "InvalidHlcError",
    "Op",
    "Outcome",
    "Page",
    "Receipt",
    "RecordState",
    "Resolution",
    "apply_change",
    "clamp_remote",
    "corrected_time",
    "holds_fact",
    "measure_clock_offset",
    "needs_receipt",
    "newer_observation",
    "pull",
    "push",
    "receive",
    "site_id_from_fields",
    "tick",
    "validate_change",
]
