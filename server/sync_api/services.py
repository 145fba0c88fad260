"""Push and pull: the sync core's rules applied to the database, one transaction per batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from server.auth.access import Permission, Principal
from server.db_types import utc_now, uuid_of
from server.errors import ApiError, field_error
from server.extensions import db
from server.sites.models import Site
from server.sync_api.materialize import (
    Capture,
    MaterializeError,
    datetime_to_ms,
    materialize,
    parse_uuid,
    seed_state,
)
from server.sync_api.store import (
    Author,
    SqlChangeStore,
    client_values,
    is_contention,
)
from sync.changes import Change, Conflict, Cursor, InvalidCursorError, RecordState
from sync.hlc import Hlc, InvalidHlcError, clamp_remote
from sync.resolve import (
    FACT_RECORD_TYPES,
    apply_change,
    holds_fact,
    measure_clock_offset,
    needs_receipt,
    validate_change,
)
from sync.store import Receipt

# Ops phones may not make: locations are added and removed, assets removed, in the back
# office (a crew may register an asset on the spot: see require_change_permission).
BACK_OFFICE_OPS = {"asset": frozenset({"delete"}), "location": frozenset({"create", "delete"})}


@dataclass
class ChangeResult:
    """The answer to one pushed change (see docs/sync-protocol.md, "Push")."""

    change_id: str
    status: str
    code: str | None = None
    hlc: str | None = None
    record: dict[str, Any] | None = None
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    missing_photo_sha256s: list[str] | None = None

    def as_json(self) -> dict[str, Any]:
        """The result as the push response carries it (schemas.ChangeResultSchema)."""
        return {
            "change_id": self.change_id,
            "status": self.status,
            "code": self.code,
            "hlc": self.hlc,
            "record": dict(self.record) if self.record is not None else None,
            "conflicts": [dict(conflict) for conflict in self.conflicts],
            "details": dict(self.details),
            "missing_photo_sha256s": (
                list(self.missing_photo_sha256s) if self.missing_photo_sha256s is not None else None
            ),
        }


@dataclass(frozen=True)
class PushOutcome:
    """The answer to a push: one result per change, in order, and the clock facts."""

    server_epoch: str
    server_now_ms: int
    clock_offset_ms: int
    results: list[ChangeResult]


class Refusal(Exception):
    """A change refused before the rules run; not remembered, so a re-send is judged again."""

    def __init__(self, code: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.details = dict(details or {})


def require_supported_protocol(protocol_version: int) -> None:
    """Raise 426 client_too_old for a protocol this server no longer speaks."""
    minimum = current_app.config["SYNC_MIN_PROTOCOL_VERSION"]
    if protocol_version < minimum:
        raise ApiError(
            "client_too_old",
            "This app is too old to sync; update it. Nothing was lost: your unsynced "
            "records stay on the phone until the updated app sends them.",
            details={"min_protocol_version": minimum, "protocol_version": protocol_version},
        )
    if protocol_version > current_app.config["SYNC_PROTOCOL_VERSION"]:
        raise field_error(
            "validation_failed", "protocol_version", "This server does not speak that version yet."
        )


def now_ms() -> int:
    """The server clock in ms since the Unix epoch."""
    return datetime_to_ms(utc_now())


def record_payload(
    state: RecordState, site_id: str | None = None, *, with_fields: bool = True
) -> dict[str, Any]:
    """A record as the client stores it; a tombstone's values stay hidden."""
    newest = state.newest_hlc()
    payload: dict[str, Any] = {
        "record_type": state.record_type,
        "record_id": state.record_id,
        "version": state.version,
        "deleted": state.deleted,
        "hlc": newest.encode() if newest else None,
    }
    if site_id is not None:
        payload["site_id"] = site_id
    if state.deleted:
        payload["deleted_hlc"] = state.deleted_hlc.encode() if state.deleted_hlc else None
        return payload
    if with_fields:
        payload["fields"] = client_values(state)
    return payload


