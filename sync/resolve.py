"""Conflict rules: a record's state and one change in, a Resolution out (no I/O)."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import replace
from typing import Any

from sync.changes import OPS, Change, Conflict, FieldState, RecordState, Resolution

FACT_RECORD_TYPES = frozenset({"inspection"})
MUTABLE_RECORD_TYPES = frozenset({"finding", "asset", "location"})
FINDING_STATUSES = frozenset({"open", "in_progress", "fixed", "verified_closed", "reopened"})
STATUS = "status"
# Control fields of a finding's status change; they steer the merge and are not stored.
REOPEN_COUNT = "reopen_count"
RECHECK_FAILED = "recheck_failed"
WHOLE_RECORD = "*"


def apply_change(
    state: RecordState | None, change: Change, applied_change_ids: Container[str]
) -> Resolution:
    """Decide what one change does to a record; bad input is rejected, never raised."""
    # Rule: a change_id seen before is a re-send after a lost acknowledgement.
    if change.change_id in applied_change_ids:
        return Resolution("already_applied", state)
    problem = validate_change(change)
    if problem is not None:
        # Rule: a malformed change is refused whole, with a code the client can show.
        return Resolution("rejected", state, reason_code=problem)
    if change.record_type in FACT_RECORD_TYPES:
        return _apply_to_fact(state, change)
    return _apply_to_mutable(state, change)


def validate_change(change: Change) -> str | None:
    """Return a rejection code for a change no rule can apply, else None."""
    if change.op not in OPS:
        return "unknown_op"
    if change.record_type in FACT_RECORD_TYPES:
        return None
    if change.record_type not in MUTABLE_RECORD_TYPES:
        return "unknown_record_type"
    if change.op == "submit":
        return "op_not_allowed"
    if change.record_type == "finding":
        return _validate_finding(change.fields)
    return None


def _validate_finding(fields: Mapping[str, Any]) -> str | None:
    if STATUS in fields and fields[STATUS] not in FINDING_STATUSES:
        return "invalid_status"
    count = fields.get(REOPEN_COUNT, 0)
    if type(count) is not int or count < 0 or (REOPEN_COUNT in fields and STATUS not in fields):
        return "invalid_reopen_count"
    if fields.get(RECHECK_FAILED, False) is not False and (
        fields[RECHECK_FAILED] is not True
        or fields.get(STATUS) != "reopened"
        or REOPEN_COUNT not in fields
    ):
        return "invalid_recheck"
    return None


# --- Inspections are facts -------------------------------------------------------------


def _apply_to_fact(state: RecordState | None, change: Change) -> Resolution:
    if change.op in ("update", "delete"):
        # Rule: an inspection is a fact; a correction is a new record with `revision_of`.
        return Resolution("rejected", state, reason_code="inspection_is_immutable")
    if state is None:
        # Rule: the first create/submit records the fact (both ops mean "record this check").
        return Resolution(
            "applied",
            RecordState(change.record_type, change.record_id, _incoming_fields(change, 1)),
        )
    if holds_fact(state, change.record_type, change.fields):
        # Rule: the same content under the same id is a re-send (e.g. a reinstalled app).
        return Resolution("already_applied", state)
    # Rule: the id already holds a different fact; keep the first, return the second whole.
    lost = Conflict(
        change.record_type,
        change.record_id,
        WHOLE_RECORD,
        state.values(),
        state.newest_hlc(),
        dict(change.fields),
        change.hlc,
        change.device_id,
        "record_id_reused",
    )
    return Resolution("rejected", state, (lost,), "record_id_reused")


def holds_fact(state: RecordState | None, record_type: str, fields: Mapping[str, Any]) -> bool:
    """Whether the record already holds this fact: a change bringing it is a re-send."""
    return (
        record_type in FACT_RECORD_TYPES
        and state is not None
        and not state.deleted
        and dict(fields) == state.values()
    )


def needs_receipt(change: Change, resolution: Resolution) -> bool:
    """Whether a re-send of this change needs its decision stored to get the same answer.

    Rule: a fact answers its own re-sends. Once recorded (applied, or found already
    there), the same content under the same id is already_applied, so a re-send gets
    that answer from the record itself, and storing the decision too would only double
    every inspection's writes. Every other decision (a refusal, a merge) is stored.
    """
    return not (
        change.record_type in FACT_RECORD_TYPES
        and resolution.outcome in ("applied", "already_applied")
    )


# --- Mutable records: field-by-field last writer wins -----------------------------------


def _apply_to_mutable(state: RecordState | None, change: Change) -> Resolution:
    if state is None:
        if change.op == "create":
            # Rule: a create of an unknown record applies as is.
            return Resolution(
                "applied",
                RecordState(change.record_type, change.record_id, _incoming_fields(change, 1)),
            )
        # Rule: an update or delete before its create waits; the create is still in an outbox.
        return Resolution("retry", None, reason_code="depends_on_missing_record")
    if change.op == "delete":
        return _delete(state, change)
    if state.deleted:
        return _edit_tombstone(state, change)
    # Rule: a create of a known record (two phones tagging one asset) merges like an update.
    return _merge(state, change)


def _incoming_fields(change: Change, version: int) -> dict[str, FieldState]:
    """Turn a change's fields into field states, moving finding control fields into rank."""
    hlc, device_id = change.hlc, change.device_id
    fields = {
        name: FieldState(value, hlc, device_id, 0, version) for name, value in change.fields.items()
    }
    if change.record_type != "finding":
        return fields
    fields.pop(REOPEN_COUNT, None)
    fields.pop(RECHECK_FAILED, None)
    if STATUS in fields:
        # Domain before clocks: a status change competes first on its re-open round, so a
        # failed re-check (round + 1) reopens a closed finding whatever the clocks say,
        # and an edit from a device that never saw that re-open (older round) cannot undo it.
        round_seen = int(change.fields.get(REOPEN_COUNT, 0))
        fields[STATUS] = replace(fields[STATUS], rank=round_seen)
    return fields


