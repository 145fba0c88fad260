"""Conflict rules of sync.resolve, as decision tables and single behaviours."""

import itertools
from typing import Any

import pytest

from sync.changes import Change, FieldState, Op, RecordState, Resolution
from sync.hlc import Hlc
from sync.resolve import (
    WHOLE_RECORD,
    apply_change,
    corrected_time,
    measure_clock_offset,
    newer_observation,
)

_ids = itertools.count()


def change(
    op: Op, record_type: str, fields: dict[str, Any], wall: int, node: str = "a", **kw: Any
) -> Change:
    return Change(
        change_id=kw.pop("change_id", f"c{next(_ids)}"),
        record_type=record_type,
        record_id=kw.pop("record_id", "r1"),
        op=op,
        fields=fields,
        hlc=Hlc(wall, 0, node),
        device_id=node,
        **kw,
    )


def replay(*changes: Change) -> RecordState | None:
    state: RecordState | None = None
    for each in changes:
        state = apply_change(state, each, ()).new_state
    return state


def resolve(history: list[Change], incoming: Change) -> Resolution:
    return apply_change(replay(*history), incoming, ())


FINDING = [change("create", "finding", {"status": "open", "note": "dust"}, 10)]
CLOSED = [*FINDING, change("update", "finding", {"status": "verified_closed"}, 50, "boss")]
ASSET = [change("create", "asset", {"label": "E-1", "place": "ward 3"}, 10)]
DELETED = [*ASSET, change("delete", "asset", {}, 50, "admin")]
REPORT = {"items": {"exit_sign": "pass"}, "site_id": "s1"}
SUBMITTED = [change("submit", "inspection", REPORT, 10)]

RULES = [
    # --- inspections are facts ---
    ([], change("submit", "inspection", REPORT, 10), "applied", None),
    ([], change("create", "inspection", REPORT, 10), "applied", None),
    (SUBMITTED, change("submit", "inspection", REPORT, 20, "b"), "already_applied", None),
    (
        SUBMITTED,
        change("submit", "inspection", {"items": {}}, 20, "b"),
        "rejected",
        "record_id_reused",
    ),
    (
        SUBMITTED,
        change("update", "inspection", {"items": {}}, 20),
        "rejected",
        "inspection_is_immutable",
    ),
    (SUBMITTED, change("delete", "inspection", {}, 20), "rejected", "inspection_is_immutable"),
    ([], change("update", "inspection", {"items": {}}, 20), "rejected", "inspection_is_immutable"),
    # --- mutable records: last writer wins per field ---
    ([], change("create", "asset", {"label": "E-1"}, 10), "applied", None),
    (ASSET, change("update", "asset", {"label": "E-2"}, 20, "b"), "applied", None),
    (ASSET, change("update", "asset", {"label": "E-0"}, 5, "b"), "merged", "concurrent_edit"),
    (ASSET, change("create", "asset", {"label": "E-9"}, 20, "b"), "applied", None),
    ([], change("update", "asset", {"label": "E-2"}, 20), "retry", "depends_on_missing_record"),
    ([], change("delete", "location", {}, 20), "retry", "depends_on_missing_record"),
    # --- deletes: delete wins, nothing is lost ---
    (ASSET, change("delete", "asset", {}, 20), "applied", None),
    (DELETED, change("delete", "asset", {}, 60, "b"), "already_applied", None),
    (DELETED, change("delete", "asset", {}, 40, "b"), "applied", None),
    (DELETED, change("update", "asset", {"label": "E-2"}, 40, "b"), "rejected", "record_deleted"),
    (
        DELETED,
        change("update", "asset", {"label": "E-2"}, 60, "b"),
        "rejected",
        "edit_after_delete",
    ),
    # --- findings: domain rules before clocks ---
    (FINDING, change("update", "finding", {"status": "fixed"}, 20, "crew"), "applied", None),
    (
        CLOSED,
        change("update", "finding", {"status": "fixed"}, 40, "crew"),
        "merged",
        "closed_finding_edit",
    ),
    (
        CLOSED,
        change(
            "update",
            "finding",
            {"status": "reopened", "reopen_count": 1, "recheck_failed": True},
            40,
            "crew",
        ),
        "applied",
        None,
    ),
    (CLOSED, change("update", "finding", {"status": "open"}, 60, "boss"), "applied", None),
    # --- malformed changes ---
    (FINDING, change("update", "finding", {"status": "done"}, 20), "rejected", "invalid_status"),
    (
        FINDING,
        change(
            "update", "finding", {"status": "open", "recheck_failed": True, "reopen_count": 1}, 20
        ),
        "rejected",
        "invalid_recheck",
    ),
    (
        FINDING,
        change("update", "finding", {"status": "reopened", "recheck_failed": True}, 20),
        "rejected",
        "invalid_recheck",
    ),
    (
        FINDING,
        change("update", "finding", {"status": "open", "reopen_count": -1}, 20),
        "rejected",
        "invalid_reopen_count",
    ),
    (
        FINDING,
        change("update", "finding", {"note": "x", "reopen_count": 1}, 20),
        "rejected",
        "invalid_reopen_count",
    ),
    ([], change("create", "photo", {}, 20), "rejected", "unknown_record_type"),
    (ASSET, change("submit", "asset", {"label": "E-2"}, 20), "rejected", "op_not_allowed"),
]