def result_payload(state: RecordState) -> dict[str, Any]:
    """The record a push result carries, with its site.

    An inspection comes without its fields: it is a fact that never changes, so they are what
    the phone sent, and echoing them would double the bytes of a push's answer.
    """
    site = state.fields.get("site_id")
    site_id = str(site.value) if site is not None else None
    return record_payload(state, site_id, with_fields=state.record_type != "inspection")


def conflict_payload(conflict: Conflict) -> dict[str, Any]:
    """A lost value as the client sees it."""
    return {
        "field": conflict.field,
        "kept_value": conflict.kept_value,
        "kept_hlc": conflict.kept_hlc.encode() if conflict.kept_hlc else None,
        "lost_value": conflict.lost_value,
        "lost_hlc": conflict.lost_hlc.encode(),
        "lost_device_id": conflict.lost_device_id,
        "reason": conflict.reason,
    }


class PushContext:
    """What one push knows while it applies its changes."""

    def __init__(self, principal: Principal, batch: Mapping[str, Any]) -> None:
        self.principal = principal
        self.user_id = str(principal.user_id)  # as each Change names its author
        self.device_id: str = batch["device_id"]
        self.server_now_ms = now_ms()
        self.clock_offset_ms = measure_clock_offset(batch["device_now_ms"], self.server_now_ms)
        self.max_skew_ms: int = current_app.config["SYNC_MAX_SKEW_MS"]
        self.store = SqlChangeStore(db.session, Author(principal.user_id, principal.device_id))
        self.capture = Capture(principal, self.clock_offset_ms)
        self.sites: dict[uuid.UUID, bool] = {}
        # (site text, record type, whether it registers an asset) of the changes this push
        # may make: a batch's hundred inspections of one site are checked once.
        self.permitted: set[tuple[str, str, bool]] = set()

    def site_exists(self, site_id: uuid.UUID) -> bool:
        """Whether the site exists (asked once per push; preloaded by the bulk path)."""
        if site_id not in self.sites:
            self.sites[site_id] = db.session.get(Site, site_id) is not None
        return self.sites[site_id]


def push_changes(principal: Principal, batch: Mapping[str, Any]) -> PushOutcome:
    """Apply a batch in order, in one transaction, and answer each change.

    One bad change never blocks the rest; once a change must wait ('retry'), later changes
    to the same record wait too, so per-record order holds. Nothing is committed unless
    the whole batch is (a crash mid-batch leaves nothing; the re-sent batch completes it).
    """
    require_supported_protocol(batch["protocol_version"])
    context = PushContext(principal, batch)
    from server.sync_api.bulk import push_in_bulk

    results = push_in_bulk(context, batch["changes"])
    if results is None:
        # A rare shape, or a batch that kept losing races in bulk: it was rolled back; apply
        # it change by change, which answers each conflict on its own.
        results = _push_one_by_one_until_done(context, batch["changes"])
    epoch = context.store.epoch
    db.session.commit()
    # Read after the commit: the feed lock is not held while the answers are completed.
    attach_missing_photos(results, batch["changes"])
    return PushOutcome(epoch, context.server_now_ms, context.clock_offset_ms, results)


# Tries of the change-by-change path; PostgreSQL may pick it as a deadlock's victim.
ONE_BY_ONE_ATTEMPTS = 3


def _push_one_by_one_until_done(
    context: PushContext, changes: list[Mapping[str, Any]]
) -> list[ChangeResult]:
    attempt = 1
    while True:
        try:
            return _push_one_by_one(context, changes)
        except OperationalError as error:
            db.session.rollback()
            if attempt == ONE_BY_ONE_ATTEMPTS or not is_contention(error):
                raise
            attempt += 1