def _merge(state: RecordState, change: Change) -> Resolution:
    merged = dict(state.fields)
    conflicts: list[Conflict] = []
    own_losses: list[str] = []
    for name, incoming in _incoming_fields(change, state.version + 1).items():
        current = merged.get(name)
        if current is None or incoming.key() > current.key():
            # Rule: the greater (rank, HLC) wins the field; node in the HLC makes this total,
            # so every server and every arrival order picks the same winner.
            merged[name] = incoming
            if current is not None and not _has_seen(change, current):
                # An overwritten value its new author never saw was a concurrent edit.
                reason = _reason(name, current, incoming)
                conflicts.append(_lost(state, name, current, incoming, reason))
        elif incoming.key() < current.key():
            # Rule: an older write loses only this field; its value is kept as a Conflict.
            reason = _reason(name, incoming, current)
            conflicts.append(_lost(state, name, incoming, current, reason))
            own_losses.append(reason)
    return _merged_resolution(state, merged, conflicts, own_losses)


def _has_seen(change: Change, field: FieldState) -> bool:
    """Return True if the change's author knew the field's value (a plain overwrite).

    A device always knows its own earlier edits; otherwise base_version says which
    record version the device had pulled. Without either, assume it had not.
    """
    if field.device_id == change.device_id:
        return True
    return change.base_version is not None and field.version <= change.base_version


def _reason(name: str, lost: FieldState, kept: FieldState) -> str:
    """Name why a value lost; the code describes what was current when it lost."""
    if name != STATUS:
        return "concurrent_edit"
    if kept.value == "verified_closed" and lost.rank <= kept.rank:
        return "closed_finding_edit"
    if lost.value == "verified_closed" and lost.rank < kept.rank:
        return "reopened_by_recheck"
    return "concurrent_edit"


def _lost(
    state: RecordState, name: str, lost: FieldState, kept: FieldState, reason: str
) -> Conflict:
    return Conflict(
        state.record_type,
        state.record_id,
        name,
        kept.value,
        kept.hlc,
        lost.value,
        lost.hlc,
        lost.device_id,
        reason,
    )


def _merged_resolution(
    state: RecordState,
    merged: dict[str, FieldState],
    conflicts: list[Conflict],
    own_losses: list[str],
) -> Resolution:
    changed = merged.keys() != state.fields.keys() or any(
        merged[name].key() != field.key() for name, field in state.fields.items()
    )
    new_state = replace(state, fields=merged, version=state.version + 1) if changed else state
    if not own_losses:
        # Rule: every field of the change won: applied (it may still have beaten others).
        return Resolution("applied", new_state, tuple(conflicts))
    # Rule: some or all fields lost: merged; the change is consumed and its losses recorded.
    code = "closed_finding_edit" if "closed_finding_edit" in own_losses else "concurrent_edit"
    return Resolution("merged", new_state, tuple(conflicts), code)