@pytest.mark.parametrize(("history", "incoming", "outcome", "code"), RULES)
def test_apply_change_follows_rule_table_when_change_arrives(
    history: list[Change], incoming: Change, outcome: str, code: str | None
) -> None:
    result = resolve(history, incoming)

    assert (result.outcome, result.reason_code) == (outcome, code)


def test_apply_change_changes_nothing_when_change_id_was_applied() -> None:
    state = replay(*ASSET)
    again = change("update", "asset", {"label": "E-2"}, 20, change_id="seen")

    result = apply_change(state, again, {"seen"})

    assert result == Resolution("already_applied", state)


def test_apply_change_keeps_second_fact_for_review_when_record_id_is_reused() -> None:
    other = change("submit", "inspection", {"items": {}}, 20, "b")

    result = resolve(SUBMITTED, other)

    assert result.new_state == replay(*SUBMITTED)
    [conflict] = result.conflicts
    assert (conflict.field, conflict.lost_value, conflict.kept_value) == (
        WHOLE_RECORD,
        {"items": {}},
        REPORT,
    )


def test_apply_change_merges_silently_when_devices_edit_different_fields() -> None:
    a = change("update", "asset", {"label": "E-2"}, 20, "a", base_version=1)
    b = change("update", "asset", {"place": "ward 4"}, 15, "b", base_version=1)

    state = replay(*ASSET, a, b)

    assert state is not None
    assert state.values() == {"label": "E-2", "place": "ward 4"}
    assert apply_change(replay(*ASSET, a), b, ()).conflicts == ()


def test_apply_change_returns_lost_value_when_same_field_edited_concurrently() -> None:
    newer = change("update", "asset", {"label": "E-new"}, 30, "a", base_version=1)
    older = change(
        "update", "asset", {"label": "E-old", "place": "ward 9"}, 20, "b", base_version=1
    )

    result = apply_change(replay(*ASSET, newer), older, ())

    assert result.new_state is not None
    assert result.new_state.values() == {"label": "E-new", "place": "ward 9"}
    [conflict] = result.conflicts
    assert (conflict.field, conflict.kept_value, conflict.lost_value, conflict.lost_device_id) == (
        "label",
        "E-new",
        "E-old",
        "b",
    )


def test_apply_change_records_nothing_when_author_had_seen_overwritten_value() -> None:
    seen = change("update", "asset", {"label": "E-2"}, 20, "b", base_version=1)

    result = resolve(ASSET, seen)

    assert result.conflicts == ()


def test_apply_change_records_overwritten_value_when_author_had_not_seen_it() -> None:
    blind = change("update", "asset", {"label": "E-2"}, 20, "b")

    result = resolve(ASSET, blind)

    assert [(c.lost_value, c.kept_value) for c in result.conflicts] == [("E-1", "E-2")]


def test_apply_change_records_nothing_when_device_overwrites_its_own_edit() -> None:
    own = change("update", "asset", {"label": "E-2"}, 20, "a")

    result = resolve(ASSET, own)

    assert result.conflicts == ()


def test_apply_change_picks_same_winner_when_walls_tie() -> None:
    by_a = change("update", "asset", {"label": "from-a"}, 30, "a")
    by_b = change("update", "asset", {"label": "from-b"}, 30, "b")

    one = replay(*ASSET, by_a, by_b)
    other = replay(*ASSET, by_b, by_a)

    assert one is not None
    assert other is not None
    assert one.values() == other.values()
    assert one.values()["label"] == "from-b"


def test_apply_change_bumps_version_when_state_changes() -> None:
    state = replay(*ASSET)
    assert state is not None

    result = apply_change(state, change("update", "asset", {"label": "E-2"}, 20), ())

    assert result.new_state is not None
    assert result.new_state.version == state.version + 1


def test_apply_change_keeps_version_when_every_field_loses() -> None:
    state = replay(*ASSET)

    result = apply_change(state, change("update", "asset", {"label": "E-0"}, 1, "b"), ())

    assert result.new_state == state


# --- deletes and tombstones ---


def test_apply_change_keeps_stale_values_on_tombstone_when_update_is_older_than_delete() -> None:
    stale = change("update", "asset", {"place": "ward 7"}, 40, "b", base_version=1)

    result = resolve(DELETED, stale)

    assert result.new_state is not None
    assert result.new_state.deleted
    assert result.new_state.values()["place"] == "ward 7"
    assert result.conflicts == ()