def _push_one_by_one(context: PushContext, changes: list[Mapping[str, Any]]) -> list[ChangeResult]:
    # The feed counter first: change-by-change batches apply one at a time. A bulk batch
    # takes its records first and the counter last, and gives way when the two cross
    # (see sync_api.bulk.FEED_LOCK_WAIT_MS); a deadlock PostgreSQL breaks otherwise is
    # retried by the caller.
    context.store.lock_feed()
    return decide_in_order(changes, lambda raw: _push_one(context, raw))


def decide_in_order(
    changes: list[Mapping[str, Any]], decide: Callable[[Mapping[str, Any]], ChangeResult]
) -> list[ChangeResult]:
    """Answer each change in batch order with decide (both push paths).

    Once a change must wait ('retry'), later changes to the same record wait too, so a
    record's changes always apply in the order they were made.
    """
    waiting: set[tuple[str, str]] = set()
    results = []
    for raw in changes:
        key = (raw["record_type"], raw["record_id"])
        if key in waiting:
            result = ChangeResult(raw["change_id"], "retry", "blocked_by_earlier_change")
        else:
            result = decide(raw)
        if result.status == "retry":
            waiting.add(key)
        results.append(result)
    return results


def _push_one(context: PushContext, raw: Mapping[str, Any]) -> ChangeResult:
    store = context.store
    receipt = store.find_receipt(raw["change_id"])
    stored = None
    if receipt is not None or raw["record_type"] in FACT_RECORD_TYPES:
        stored = store.get_state(raw["record_type"], raw["record_id"])
        receipt = receipt or recorded_fact_receipt(raw, stored)
    if receipt is not None:
        # A re-send gets its first answer again: already applied, or the same refusal.
        status = "rejected" if receipt.outcome == "rejected" else "already_applied"
        return ChangeResult(
            raw["change_id"], status, receipt.reason_code, record=readable_payload(context, stored)
        )
    try:
        change = parse_change(context, raw)
        state = _current_state(change)
        if state is not None or change.op in ("create", "submit"):
            require_change_permission(context, change, state)
        with store.transaction():
            return _apply(context, change, state)
    except Refusal as refusal:
        return ChangeResult(raw["change_id"], "rejected", refusal.code, details=refusal.details)
    except MaterializeError as error:
        return ChangeResult(raw["change_id"], error.outcome, error.code, details=error.details)
    except IntegrityError:
        # A reference the checks above let through (e.g. deleted meanwhile): refuse this one.
        return ChangeResult(raw["change_id"], "rejected", "invalid_reference")


def recorded_fact_receipt(raw: Mapping[str, Any], state: RecordState | None) -> Receipt | None:
    """The receipt a fact's record stands for when this change re-sends it, else None.

    A recorded fact answers its own re-sends (sync.resolve.needs_receipt), before any
    check: the phone whose answer was lost gets already_applied, as a stored receipt would
    give it, even if it may no longer capture on that site.
    """
    if holds_fact(state, raw["record_type"], raw["fields"]):
        return Receipt(raw["change_id"], "already_applied")
    return None


def parse_change(context: PushContext, raw: Mapping[str, Any]) -> Change:
    """The sync core's Change of a pushed change; raise Refusal for a bad HLC or record id."""
    try:
        hlc = Hlc.decode(raw["hlc"])
    except InvalidHlcError as error:
        raise Refusal("invalid_hlc") from error
    try:
        uuid_text = str(uuid_of(raw["record_id"]))
    except ValueError:
        uuid_text = ""
    if uuid_text != raw["record_id"]:
        raise Refusal("invalid_record_id")
    return Change(
        change_id=raw["change_id"],
        record_type=raw["record_type"],
        record_id=raw["record_id"],
        op=raw["op"],
        fields=raw["fields"],
        # Clamped once, when first received; the stored state and the result keep it.
        hlc=clamp_remote(hlc, context.server_now_ms, context.max_skew_ms),
        device_id=context.device_id,
        user_id=context.user_id,
        base_version=raw.get("base_version"),
        observed_at_device_ms=raw.get("observed_at"),
    )


