"""Push a batch of changes through the rules, and page through the change feed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from sync.changes import Change, Cursor, RecordState, Resolution
from sync.resolve import apply_change, needs_receipt
from sync.store import ChangeStore, Receipt

SiteIdOf = Callable[[RecordState], str]


class EpochMismatchError(Exception):
    """The client's cursor is from a feed history this server no longer has."""

    def __init__(self, server_epoch: str) -> None:
        super().__init__(f"cursor is from another epoch; server epoch is {server_epoch}")
        self.server_epoch = server_epoch


@dataclass(frozen=True)
class Page:
    """One page of the change feed: current states (tombstones too) and where to go on."""

    changes: tuple[RecordState, ...]
    next_cursor: Cursor
    has_more: bool


def site_id_from_fields(state: RecordState) -> str:
    """Return the record's `site_id` field value, or "" when it has none."""
    field = state.fields.get("site_id")
    return str(field.value) if field is not None else ""


def push(
    store: ChangeStore, changes: Iterable[Change], site_id_of: SiteIdOf = site_id_from_fields
) -> list[Resolution]:
    """Apply changes in order, each atomically, and return one Resolution per change.

    One refused change never blocks the others; but once a change must wait ('retry'),
    later changes to the same record in the batch wait too, so per-record order holds.
    """
    waiting: set[tuple[str, str]] = set()
    results = []
    for change in changes:
        key = (change.record_type, change.record_id)
        if key in waiting:
            results.append(Resolution("retry", None, reason_code="blocked_by_earlier_change"))
            continue
        with store.transaction():
            resolution = _push_one(store, change, site_id_of)
        if resolution.outcome == "retry":
            waiting.add(key)
        results.append(resolution)
    return results


def _push_one(store: ChangeStore, change: Change, site_id_of: SiteIdOf) -> Resolution:
    state = store.get_state(change.record_type, change.record_id)
    receipt = store.find_receipt(change.change_id)
    if receipt is not None:
        # A re-send gets its first answer again: already applied, or the same refusal.
        if receipt.outcome == "rejected":
            return Resolution("rejected", state, reason_code=receipt.reason_code)
        return Resolution("already_applied", state)
    resolution = apply_change(state, change, ())
    if resolution.outcome == "retry":
        return resolution  # not remembered: the same change_id must apply once it can
    if needs_receipt(change, resolution):
        store.remember_change(
            change.change_id, Receipt(change.change_id, resolution.outcome, resolution.reason_code)
        )
    store.save_conflicts(resolution.conflicts)
    new_state = resolution.new_state
    if new_state is not None and new_state != state:
        store.save_state(new_state)
        store.append_to_feed(
            site_id_of(new_state), new_state.record_type, new_state.record_id, new_state.version
        )
    return resolution


def pull(
    store: ChangeStore,
    cursor: Cursor | None,
    limit: int,
    visible_site_ids: Collection[str] | None,
) -> Page:
    """Return the records changed after `cursor`, oldest first; None starts from the beginning.

    Raises EpochMismatchError for a cursor from another epoch: the client must re-push
    what this epoch has not acknowledged, then pull again from the start.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if cursor is not None and cursor.epoch != store.epoch:
        raise EpochMismatchError(store.epoch)
    after_seq = cursor.seq if cursor is not None else 0
    entries = store.read_feed(after_seq, limit + 1, visible_site_ids)
    page = entries[:limit]
    states = []
    for entry in page:
        state = store.get_state(entry.record_type, entry.record_id)
        if state is not None:
            states.append(state)
    next_seq = page[-1].seq if page else after_seq
    return Page(tuple(states), Cursor(store.epoch, next_seq), len(entries) > limit)