def test_apply_change_records_edit_when_edit_is_newer_than_delete() -> None:
    late = change("update", "asset", {"place": "ward 7"}, 60, "b", base_version=1)

    result = resolve(DELETED, late)

    assert result.new_state is not None
    assert result.new_state.deleted
    [conflict] = result.conflicts
    assert (conflict.reason, conflict.lost_value, conflict.kept_hlc) == (
        "edit_after_delete",
        "ward 7",
        Hlc(50, 0, "admin"),
    )


def test_apply_change_records_held_edit_when_older_delete_arrives_after_it() -> None:
    edit = change("update", "asset", {"place": "ward 7"}, 60, "b")

    result = apply_change(replay(*ASSET, edit), change("delete", "asset", {}, 50, "admin"), ())

    assert result.new_state is not None
    assert result.new_state.deleted
    assert [(c.field, c.reason) for c in result.conflicts] == [("place", "edit_after_delete")]


def test_apply_change_dates_tombstone_by_earliest_delete_when_deleted_twice() -> None:
    earlier = change("delete", "asset", {}, 40, "b")

    result = resolve(DELETED, earlier)

    assert result.new_state is not None
    assert result.new_state.deleted_hlc == Hlc(40, 0, "b")


# --- findings: closure and failed re-checks ---


def test_apply_change_keeps_closure_when_unaware_device_changes_status() -> None:
    unaware = change(
        "update", "finding", {"status": "in_progress", "note": "on it"}, 40, "crew", base_version=1
    )

    result = resolve(CLOSED, unaware)

    assert result.new_state is not None
    assert result.new_state.values() == {"status": "verified_closed", "note": "on it"}
    [conflict] = result.conflicts
    assert (conflict.field, conflict.reason, conflict.lost_value) == (
        "status",
        "closed_finding_edit",
        "in_progress",
    )


def test_apply_change_reopens_closed_finding_when_recheck_failed_with_older_clock() -> None:
    recheck = change(
        "update",
        "finding",
        {"status": "reopened", "reopen_count": 1, "recheck_failed": True},
        5,
        "inspector",
    )

    result = resolve(CLOSED, recheck)

    assert result.new_state is not None
    assert result.new_state.values() == {"status": "reopened", "note": "dust"}
    assert result.new_state.fields["status"].rank == 1
    assert [c.reason for c in result.conflicts] == ["reopened_by_recheck"]


def test_apply_change_closes_again_when_verified_after_seeing_reopen() -> None:
    recheck = change(
        "update",
        "finding",
        {"status": "reopened", "reopen_count": 1, "recheck_failed": True},
        5,
        "inspector",
    )
    fixed = change("update", "finding", {"status": "fixed", "reopen_count": 1}, 70, "crew")
    verified = change(
        "update", "finding", {"status": "verified_closed", "reopen_count": 1}, 80, "boss"
    )

    state = replay(*CLOSED, recheck, fixed, verified)

    assert state is not None
    assert (
        state.fields["status"].key()
        == FieldState("verified_closed", Hlc(80, 0, "boss"), "boss", 1).key()
    )


def test_apply_change_keeps_reopen_when_device_unaware_of_reopen_edits_status() -> None:
    recheck = change(
        "update",
        "finding",
        {"status": "reopened", "reopen_count": 1, "recheck_failed": True},
        5,
        "inspector",
    )
    unaware = change("update", "finding", {"status": "verified_closed"}, 90, "boss")

    result = apply_change(replay(*CLOSED, recheck), unaware, ())

    assert result.outcome == "merged"
    assert result.new_state is not None
    assert result.new_state.values()["status"] == "reopened"


# --- observation time ---


@pytest.mark.parametrize(
    ("current", "candidate", "expected"),
    [
        # a late-syncing older check never replaces a newer one
        (2_000, 1_000, False),
        (1_000, 2_000, True),
        # unknown times: a known time wins, an unknown never replaces
        (None, 1_000, True),
        (1_000, None, False),
        (None, None, False),
    ],
)
def test_newer_observation_compares_check_times_when_deciding_last_result(
    current: int | None, candidate: int | None, expected: bool
) -> None:
    assert newer_observation(current, candidate) is expected


def test_newer_observation_uses_tiebreak_when_times_are_equal() -> None:
    assert newer_observation(5, 5, current_tiebreak="i1", candidate_tiebreak="i2")
    assert not newer_observation(5, 5, current_tiebreak="i2", candidate_tiebreak="i1")


def test_measure_clock_offset_returns_server_minus_device_when_one_way() -> None:
    assert measure_clock_offset(device_now_ms=1_000, server_received_ms=61_000) == 60_000


def test_measure_clock_offset_cancels_delay_when_round_trip_is_known() -> None:
    # device 60 s behind, 100 ms each way
    offset = measure_clock_offset(1_000, 61_100, 61_150, 1_250)

    assert offset == 60_000


def test_corrected_time_moves_device_time_onto_server_clock_when_offset_is_known() -> None:
    assert corrected_time(1_000, 60_000) == 61_000