def check_change(change: Change) -> None:
    """Raise Refusal for a change no rule applies to, or an op phones may not make."""
    problem = validate_change(change)
    if problem is not None:
        raise Refusal(problem)
    if change.op in BACK_OFFICE_OPS.get(change.record_type, ()):
        raise Refusal("op_not_allowed")


def _current_state(change: Change) -> RecordState | None:
    check_change(change)
    state = SqlChangeStore(db.session).get_state(change.record_type, change.record_id)
    return state if state is not None else seed_state(change.record_type, change.record_id)


def require_change_permission(
    context: PushContext, change: Change, state: RecordState | None
) -> None:
    """Raise Refusal unless the user may write this record on an existing site."""
    stored = state.fields.get("site_id") if state is not None else None
    incoming = change.fields.get("site_id")
    if stored is not None and incoming is not None and incoming != stored.value:
        raise Refusal("site_id_immutable")
    raw_site = stored.value if stored is not None else incoming
    if raw_site is None:
        raise Refusal("missing_field", {"field": "site_id"})
    registers_asset = change.record_type == "asset" and change.op == "create" and state is None
    permission = (raw_site, change.record_type, registers_asset)
    if type(raw_site) is str and permission in context.permitted:
        return
    try:
        site_id = parse_uuid(raw_site, "site_id")
    except MaterializeError as error:
        raise Refusal(error.code, error.details) from error
    assert site_id is not None
    principal = context.principal
    if registers_asset:
        # Registering an asset on the spot (scan flow): crews and site admins, not inspectors.
        allowed = principal.can(site_id, Permission.REGISTER_ASSET)
    else:
        allowed = principal.can(site_id, Permission.CAPTURE) or (
            change.record_type == "finding" and principal.can(site_id, Permission.REVIEW)
        )
    if not allowed or not context.site_exists(site_id):
        raise Refusal("forbidden", {"site_id": str(site_id)})
    context.permitted.add(permission)  # parse_uuid took only text


def _apply(context: PushContext, change: Change, state: RecordState | None) -> ChangeResult:
    store = context.store
    resolution = apply_change(state, change, ())
    result = ChangeResult(change.change_id, resolution.outcome, resolution.reason_code)
    result.hlc = change.hlc.encode()
    result.conflicts = [conflict_payload(conflict) for conflict in resolution.conflicts]
    if resolution.outcome == "retry":
        return result  # not remembered: the same change_id must apply once it can
    new_state = resolution.new_state
    if new_state is not None and new_state != state:
        store.save_state(new_state)
        site_id = str(new_state.fields["site_id"].value)
        store.append_to_feed(site_id, new_state.record_type, new_state.record_id, new_state.version)
        materialize(state, new_state, context.capture)
    if needs_receipt(change, resolution):
        store.remember_change(
            change.change_id, Receipt(change.change_id, resolution.outcome, resolution.reason_code)
        )
    store.save_conflicts(resolution.conflicts)
    result.record = result_payload(new_state) if new_state is not None else None
    return result


def readable_payload(context: PushContext, state: RecordState | None) -> dict[str, Any] | None:
    """The record for a re-sent change's answer, if the user may still read it."""
    if state is None or "site_id" not in state.fields:
        return None
    try:
        site_id = uuid_of(str(state.fields["site_id"].value))
    except ValueError:
        return None
    return result_payload(state) if context.principal.can(site_id, Permission.READ) else None


