"""Push a whole batch in a few statements: preload, decide in memory, then write in bulk.

The change-by-change path costs some twenty round trips per change. Here a batch's receipts,
record states, sites and references are read first (a handful of queries, no locks), and the
sync rules and the domain checks run in memory in batch order (a record's state moves on as
the batch proceeds). Writing then starts by locking the rows the batch changes and checking
they are still what the batch was decided on; if another batch moved them meanwhile, the
batch is rolled back and decided again. Each table gets one statement, rows in key order (so
two batches never wait on each other in a cycle), and the feed counter is taken last: it is
held only for the feed rows and the commit, so concurrent batches overlap all their other
work. The answers are exactly those of the change-by-change path (services._push_one).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from server.assets.models import Asset
from server.audit.models import AuditEntry
from server.audit.trail import created_changes
from server.checklists.items import AnswerChecker
from server.checklists.models import ChecklistTemplateVersion
from server.db_copy import insert_rows, rows_with_keys
from server.db_types import uuid_of
from server.extensions import db
from server.inspections.models import Inspection, Schedule
from server.inspections.services import (
    CheckedReferences,
    InspectionRefused,
    inspection_row,
)
from server.photos.services import expect_photos_of_new_inspections
from server.sites.models import Department, Location, Site
from server.sync_api.materialize import (
    DOMAIN_MODELS,
    MaterializeError,
    asset_label_keys,
    converted_fields,
    new_asset_values,
    new_domain_row,
    new_finding_values,
    seed_state_of_row,
    set_fields,
)
from server.sync_api.services import (
    ChangeResult,
    PushContext,
    Refusal,
    check_change,
    conflict_payload,
    decide_in_order,
    parse_change,
    readable_payload,
    recorded_fact_receipt,
    require_change_permission,
    result_payload,
)
from server.sync_api.store import conflict_site_id, is_contention
from sync.changes import Change, Conflict, RecordState
from sync.resolve import apply_change, needs_receipt
from sync.store import Receipt

Key = tuple[str, str]
# Fields of a change that name other rows, and the rows they name.
REFERENCE_MODELS: dict[str, Any] = {
    "location_id": Location,
    "asset_id": Asset,
    "schedule_id": Schedule,
    "department_id": Department,
    "revision_of": Inspection,
    "inspection_id": Inspection,
}
# Fields of a change whose rows a batch loads before deciding it.
PRELOADED_FIELDS = (*REFERENCE_MODELS, "site_id", "template_version_id")
# A batch that keeps finding its facts moved by others is left, after this many tries, to the
# change-by-change path, which takes the feed lock first and so always finishes.
BULK_ATTEMPTS = 4
# How long a batch holding its rows waits for the feed counter. Shorter than PostgreSQL's
# deadlock_timeout (1 s): when the change-by-change path, which holds the counter from its
# start, needs one of those rows, this batch gives way (and tries again) before PostgreSQL
# would pick a victim, which could be the other request.
FEED_LOCK_WAIT_MS = 500


# Statements every push runs, built once (building one costs about as much as running it).
_VERSIONS = select(ChecklistTemplateVersion).where(
    ChecklistTemplateVersion.id.in_(bindparam("ids", expanding=True))
)
_EXISTING_SITES = select(Site.__table__.c.id).where(
    Site.__table__.c.id.in_(bindparam("ids", expanding=True))
)


class Unplannable(Exception):
    """A batch the bulk path leaves to the change-by-change path (a rare shape)."""


class StaleBatch(Exception):
    """Rows the batch was decided on changed before it could lock them: decide it again."""


def push_in_bulk(
    context: PushContext, changes: list[Mapping[str, Any]]
) -> list[ChangeResult] | None:
    """Apply a batch in bulk and return its results; None (rolled back) to go change by change."""
    for _ in range(BULK_ATTEMPTS):
        try:
            plan = _Plan(context, changes)
            if plan.has_writes():
                plan.write()
                plan.answer_missing_photos(changes)
            return plan.results
        except Unplannable:
            db.session.rollback()
            return None
        except (StaleBatch, IntegrityError, StaleDataError):
            # Another batch got there first (e.g. the same batch sent twice at once): its
            # commit is now visible, so deciding again answers from it.
            db.session.rollback()
        except OperationalError as error:
            if not is_contention(error):
                raise
            db.session.rollback()
    return None


class BatchReferences:
    """The rows a batch refers to, loaded in one query per table (InspectionReferences)."""

    def __init__(self, ids: Mapping[Any, set[uuid.UUID]]) -> None:
        self.sites: dict[Any, dict[uuid.UUID, uuid.UUID | None]] = {}
        for model, wanted in ids.items():
            self._load(model, wanted)
        self.versions: dict[uuid.UUID, ChecklistTemplateVersion | None] = {}
        self.checkers: dict[uuid.UUID, AnswerChecker] = {}
        self.checked: dict[tuple[str | None, ...], CheckedReferences] = {}

    def _load(self, model: Any, wanted: Iterable[uuid.UUID]) -> None:
        known = self.sites.setdefault(model, {})
        wanted = [record_id for record_id in wanted if record_id not in known]
        if not wanted:
            return
        known.update(dict.fromkeys(wanted))
        rows = rows_with_keys([model.id, model.site_id], model.id, wanted)
        known.update({record_id: site_id for record_id, site_id in rows})

    def load_versions(self, wanted: set[uuid.UUID]) -> None:
        """Load these template versions (their items check the answers)."""
        self.versions.update(dict.fromkeys(wanted))
        if wanted:
            found = db.session.scalars(_VERSIONS, {"ids": list(wanted)})
            self.versions.update({version.id: version for version in found})

    def template_version(self, version_id: uuid.UUID) -> ChecklistTemplateVersion | None:
        """The template version with this id, or None."""
        if version_id not in self.versions:
            self.load_versions({version_id})
        return self.versions[version_id]

    def answer_checker(self, version: ChecklistTemplateVersion) -> AnswerChecker:
        """One checker per version for the whole batch (it remembers its verdicts)."""
        if version.id not in self.checkers:
            self.checkers[version.id] = AnswerChecker(version.items)
        return self.checkers[version.id]

    def site_of(self, model: Any, record_id: uuid.UUID) -> uuid.UUID | None:
        """The site of the row of ``model`` with this id, or None when there is no such row."""
        known = self.sites.get(model, {})
        if record_id not in known:
            self._load(model, [record_id])
        return self.sites[model][record_id]

    def add(self, model: Any, record_id: uuid.UUID, site_id: uuid.UUID) -> None:
        """Remember a row this batch creates, so later changes may refer to it."""
        self.sites.setdefault(model, {})[record_id] = site_id


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str):
        return None
    try:
        return uuid_of(value)
    except ValueError:
        return None


def _referenced_ids(changes: list[Mapping[str, Any]]) -> dict[str, set[uuid.UUID]]:
    # The texts first, each distinct one parsed once: a batch names the same site, location
    # and version a hundred times, and a text's hash is cached where a UUID's is computed.
    texts: dict[str, set[str]] = {name: set() for name in PRELOADED_FIELDS}
    for raw in changes:
        fields = raw["fields"]
        for name, named in texts.items():
            value = fields.get(name)
            if type(value) is str:  # anything else names no row (and may not be hashable)
                named.add(value)
    ids: dict[str, set[uuid.UUID]] = {}
    for name, named in texts.items():
        found = {parsed for text in named if (parsed := _uuid_or_none(text)) is not None}
        if found:
            ids[name] = found
    return ids


class _DomainWrites:
    """Changes to findings, assets and locations, checked in memory and written after the lock."""

    def __init__(self, keys: Iterable[Key]) -> None:
        self.rows: dict[Key, Any] = {}
        by_type: dict[str, list[uuid.UUID]] = {}
        for record_type, record_id in keys:
            parsed = _uuid_or_none(record_id)
            if record_type in DOMAIN_MODELS and parsed is not None:
                by_type.setdefault(record_type, []).append(parsed)
        for record_type, ids in by_type.items():
            model = DOMAIN_MODELS[record_type]
            found = db.session.scalars(
                select(model).where(model.id.in_(ids)).execution_options(populate_existing=True)
            )
            self.rows.update({(record_type, str(row.id)): row for row in found})
        self.versions = {key: row.version for key, row in self.rows.items()}
        self.exists = {key: True for key in self.rows}
        self.deleted: set[Key] = set()
        self.ops: list[tuple[str, Key, dict[str, Any], dict[str, Any]]] = []
        # Labels of the assets this batch registers, for the ones after them (not yet written).
        self.registered: dict[tuple[Any, ...], uuid.UUID] = {}

    def seed(self, key: Key) -> RecordState | None:
        """The seed state of a back-office record (see materialize.seed_state)."""
        return seed_state_of_row(key[0], key[1], self.rows.get(key))

    def plan(
        self, before: RecordState | None, after: RecordState, context: PushContext, refs: Any
    ) -> None:
        """Check what materialize would write for this change; queue it, or raise."""
        key = (after.record_type, after.record_id)
        exists = self.exists.get(key, False)
        if after.deleted:
            if exists and not (before is not None and before.deleted):
                self.ops.append(("delete", key, {}, {}))
                self.exists[key] = False
                self.deleted.add(key)
            return
        site_id, converted = converted_fields(before, after, refs)
        if exists:
            self.ops.append(("set", key, {}, converted))
            return
        if after.record_type == "asset":
            values = new_asset_values(after, site_id, self.registered)
        elif after.record_type == "finding":
            values = new_finding_values(after, site_id, context.capture)
        else:
            raise MaterializeError("op_not_allowed")
        if key in self.deleted:
            raise Unplannable("a record deleted and created again in one batch")
        self.ops.append(("create", key, values, converted))
        self.exists[key] = True
        if after.record_type == "asset":
            # Later registrations of the batch may not take its labels; its checks, later in
            # the batch, may name it (registrations are written before inspections).
            self.registered.update(dict.fromkeys(asset_label_keys(values).values(), values["id"]))
            refs.add(Asset, values["id"], site_id)

    def write(self, *, registrations: bool) -> None:
        """Apply the queued changes to the session (the audit trail records them at flush).

        registrations: the assets the batch registers (written before its inspections,
        which may check them), else every other change (after them: findings name them).
        """
        for kind, key, values, converted in self.ops:
            if (kind == "create" and key[0] == "asset") != registrations:
                continue
            if kind == "delete":
                db.session.delete(self.rows.pop(key))
                continue
            if kind == "create":
                self.rows[key] = new_domain_row(key[0], values)
                db.session.add(self.rows[key])
            set_fields(self.rows[key], converted)

    def is_current(self) -> bool:
        """Lock the preloaded rows until commit; whether they are still at the versions read."""
        for record_type in sorted({key[0] for key in self.versions}):
            model = DOMAIN_MODELS[record_type]
            ids = sorted(uuid.UUID(key[1]) for key in self.versions if key[0] == record_type)
            rows = db.session.execute(
                select(model.id, model.version)
                .where(model.id.in_(ids))
                .order_by(model.id)
                .with_for_update()
            )
            now = {(record_type, str(record_id)): version for record_id, version in rows}
            if any(
                now.get(key) != self.versions[key] for key in self.versions if key[0] == record_type
            ):
                return False
        return True


class _Plan:
    """A batch decided in memory: its results, and the rows to write for them."""

    def __init__(self, context: PushContext, changes: list[Mapping[str, Any]]) -> None:
        self.context = context
        store = context.store
        self.change_ids = [raw["change_id"] for raw in changes]
        self.keys = {(raw["record_type"], raw["record_id"]) for raw in changes}
        self.receipts = store.find_receipts(self.change_ids)
        self.states: dict[Key, RecordState | None] = dict(store.get_states(self.keys))
        self.seen_versions = {key: state.version for key, state in self.states.items() if state}
        ids = _referenced_ids(changes)
        site_ids = list(ids.get("site_id", set()))
        found = set(db.session.scalars(_EXISTING_SITES, {"ids": site_ids}))
        context.sites.update({site_id: site_id in found for site_id in site_ids})
        self.refs = BatchReferences(
            {model: ids.get(name, set()) for name, model in REFERENCE_MODELS.items()}
        )
        self.refs.load_versions(ids.get("template_version_id", set()))
        self.domain = _DomainWrites(self.keys)
        self.saved: dict[Key, RecordState] = {}
        self.feed: dict[Key, tuple[str, int]] = {}
        self.new_receipts: list[Receipt] = []
        self.conflicts: list[Conflict] = []
        self.conflict_sites: list[str] = []
        # The rows of the inspections the batch creates, and their photos, keyed by the
        # record_id that named them (the id's canonical text: no UUID to format or hash).
        self.inspections: dict[str, dict[str, Any]] = {}
        self.photos: dict[uuid.UUID, dict[str, list[str]]] = {}
        self.missing_photos: dict[str, list[str]] = {}
        self.results = decide_in_order(changes, self._decide)

    def _decide(self, raw: Mapping[str, Any]) -> ChangeResult:
        state = self.states.get((raw["record_type"], raw["record_id"]))
        receipt = self.receipts.get(raw["change_id"]) or recorded_fact_receipt(raw, state)
        if receipt is not None:
            # A re-send gets its first answer again: already applied, or the same refusal.
            status = "rejected" if receipt.outcome == "rejected" else "already_applied"
            record = readable_payload(self.context, state)
            return ChangeResult(raw["change_id"], status, receipt.reason_code, record=record)
        try:
            change = parse_change(self.context, raw)
            check_change(change)
            state = self._state((change.record_type, change.record_id))
            if state is not None or change.op in ("create", "submit"):
                require_change_permission(self.context, change, state)
            return self._apply(change, state)
        except Refusal as refusal:
            return ChangeResult(raw["change_id"], "rejected", refusal.code, details=refusal.details)
        except MaterializeError as error:
            return ChangeResult(raw["change_id"], error.outcome, error.code, details=error.details)

    def _state(self, key: Key) -> RecordState | None:
        state = self.states.get(key)
        return state if state is not None else self.domain.seed(key)

    def _apply(self, change: Change, state: RecordState | None) -> ChangeResult:
        resolution = apply_change(state, change, ())
        result = ChangeResult(change.change_id, resolution.outcome, resolution.reason_code)
        result.hlc = change.hlc.encode()
        result.conflicts = [conflict_payload(conflict) for conflict in resolution.conflicts]
        if resolution.outcome == "retry":
            return result  # not remembered: the same change_id must apply once it can
        new_state = resolution.new_state
        if new_state is not None and new_state != state:
            self._materialize(state, new_state)  # raises before anything is queued
            key = (new_state.record_type, new_state.record_id)
            self.states[key] = new_state
            self.saved.pop(key, None)
            self.saved[key] = new_state
            self.feed.pop(key, None)
            self.feed[key] = (str(new_state.fields["site_id"].value), new_state.version)
        receipt = Receipt(change.change_id, resolution.outcome, resolution.reason_code)
        self.receipts[change.change_id] = receipt
        if needs_receipt(change, resolution):
            self.new_receipts.append(receipt)
        for conflict in resolution.conflicts:
            self.conflicts.append(conflict)
            key = (conflict.record_type, conflict.record_id)
            self.conflict_sites.append(conflict_site_id(conflict, self.states.get(key)))
        result.record = result_payload(new_state) if new_state is not None else None
        return result

    def _materialize(self, before: RecordState | None, after: RecordState) -> None:
        if after.record_type != "inspection":
            self.domain.plan(before, after, self.context, self.refs)
        elif before is None:
            self._plan_inspection(after)

    def _plan_inspection(self, state: RecordState) -> None:
        values = state.values()
        capture = self.context.capture
        try:
            row, sha256s = inspection_row(
                capture.principal, state.record_id, values, capture.clock_offset_ms, self.refs
            )
        except InspectionRefused as refused:
            outcome = "retry" if refused.retry else "rejected"
            raise MaterializeError(refused.code, outcome=outcome, details=refused.details) from None
        self.inspections[state.record_id] = row
        self.refs.add(Inspection, row["id"], row["site_id"])
        self.photos.setdefault(row["site_id"], {})[state.record_id] = sha256s

    def has_writes(self) -> bool:
        """Whether deciding the batch left anything to write (a pure replay does not)."""
        return bool(self.new_receipts or self.saved or self.inspections or self.domain.ops)

    def write(self) -> None:
        """Write the decided batch, one statement per table; raise StaleBatch if it is stale.

        The rows the batch changes are locked first and checked against what it was decided
        on; new rows are inserted only where none appeared meanwhile. The feed counter is
        taken last, so it is held only for the feed rows and the commit.
        """
        store = self.context.store
        new_states = [state for key, state in self.saved.items() if key not in self.seen_versions]
        changed_states = [state for key, state in self.saved.items() if key in self.seen_versions]
        # Every record of the batch, not only those it writes: a refusal decided on a state
        # that has moved since would be remembered wrongly too. A record the batch creates
        # is checked by its insert instead (a state that appeared meanwhile fails it), so a
        # batch of new inspections has nothing to lock here.
        created = {(state.record_type, state.record_id) for state in new_states}
        if store.record_versions(self.keys - created, lock=True) != self.seen_versions:
            raise StaleBatch("a record changed since the batch was decided")
        if not self.domain.is_current():
            raise StaleBatch("a finding, asset or location changed since the batch was decided")
        self.domain.write(registrations=True)
        db.session.flush()
        if self.inspections:
            # In id order: a canonical id's text sorts as the id does.
            rows = [self.inspections[record_id] for record_id in sorted(self.inspections)]
            insert_rows(Inspection.__table__, rows)
            insert_rows(AuditEntry.__table__, self._inspection_audit())
        self.domain.write(registrations=False)
        db.session.flush()
        for site_id, expected_photos in self.photos.items():
            missing = expect_photos_of_new_inspections(site_id, expected_photos)
            self.missing_photos.update(missing)
        # Both raise IntegrityError when another batch created one of these records, or
        # decided one of these changes, since this batch was decided.
        store.insert_new_states(new_states)
        store.save_states(changed_states)
        store.insert_receipts(self.new_receipts)
        store.save_conflicts(self.conflicts, self.conflict_sites)
        store.append_many_to_feed(
            [(site, key[0], key[1], version) for key, (site, version) in self.feed.items()],
            new_records=[(state.record_type, state.record_id) for state in new_states],
            lock_wait_ms=FEED_LOCK_WAIT_MS,
        )

    def answer_missing_photos(self, changes: list[Mapping[str, Any]]) -> None:
        """Tell the phone which photos of the inspections this batch created are missing.

        Known from the write itself; services.attach_missing_photos asks the database only
        for the other inspections (re-sent ones).
        """
        for result, raw in zip(self.results, changes, strict=True):
            if raw["record_id"] in self.inspections and result.record is not None:
                result.missing_photo_sha256s = self.missing_photos.get(raw["record_id"], [])

    def _inspection_audit(self) -> list[dict[str, Any]]:
        # What the audit trail's flush hook writes for an inspection added to the session.
        actor_id = self.context.principal.user_id
        table = Inspection.__tablename__
        return [
            {
                "site_id": row["site_id"],
                "actor_id": actor_id,
                "entity_type": table,
                "entity_id": record_id,
                "action": "create",
                "changes": created_changes(table, row),
            }
            for record_id, row in self.inspections.items()
        ]