# --- Deletes and tombstones --------------------------------------------------------------
#
# Chosen rule: a delete wins. The tombstone keeps the record's last values and goes on
# merging late edits into them (hidden), so a back-office restore brings back the latest
# values and nothing is lost. The tombstone is dated by the EARLIEST delete: an edit whose
# HLC is newer than that raced the delete (its author could not have seen it), so its
# values are also recorded as a Conflict 'edit_after_delete' for review. An edit older than
# the delete is one the deleter superseded; it is kept on the tombstone but raises no
# Conflict, exactly as if it had arrived before the delete. These choices make the final
# state and the set of recorded values independent of arrival order.


def _delete(state: RecordState, change: Change) -> Resolution:
    old_hlc = state.deleted_hlc if state.deleted else None
    if old_hlc is not None and change.hlc >= old_hlc:
        # Rule: a later second delete changes nothing; the earliest delete dates the tombstone.
        return Resolution("already_applied", state)
    # Rule: delete wins; edits already held that were made after this delete are recorded.
    raced = [
        Conflict(
            state.record_type,
            state.record_id,
            name,
            None,
            change.hlc,
            field.value,
            field.hlc,
            field.device_id,
            "edit_after_delete",
        )
        for name, field in state.fields.items()
        if field.hlc > change.hlc and (old_hlc is None or field.hlc <= old_hlc)
    ]
    tombstone = replace(state, deleted=True, deleted_hlc=change.hlc, version=state.version + 1)
    return Resolution("applied", tombstone, tuple(raced))


def _edit_tombstone(state: RecordState, change: Change) -> Resolution:
    deleted_hlc = state.deleted_hlc
    assert deleted_hlc is not None  # a tombstone is always dated
    hidden = _merge(state, change)
    if change.hlc < deleted_hlc:
        # Rule: a stale edit never resurrects the record; its values stay on the tombstone.
        return Resolution("rejected", hidden.new_state, hidden.conflicts, "record_deleted")
    # Rule: an edit made after the delete loses to it, but the values it left on the
    # tombstone are also recorded so the back office can restore them.
    kept = hidden.new_state.fields if hidden.new_state is not None else {}
    raced = tuple(
        Conflict(
            state.record_type,
            state.record_id,
            name,
            None,
            deleted_hlc,
            field.value,
            field.hlc,
            field.device_id,
            "edit_after_delete",
        )
        for name, field in _incoming_fields(change, state.version + 1).items()
        if kept.get(name) == field
    )
    return Resolution("rejected", hidden.new_state, hidden.conflicts + raced, "edit_after_delete")


# --- Observation time ----------------------------------------------------------------------


def newer_observation(
    current_observed_at_ms: int | None,
    candidate_observed_at_ms: int | None,
    *,
    current_tiebreak: str = "",
    candidate_tiebreak: str = "",
) -> bool:
    """Return True if the candidate observation should replace the current "last result".

    Derived state (an asset's last check, a station's last bait level) follows the time
    the check was made, not when it arrived: an inspection syncing a week late never
    replaces a newer one. A known time beats an unknown one; equal times fall back to the
    tiebreak (e.g. the inspection id) so every arrival order agrees.
    """
    if candidate_observed_at_ms is None:
        return False
    if current_observed_at_ms is None:
        return True
    return (candidate_observed_at_ms, candidate_tiebreak) > (
        current_observed_at_ms,
        current_tiebreak,
    )


def measure_clock_offset(
    device_now_ms: int,
    server_received_ms: int,
    server_sent_ms: int | None = None,
    device_received_ms: int | None = None,
) -> int:
    """Return server time minus device time, in ms.

    With the device's send time and the server's receive time only, the estimate includes
    the one-way network delay. When all four timestamps of a round trip are known (as on
    the device after a push), the NTP formula cancels symmetric delay.
    """
    if server_sent_ms is None or device_received_ms is None:
        return server_received_ms - device_now_ms
    return ((server_received_ms - device_now_ms) + (server_sent_ms - device_received_ms)) // 2


def corrected_time(device_time_ms: int, clock_offset_ms: int) -> int:
    """Return a device timestamp moved onto the server's clock."""
    return device_time_ms + clock_offset_ms
