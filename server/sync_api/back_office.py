"""Back-office edits of records that phones also edit offline: carried into their sync state.

A location's notes or an asset's status, notes and place can be edited both in the back office
(REST, right now) and on phones (offline, synced later). The sync rules judge a phone's edit
against the record's sync state; if a back-office edit changed only the row, a phone edit made
before it (but synced after) would be judged against the older state, win, and silently undo
the back-office edit. So a back-office edit of such a field is written into the sync state too,
as an edit made now that has seen every value there (its clock is after all of them), and the
record moves to the head of the feed so that phones learn of it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from server.auth.access import Principal
from server.db_types import utc_now
from server.extensions import db
from server.sync_api.materialize import MUTABLE_FIELDS, SERVER_NODE, datetime_to_ms, json_value
from server.sync_api.store import Author, SqlChangeStore
from sync.changes import Change
from sync.hlc import Hlc, tick
from sync.resolve import apply_change


def mirror_back_office_edit(
    principal: Principal, record_type: str, row: Any, changed: Collection[str]
) -> None:
    """Write the row's new values of the changed fields into the record's sync state.

    Call it in the transaction of the edit, after the row was changed. A record no phone has
    edited yet has no sync state: there is nothing to carry, since a phone's edit is then
    judged against the row itself, dated by its last update.
    """
    mirrored = [name for name in changed if name in MUTABLE_FIELDS.get(record_type, {})]
    if not mirrored:
        return
    store = SqlChangeStore(db.session, Author(principal.user_id, None))
    # The feed counter first, as the change-by-change push does: back-office edits are rare,
    # and a bulk push holding this record gives way to it (see sync_api.bulk).
    store.lock_feed()
    state = store.get_state(record_type, str(row.id))
    if state is None:
        return
    newest = max(field.hlc for field in state.fields.values())
    change = Change(
        change_id=str(uuid.uuid4()),
        record_type=record_type,
        record_id=str(row.id),
        op="update",
        fields={name: json_value(getattr(row, name)) for name in mirrored},
        hlc=tick(Hlc(newest.wall_ms, newest.counter, SERVER_NODE), datetime_to_ms(utc_now())),
        device_id=SERVER_NODE,
        user_id=str(principal.user_id),
        base_version=state.version,
    )
    resolution = apply_change(state, change, ())
    new_state = resolution.new_state
    if new_state is None or new_state == state:
        return
    store.save_state(new_state)
    store.append_to_feed(str(row.site_id), record_type, str(row.id), new_state.version)
    store.save_conflicts(resolution.conflicts)
