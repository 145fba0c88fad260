"""The storage port of the sync core (ChangeStore) and an in-memory implementation."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Protocol

from sync.changes import Conflict, Outcome, RecordState


@dataclass(frozen=True)
class Receipt:
    """What a change did the first time, so a re-send gets the same answer."""

    change_id: str
    outcome: Outcome
    reason_code: str | None = None


@dataclass(frozen=True)
class FeedEntry:
    """A record's place in the change feed: its latest seq and version."""

    seq: int
    site_id: str
    record_type: str
    record_id: str
    version: int


class ChangeStore(Protocol):
    """Where record states, seen change ids, conflicts and the change feed live.

    Duty of every implementation: feed seqs are allocated in commit order (PostgreSQL:
    take the next seq under a lock held to commit, e.g. a counter row updated in the same
    transaction), so a reader that has seen seq N never later finds an N-1 appear; that
    is what lets pull promise it never skips a change.
    """

    @property
    def epoch(self) -> str:
        """Return the feed's epoch; it changes when feed history is lost (e.g. a restore)."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Return a context whose writes commit together or not at all."""
        ...

    def get_state(self, record_type: str, record_id: str) -> RecordState | None:
        """Return a record's state, tombstones included, or None if never seen."""
        ...

    def save_state(self, state: RecordState) -> None:
        """Insert or replace a record's state."""
        ...

    def has_change(self, change_id: str) -> bool:
        """Return True if this change id has been decided before."""
        ...

    def find_receipt(self, change_id: str) -> Receipt | None:
        """Return the first decision about a change id, if any."""
        ...

    def remember_change(self, change_id: str, result: Receipt) -> None:
        """Record the decision about a change id; the first decision is kept."""
        ...

    def save_conflicts(self, conflicts: Sequence[Conflict]) -> None:
        """Keep lost values for review."""
        ...

    def list_conflicts(self, record_type: str, record_id: str) -> list[Conflict]:
        """Return a record's recorded conflicts, oldest first."""
        ...

    def append_to_feed(self, site_id: str, record_type: str, record_id: str, version: int) -> int:
        """Move a record to the head of the feed and return its new seq."""
        ...

    def read_feed(
        self, after_seq: int, limit: int, site_ids: Collection[str] | None
    ) -> list[FeedEntry]:
        """Return up to `limit` entries with seq > after_seq, by seq; None means all sites."""
        ...


class InMemoryChangeStore:
    """A ChangeStore in dicts, for tests and for reasoning about the rules."""

    def __init__(self, epoch: str | None = None) -> None:
        self._epoch = epoch or uuid.uuid4().hex
        self._states: dict[tuple[str, str], RecordState] = {}
        self._receipts: dict[str, Receipt] = {}
        self._conflicts: list[Conflict] = []
        self._feed: dict[tuple[str, str], FeedEntry] = {}
        self._last_seq = 0

    @property
    def epoch(self) -> str:
        """Return the feed's epoch."""
        return self._epoch

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        saved = copy.copy(self.__dict__)
        saved["_conflicts"] = list(self._conflicts)
        for name in ("_states", "_receipts", "_feed"):
            saved[name] = dict(getattr(self, name))
        try:
            yield
        except BaseException:
            self.__dict__.update(saved)
            raise

    def transaction(self) -> AbstractContextManager[None]:
        """Return a context that restores every dict if its body raises."""
        return self._snapshot()

    def get_state(self, record_type: str, record_id: str) -> RecordState | None:
        """Return a record's state or None."""
        return self._states.get((record_type, record_id))

    def save_state(self, state: RecordState) -> None:
        """Insert or replace a record's state."""
        self._states[(state.record_type, state.record_id)] = state

    def has_change(self, change_id: str) -> bool:
        """Return True if this change id has been decided before."""
        return change_id in self._receipts

    def find_receipt(self, change_id: str) -> Receipt | None:
        """Return the first decision about a change id, if any."""
        return self._receipts.get(change_id)

    def remember_change(self, change_id: str, result: Receipt) -> None:
        """Record the decision about a change id; the first decision is kept."""
        self._receipts.setdefault(change_id, result)

    def save_conflicts(self, conflicts: Sequence[Conflict]) -> None:
        """Keep lost values for review."""
        self._conflicts.extend(conflicts)

    def list_conflicts(self, record_type: str, record_id: str) -> list[Conflict]:
        """Return a record's recorded conflicts, oldest first."""
        return [
            conflict
            for conflict in self._conflicts
            if (conflict.record_type, conflict.record_id) == (record_type, record_id)
        ]

    def append_to_feed(self, site_id: str, record_type: str, record_id: str, version: int) -> int:
        """Move a record to the head of the feed and return its new seq."""
        self._last_seq += 1
        entry = FeedEntry(self._last_seq, site_id, record_type, record_id, version)
        self._feed[(record_type, record_id)] = entry
        return entry.seq

    def read_feed(
        self, after_seq: int, limit: int, site_ids: Collection[str] | None
    ) -> list[FeedEntry]:
        """Return up to `limit` entries with seq > after_seq, by seq."""
        entries = sorted(
            (
                entry
                for entry in self._feed.values()
                if entry.seq > after_seq and (site_ids is None or entry.site_id in site_ids)
            ),
            key=lambda entry: entry.seq,
        )
        return entries[:limit]
