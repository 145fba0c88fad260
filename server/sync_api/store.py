"""A ChangeStore on SQLAlchemy: the sync core's port, on SQLite and PostgreSQL.

Feed seqs are allocated in commit order: the seq counter is one row (sync_server), and
taking a seq updates it, so its row lock is held until the transaction commits. A second
writer blocks on that row until the first commits, so a reader that has seen seq N can
never later find a smaller seq appear (the classic change-feed data loss).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from server.db_copy import insert_rows, rows_with_keys
from server.sync_api.models import (
    SERVER_ROW_ID,
    SyncConflict,
    SyncFeedEntry,
    SyncReceipt,
    SyncRecord,
    SyncServer,
)
from sync.changes import Conflict, FieldState, RecordState
from sync.hlc import Hlc
from sync.store import FeedEntry, Receipt


@dataclass(frozen=True)
class Author:
    """Who pushed the changes a store remembers: the signed-in user and their device."""

    user_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None


# A column computed from a feed entry's record_type, record_id and site_id.
EntryColumn = Callable[[Any, Any, Any], ColumnElement[Any]]

# What saving a state replaces (all but the key).
STATE_COLUMNS = ("field_values", "field_clocks", "hlc", "version", "is_deleted", "deleted_hlc")


def client_values(state: RecordState) -> dict[str, Any]:
    """A record's fields as clients store them: the values, and a finding's reopen count."""
    values = state.values()
    if state.record_type == "finding" and "status" in state.fields:
        values["reopen_count"] = state.fields["status"].rank
    return values


def field_clocks(state: RecordState, values: Mapping[str, Any]) -> Any:
    """sync_records.field_clocks of a state: each field's clock, device, rank and version.

    ``values`` are the state's field_values. When they name exactly its fields and every
    field has the same clock (a submitted inspection: one change wrote them all), that one
    clock stands for all of them, stored as a one-element list: a push of 100 inspections
    then writes one clock per record instead of eight.
    """
    if values.keys() == state.fields.keys():
        shared = _shared_clock(list(state.fields.values()))
        if shared is not None:
            return [_clock_json(shared)]
    return {name: _clock_json(field) for name, field in state.fields.items()}


def _shared_clock(fields: list[FieldState]) -> FieldState | None:
    """The first field, if every field has its clock, device, rank and version; else None."""
    if not fields:
        return None
    first = fields[0]
    hlc, device_id, rank, version = first.hlc, first.device_id, first.rank, first.version
    for field in fields:
        # One change's fields share its clock object: `is` spares the dataclass __eq__.
        if not (
            (field.hlc is hlc or field.hlc == hlc)
            and field.device_id == device_id
            and field.rank == rank
            and field.version == version
        ):
            return None
    return first


def _clock_json(field: FieldState) -> dict[str, Any]:
    return {
        "hlc": field.hlc.encode(),
        "device_id": field.device_id,
        "rank": field.rank,
        "version": field.version,
    }


def state_from_row(row: Any) -> RecordState:
    """Return the RecordState of a sync_records row."""
    values = row.field_values
    clocks = row.field_clocks
    if isinstance(clocks, list):  # one clock for every field (see field_clocks)
        clocks = dict.fromkeys(values, clocks[0])
    return RecordState(
        row.record_type,
        row.record_id,
        {
            name: FieldState(
                values.get(name),
                Hlc.decode(clock["hlc"]),
                clock["device_id"],
                clock["rank"],
                clock["version"],
            )
            for name, clock in clocks.items()
        },
        row.version,
        row.is_deleted,
        Hlc.decode(row.deleted_hlc) if row.deleted_hlc else None,
    )


class SqlChangeStore:
    """A ChangeStore in the app's database, writing through one session."""

    def __init__(self, session: Session, author: Author | None = None) -> None:
        self.session = session
        self.author = author or Author()
        self._epoch: str | None = None

    def _is_postgresql(self) -> bool:
        return bool(self.session.get_bind().dialect.name == "postgresql")

    def _insert(self, model: Any) -> Any:
        return (postgresql if self._is_postgresql() else sqlite).insert(model)

    def _server_row(self, *, for_update: bool = False) -> SyncServer:
        # Read afresh: _take_seqs moves the counter on the table, behind a loaded object's back.
        statement = (
            select(SyncServer)
            .where(SyncServer.id == SERVER_ROW_ID)
            .execution_options(populate_existing=True)
        )
        if for_update:
            statement = statement.with_for_update()
        row = self.session.scalar(statement)
        if row is not None:
            return row
        # The migration creates the row; re-create it if it went missing (emptied tables),
        # continuing after the feed's highest seq so seqs never repeat.
        last_seq = self.session.scalar(select(func.coalesce(func.max(SyncFeedEntry.seq), 0)))
        self.session.execute(
            self._insert(SyncServer)
            .values(id=SERVER_ROW_ID, epoch=uuid.uuid4().hex, last_seq=last_seq)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        row = self.session.scalar(statement)
        assert row is not None  # inserted just now, or by a concurrent writer
        return row

    @property
    def epoch(self) -> str:
        """Return the feed's epoch (new after `roundbook sync new-epoch`)."""
        if self._epoch is None:
            self._epoch = self._server_row().epoch
        return self._epoch

    def last_seq(self) -> int:
        """Return the highest seq allocated so far (committed or not)."""
        return self._server_row().last_seq

    def lock_feed(self) -> None:
        """Take the feed lock now, for the rest of the transaction.

        A batch takes it before touching any record, so two batches never hold record rows
        and the counter in opposite orders (a deadlock); batches therefore apply one at a time.
        """
        self._server_row(for_update=True)

    def transaction(self) -> AbstractContextManager[None]:
        """Return a savepoint: a change's writes commit with the batch or not at all."""
        return self._savepoint()

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        with self.session.begin_nested():
            yield

    def get_state(self, record_type: str, record_id: str) -> RecordState | None:
        """Return a record's state, tombstones included, or None."""
        row = self.session.execute(
            select(SyncRecord.__table__).where(
                SyncRecord.record_type == record_type, SyncRecord.record_id == record_id
            )
        ).first()
        return state_from_row(row) if row is not None else None

    def save_state(self, state: RecordState) -> None:
        """Insert or replace a record's state."""
        row = _state_row(state)
        statement = self._insert(SyncRecord).values(row)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["record_type", "record_id"],
                set_={name: row[name] for name in STATE_COLUMNS},
            )
        )

    def save_states(self, states: Collection[RecordState]) -> None:
        """Insert or replace many records' states in one statement (one state per record)."""
        if not states:
            return
        statement = self._insert(SyncRecord.__table__)
        self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["record_type", "record_id"],
                set_={name: statement.excluded[name] for name in STATE_COLUMNS},
            ),
            [_state_row(state) for state in _in_key_order(states)],
        )

    def insert_new_states(self, states: Collection[RecordState]) -> None:
        """Insert the states of records that have none yet.

        Raises IntegrityError if one has a state after all (another transaction created it
        meanwhile): the caller decided on stale facts and must decide again.
        """
        if states:
            insert_rows(
                SyncRecord.__table__,
                [_state_row(state) for state in _in_key_order(states)],
                self.session,
            )

    def find_receipts(self, change_ids: Collection[str]) -> dict[str, Receipt]:
        """Return the first decisions about many change ids (those decided before)."""
        if not change_ids:
            return {}
        rows = rows_with_keys(
            [SyncReceipt.change_id, SyncReceipt.outcome, SyncReceipt.reason_code],
            SyncReceipt.change_id,
            change_ids,
            session=self.session,
        )
        return {row.change_id: Receipt(row.change_id, row.outcome, row.reason_code) for row in rows}

    def insert_receipts(self, receipts: Collection[Receipt]) -> None:
        """Remember decisions about change ids never decided before.

        Raises IntegrityError if one was decided meanwhile by another transaction: the
        caller's answer may differ from that first decision, so it must decide again.
        """
        if receipts:
            insert_rows(SyncReceipt.__table__, self._receipt_rows(receipts), self.session)

    def _receipt_rows(self, receipts: Collection[Receipt]) -> list[dict[str, Any]]:
        return [
            {
                "change_id": receipt.change_id,
                "outcome": receipt.outcome,
                "reason_code": receipt.reason_code,
                "user_id": self.author.user_id,
                "device_id": self.author.device_id,
            }
            for receipt in sorted(receipts, key=lambda receipt: receipt.change_id)
        ]

    def has_change(self, change_id: str) -> bool:
        """Return True if this change id has been decided before."""
        return self.find_receipt(change_id) is not None

    def find_receipt(self, change_id: str) -> Receipt | None:
        """Return the first decision about a change id, if any."""
        row = self.session.execute(
            select(SyncReceipt.outcome, SyncReceipt.reason_code).where(
                SyncReceipt.change_id == change_id
            )
        ).first()
        return Receipt(change_id, row.outcome, row.reason_code) if row is not None else None

    def remember_change(self, change_id: str, result: Receipt) -> None:
        """Record the decision about a change id; the first decision is kept.

        ON CONFLICT DO NOTHING: the same change arriving twice at once never fails.
        """
        self.session.execute(
            self._insert(SyncReceipt)
            .values(
                change_id=change_id,
                outcome=result.outcome,
                reason_code=result.reason_code,
                user_id=self.author.user_id,
                device_id=self.author.device_id,
            )
            .on_conflict_do_nothing(index_elements=["change_id"])
        )

    def save_conflicts(
        self, conflicts: Sequence[Conflict], site_ids: Sequence[str] | None = None
    ) -> None:
        """Keep lost values for review, with the site of their record (looked up if not given)."""
        if not conflicts:
            return
        sites = site_ids if site_ids is not None else [self._site_of(c) for c in conflicts]
        self.session.execute(
            SyncConflict.__table__.insert(),
            [
                {
                    "site_id": site_id,
                    "record_type": conflict.record_type,
                    "record_id": conflict.record_id,
                    "field": conflict.field,
                    "kept_value": conflict.kept_value,
                    "kept_hlc": conflict.kept_hlc.encode() if conflict.kept_hlc else None,
                    "lost_value": conflict.lost_value,
                    "lost_hlc": conflict.lost_hlc.encode(),
                    "lost_device_id": conflict.lost_device_id,
                    "reason": conflict.reason,
                }
                for conflict, site_id in zip(conflicts, sites, strict=True)
            ],
        )

    def _site_of(self, conflict: Conflict) -> str:
        return conflict_site_id(conflict, self.get_state(conflict.record_type, conflict.record_id))

    def list_conflicts(self, record_type: str, record_id: str) -> list[Conflict]:
        """Return a record's recorded conflicts, oldest first."""
        rows = self.session.scalars(
            select(SyncConflict)
            .where(SyncConflict.record_type == record_type, SyncConflict.record_id == record_id)
            .order_by(SyncConflict.id)
        )
        return [conflict_from_row(row) for row in rows]

    def append_to_feed(self, site_id: str, record_type: str, record_id: str, version: int) -> int:
        """Move a record to the head of the feed and return its new seq.

        The counter row's update takes its lock until commit: seqs follow commit order.
        """
        return self.append_many_to_feed([(site_id, record_type, record_id, version)])

    def append_many_to_feed(
        self,
        entries: Sequence[tuple[str, str, str, int]],
        *,
        new_records: Collection[tuple[str, str]] = (),
        lock_wait_ms: int | None = None,
    ) -> int:
        """Move many records (site_id, record_type, record_id, version) to the feed's head.

        One counter update takes as many seqs as there are entries (its row lock is held to
        commit, as in append_to_feed); the entries get them in the order given, one record
        once (the caller passes each record's last change only). Records in new_records,
        never in the feed before, are inserted in one COPY. With lock_wait_ms, waiting
        longer than that for the counter raises (PostgreSQL's lock_not_available) instead.
        Returns the last seq taken (the feed's head; unchanged when there are no entries).
        """
        if not entries:
            return self.last_seq()
        if lock_wait_ms is not None and self._is_postgresql():
            # SET LOCAL lasts to the end of the transaction: only the feed rows follow. Set
            # first: re-creating a missing counter row waits for the counter too.
            self.session.execute(_lock_timeout(int(lock_wait_ms)))
        last = self._take_seqs(len(entries))
        first = last - len(entries) + 1
        rows = [
            {
                "seq": first + offset,
                "site_id": site_id,
                "record_type": record_type,
                "record_id": record_id,
                "version": version,
            }
            for offset, (site_id, record_type, record_id, version) in enumerate(entries)
        ]
        new = set(new_records)
        insert_rows(
            SyncFeedEntry.__table__,
            [row for row in rows if (row["record_type"], row["record_id"]) in new],
            self.session,
        )
        moved = [row for row in rows if (row["record_type"], row["record_id"]) not in new]
        if moved:
            statement = self._insert(SyncFeedEntry.__table__)
            self.session.execute(
                statement.on_conflict_do_update(
                    index_elements=["record_type", "record_id"],
                    set_={name: statement.excluded[name] for name in ("seq", "site_id", "version")},
                ),
                moved,
            )
        return last

    def _take_seqs(self, count: int) -> int:
        """Take the next count seqs from the counter (its row stays locked); the last one.

        The epoch comes back with them, so a push reads the counter row only here.
        """
        taken = self.session.execute(_TAKE_SEQS, {"count": count}).first()
        if taken is None:  # the row went missing: _server_row re-creates it
            self._server_row()
            taken = self.session.execute(_TAKE_SEQS, {"count": count}).one()
        self._epoch = taken.epoch
        return int(taken.last_seq)

    def record_versions(
        self, keys: Collection[tuple[str, str]], *, lock: bool = False
    ) -> dict[tuple[str, str], int]:
        """Return the stored version of each of these records that has a state.

        With lock, their rows stay locked until commit, so the versions cannot move; rows
        are locked in key order, the order every batch uses, so two batches never deadlock.
        """
        columns = [SyncRecord.record_type, SyncRecord.record_id, SyncRecord.version]
        rows = self._rows_of_records(keys, columns, lock=lock)
        return {key: row.version for key, row in rows.items()}

    def read_feed(
        self, after_seq: int, limit: int, site_ids: Collection[str] | None
    ) -> list[FeedEntry]:
        """Return up to `limit` entries with seq > after_seq, by seq; None means all sites."""
        entries = self._feed_after(after_seq, limit, site_ids)
        with self._walking_the_feed_index():
            rows = self.session.execute(select(entries).order_by(entries.c.seq).limit(limit))
        return [
            FeedEntry(row.seq, row.site_id, row.record_type, row.record_id, row.version)
            for row in rows
        ]

    def read_pull_page(
        self,
        after_seq: int,
        limit: int,
        site_ids: Collection[str] | None,
        annotation: EntryColumn | None = None,
    ) -> list[Any]:
        """The records of read_feed's entries as a pull page sends them, in one query.

        Each row has the entry's seq and record_id, the record's is_deleted, and
        record_json: the record as services.record_payload gives it (with the entry's
        site_id), as JSON text built by the database; null when the record has no state. A
        page holds up to 1,000 records of some 3 KB: decoding their values only to encode
        them again, or even building a dict per record around them, was most of a pull's
        time.
        annotation: a column computed from each entry's record_type, record_id and site_id
        (an inspection's missing photos), last in the row as `annotation` (else null).
        """
        entries = self._feed_after(after_seq, limit, site_ids)
        record = SyncRecord.__table__
        columns = [record.c[name] for name in STATE_COLUMNS if name != "field_clocks"]
        same_key = (record.c.record_type == entries.c.record_type) & (
            record.c.record_id == entries.c.record_id
        )
        if self._is_postgresql():
            # One index probe per entry, whatever the statistics say (see rows_with_keys).
            state: Any = select(*columns).where(same_key).limit(1).lateral("state")
            joined: Any = true()
        else:  # SQLite has no LATERAL; it plans the join on the key itself
            state, joined = record, same_key
        statement = (
            select(
                entries.c.seq,
                entries.c.record_id,
                state.c.is_deleted,
                self._record_json(entries, state).label("record_json"),
                _annotation_of(entries, annotation),
            )
            .select_from(entries)
            .outerjoin(state, joined)
            .order_by(entries.c.seq)
            .limit(limit)
        )
        with self._walking_the_feed_index():
            return list(self.session.execute(statement).all())

    def _record_json(self, entry: Any, state: Any) -> ColumnElement[str | None]:
        # services.record_payload, key for key. The values are stored JSON and go in as
        # they are; a tombstone's stay hidden.
        if self._is_postgresql():
            build, deleted, values = (
                func.json_build_object,
                state.c.is_deleted,
                state.c.field_values,
            )
        else:  # SQLite: its booleans are integers, its JSON is text until json() says it is
            build = func.json_object
            deleted = case((state.c.is_deleted, func.json("true")), else_=func.json("false"))
            values = func.json(state.c.field_values)
        head = [
            *_json_key("record_type", entry.c.record_type),
            *_json_key("record_id", entry.c.record_id),
            *_json_key("version", state.c.version),
            *_json_key("deleted", deleted),
            *_json_key("hlc", state.c.hlc),
            *_json_key("site_id", entry.c.site_id),
        ]
        return cast(
            case(
                (state.c.version.is_(None), None),
                (state.c.is_deleted, build(*head, *_json_key("deleted_hlc", state.c.deleted_hlc))),
                else_=build(*head, *_json_key("fields", values)),
            ),
            Text,
        )

    @contextmanager
    def _walking_the_feed_index(self) -> Iterator[None]:
        # A page is the next entries of the (site_id, seq) index, read in order. On
        # statistics that lag (autovacuum off, or a table growing faster than it runs),
        # PostgreSQL believes a site has a handful of entries and plans a bitmap scan of
        # all of them and a sort, reading the whole feed for every page. Both are
        # discouraged for this statement only: elsewhere a bitmap scan is what keeps a
        # never-analyzed table from being scanned whole.
        if not self._is_postgresql():
            yield
            return
        self.session.execute(_PLANNER_SETTINGS, {"setting": "off"})
        yield
        # Not on an error: the transaction is then rolled back, and the settings with it.
        self.session.execute(_PLANNER_SETTINGS, {"setting": "on"})

    def _feed_after(self, after_seq: int, limit: int, site_ids: Collection[str] | None) -> Any:
        feed = SyncFeedEntry.__table__
        after = select(feed).where(feed.c.seq > after_seq)
        if site_ids is None:
            return after.order_by(feed.c.seq).limit(limit).subquery("entry")
        if not self._is_postgresql():
            of_sites = after.where(feed.c.site_id.in_(list(site_ids)))
            return of_sites.order_by(feed.c.seq).limit(limit).subquery("entry")
        # Each site's next entries, read in order from the (site_id, seq) index; asked as
        # site_id IN (...), PostgreSQL read and sorted all of a site's entries per page
        # whenever its statistics lagged.
        array_type = postgresql.ARRAY(feed.c.site_id.type)
        site_array = bindparam("site_ids", list(site_ids), type_=array_type)
        sites = func.unnest(site_array).table_valued("site_id").render_derived(name="site")
        of_site = (
            after.where(feed.c.site_id == sites.c.site_id)
            .order_by(feed.c.seq)
            .limit(limit)
            .lateral("of_site")
        )
        return (
            select(of_site)
            .select_from(sites)
            .join(of_site, true())
            .order_by(of_site.c.seq)
            .limit(limit)
            .subquery("entry")
        )

    def get_states(self, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], RecordState]:
        """Return many records' states at once."""
        rows = self._rows_of_records(keys, list(SyncRecord.__table__.columns))
        return {key: state_from_row(row) for key, row in rows.items()}

    def _rows_of_records(
        self, keys: Collection[tuple[str, str]], columns: list[Any], *, lock: bool = False
    ) -> dict[tuple[str, str], Any]:
        # Columns must include record_type and record_id. With lock, rows are locked in key
        # order (see record_versions).
        rows_by_key: dict[tuple[str, str], Any] = {}
        by_type: dict[str, list[str]] = {}
        for record_type, record_id in sorted(keys) if lock else keys:
            by_type.setdefault(record_type, []).append(record_id)
        for record_type, record_ids in by_type.items():
            rows = rows_with_keys(
                columns,
                SyncRecord.record_id,
                record_ids,
                where={SyncRecord.record_type: record_type},
                for_update=lock,
                session=self.session,
            )
            for row in rows:
                rows_by_key[(row.record_type, row.record_id)] = row
        return rows_by_key