def attach_missing_photos(results: list[ChangeResult], changes: list[Mapping[str, Any]]) -> None:
    """Tell the phone, per inspection, which of its photos the server still waits for."""
    from server.photos.services import missing_photo_sha256s

    by_site: dict[uuid.UUID, list[uuid.UUID]] = {}
    for result, raw in zip(results, changes, strict=True):
        record = result.record
        if raw["record_type"] != "inspection" or record is None or record.get("deleted"):
            continue
        if result.missing_photo_sha256s is not None:
            continue  # answered by the bulk path, which created the inspection
        by_site.setdefault(uuid.UUID(record["site_id"]), []).append(uuid.UUID(raw["record_id"]))
    missing: dict[uuid.UUID, list[str]] = {}
    for site_id, inspection_ids in by_site.items():
        missing.update(missing_photo_sha256s(site_id, inspection_ids))
    for result, raw in zip(results, changes, strict=True):
        if (
            raw["record_type"] == "inspection"
            and result.record is not None
            and result.missing_photo_sha256s is None
        ):
            result.missing_photo_sha256s = missing.get(uuid.UUID(raw["record_id"]), [])


# --- Pull -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullPage:
    """One page of the change feed for one user."""

    server_epoch: str
    changes: Any  # a JSON array of records (record_payload), as an orjson.Fragment
    next_cursor: str
    has_more: bool
    drop_site_ids: list[str]
    missing_photos: dict[str, Any]  # {inspection_id: [sha256, ...]} (as JSON fragments)


def _epoch_mismatch(server_epoch: str, why: str) -> ApiError:
    return ApiError(
        "epoch_mismatch",
        f"{why} Re-push every change not acknowledged in epoch {server_epoch}, "
        "then pull again without a cursor.",
        details={"server_epoch": server_epoch},
    )


def _cursor(store: SqlChangeStore, text: str | None) -> Cursor | None:
    if not text:
        return None
    try:
        cursor = Cursor.decode(text)
    except InvalidCursorError as error:
        raise field_error(
            "validation_failed", "cursor", "Not a cursor from this server."
        ) from error
    if cursor.epoch != store.epoch:
        raise _epoch_mismatch(store.epoch, "The server's history changed (restored from backup).")
    if cursor.seq > store.last_seq():
        # Same epoch but a position the server never reached: its feed was rolled back.
        raise _epoch_mismatch(store.epoch, "The cursor is ahead of the server's history.")
    return cursor


def pull_changes(
    principal: Principal,
    cursor_text: str | None,
    limit: int,
    known_site_ids: Collection[uuid.UUID] = (),
) -> PullPage:
    """Return the records changed after a cursor, oldest change first, for the user's sites."""
    store = SqlChangeStore(db.session)
    cursor = _cursor(store, cursor_text)
    visible = None if principal.is_super_admin else {str(site) for site in principal.site_ids}
    after_seq = cursor.seq if cursor is not None else 0
    from server.photos.services import missing_photos_json

    rows = store.read_pull_page(after_seq, limit + 1, visible, missing_photos_json)
    page = rows[:limit]
    # The records and their missing photos go on as the JSON text the query built (rows
    # unpacked: 1,000 rows' columns looked up by name took a tenth of a page's time).
    records = ",".join(record for _, _, _, record, _ in page if record is not None)
    missing_photos = {
        record_id: orjson.Fragment(missing)
        for _, record_id, is_deleted, record, missing in page
        if missing is not None and record is not None and not is_deleted
    }
    next_seq = page[-1].seq if page else after_seq
    drop = sorted(str(site) for site in known_site_ids if not principal.can(site, Permission.READ))
    return PullPage(
        store.epoch,
        orjson.Fragment(f"[{records}]"),
        Cursor(store.epoch, next_seq).encode(),
        len(rows) > limit,
        drop,
        missing_photos,
    )


# --- Changes the server makes itself (a reviewer restoring a lost value) -------------------


def apply_server_change(principal: Principal, change: Change) -> ChangeResult:
    """Apply a change written by the server for a reviewer; refused changes raise 409."""
    context = PushContext(principal, {"device_id": change.device_id, "device_now_ms": now_ms()})
    context.store.lock_feed()
    try:
        state = _current_state(change)
        with context.store.transaction():
            return _apply(context, change, state)
    except (Refusal, MaterializeError) as error:
        raise ApiError(
            "conflict", f"The value cannot be restored ({error})", details={"code": str(error)}
        ) from error