_PLANNER_SETTINGS = text(
    "SELECT set_config('enable_bitmapscan', :setting, true),"
    " set_config('enable_sort', :setting, true)"
)


# SQLSTATEs of waits that trying again resolves: lock_not_available, deadlock_detected,
# serialization_failure.
CONTENTION_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def is_contention(error: OperationalError) -> bool:
    """Whether the database refused a statement because of another transaction's locks."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate in CONTENTION_SQLSTATES or "database is locked" in str(error.orig)


def _json_key(key: str, value: Any) -> tuple[Any, Any]:
    # The key as an SQL literal: as a parameter, PostgreSQL cannot tell its type.
    return literal_column(f"'{key}'"), value


def _annotation_of(entries: Any, annotation: EntryColumn | None) -> ColumnElement[Any]:
    if annotation is None:
        return null().label("annotation")
    column = annotation(entries.c.record_type, entries.c.record_id, entries.c.site_id)
    return column.label("annotation")


@lru_cache(maxsize=16)
def _lock_timeout(milliseconds: int) -> Any:
    # SET takes no parameters: one statement per wait, built once.
    return text(f"SET LOCAL lock_timeout = {milliseconds}")


# _take_seqs's statement, built once. On the table, not the mapped class: an ORM update also
# looks for the row among the session's objects to keep them in step, at three times the
# cost (none is).
_SERVER = SyncServer.__table__
_TAKE_SEQS = (
    update(_SERVER)
    .where(_SERVER.c.id == SERVER_ROW_ID)
    .values(last_seq=_SERVER.c.last_seq + bindparam("count", type_=BigInteger))
    .returning(_SERVER.c.last_seq, _SERVER.c.epoch)
)


def _state_row(state: RecordState) -> dict[str, Any]:
    newest = state.newest_hlc()
    values = client_values(state)
    return {
        "record_type": state.record_type,
        "record_id": state.record_id,
        "field_values": values,
        "field_clocks": field_clocks(state, values),
        "hlc": newest.encode() if newest is not None else None,
        "version": state.version,
        "is_deleted": state.deleted,
        "deleted_hlc": state.deleted_hlc.encode() if state.deleted_hlc else None,
    }


def _in_key_order(states: Collection[RecordState]) -> list[RecordState]:
    # Every batch writes rows in the same order, so two never wait on each other in a cycle.
    return sorted(states, key=lambda state: (state.record_type, state.record_id))


def conflict_site_id(conflict: Conflict, state: RecordState | None) -> str:
    """The site a conflict is listed under: its record's, else the lost value's."""
    site = state.fields.get("site_id") if state is not None else None
    if site is None and isinstance(conflict.lost_value, dict):
        return str(conflict.lost_value.get("site_id", ""))
    return str(site.value) if site is not None else ""


def conflict_from_row(row: SyncConflict) -> Conflict:
    """Return the sync core's Conflict of a sync_conflicts row."""
    return Conflict(
        row.record_type,
        row.record_id,
        row.field,
        row.kept_value,
        Hlc.decode(row.kept_hlc) if row.kept_hlc else None,
        row.lost_value,
        Hlc.decode(row.lost_hlc),
        row.lost_device_id,
        row.reason,
    )


def start_new_epoch() -> str:
    """Give the feed a new epoch (after a restore) and commit; return it."""
    from server.extensions import db

    store = SqlChangeStore(db.session)
    store.lock_feed()
    epoch = uuid.uuid4().hex
    db.session.execute(update(SyncServer).where(SyncServer.id == SERVER_ROW_ID).values(epoch=epoch))
    db.session.commit()
    return epoch
