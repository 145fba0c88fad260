"""Many rows at once: insert them with COPY, find them by key with one probe each.

On PostgreSQL, insert_rows uses COPY (an executemany INSERT elsewhere) and rows_with_keys
sends its keys as one JSON array parameter and looks each up in the index (IN elsewhere).

A sync push writes some 500 rows over six tables per batch. Sent as an executemany, each
row is its own statement in a pipeline, and per-row driver and executor overhead was half
of a push's time; COPY streams them all in one statement. Values go through each column's
SQLAlchemy bind processing and Python-side defaults, so the rows stored are the same as an
INSERT would store. A duplicate key raises IntegrityError, as an INSERT would.

COPY's binary format, not its text: ids, times and numbers then travel as their bytes, not
as text the driver formats and escapes and the server scans and parses again. Measured on a
push of 100 inspections: 16 % fewer Python instructions, about 10 % less PostgreSQL time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import psycopg
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    Row,
    Select,
    SmallInteger,
    String,
    Table,
    TypeDecorator,
    Uuid,
    bindparam,
    cast,
    func,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import json_codec
from server.db_types import uuid_of
from server.extensions import db

# A column's value a row leaves out, for _column_values.
_NOT_GIVEN = object()


def insert_rows(
    table: Table, rows: Sequence[Mapping[str, Any]], session: Session | None = None
) -> None:
    """Insert rows (dicts keyed by column name) into table, in one statement where it can."""
    if not rows:
        return
    given = set().union(*rows)
    unknown = given - set(table.columns.keys())
    if unknown:  # refused rather than a value silently left out
        raise ValueError(f"no such columns in {table.name}: {sorted(unknown)}")
    session = session or db.session
    connection = session.connection()
    dialect = connection.dialect
    now = _statement_instants(table)
    if dialect.name != "postgresql":
        # An executemany takes its columns from the first row: rows are grouped by the
        # columns they give, so none loses a value another row did not give.
        by_columns: dict[frozenset[str], list[Mapping[str, Any]]] = {}
        for row in ({**now, **row} for row in rows):
            by_columns.setdefault(frozenset(row), []).append(row)
        for group in by_columns.values():
            session.execute(table.insert(), group)
        return
    columns = [column for column in table.columns if _is_written(column, given)]
    formats = [_binary_format(column, dialect) for column in columns]
    # Column by column: a list comprehension per column, not a function call per value.
    values = [
        _column_values(column, dialect, rows, now.get(column.key), binary)
        for column, binary in zip(columns, formats, strict=True)
    ]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    table_name = dialect.identifier_preparer.format_table(table)
    statement = f"COPY {table_name} ({names}) FROM STDIN (FORMAT BINARY)"
    raw = connection.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types([binary.type_name for binary in formats])
            for row_values in zip(*values, strict=True):
                copy.write_row(row_values)
    except psycopg.IntegrityError as error:
        raise IntegrityError(statement, None, error) from error


@dataclass(frozen=True)
class _BinaryFormat:
    """How a column's values travel in binary COPY.

    type_name: the type whose psycopg dumper writes them; encode: what turns a bound value
    into what that dumper takes (None: the value itself); encodes_none: whether None is
    encoded too (JSON's null) rather than sent as SQL NULL.
    """

    type_name: str
    encode: Callable[[Any], Any] | None = None
    encodes_none: bool = False


# Most specific first (a BigInteger is an Integer). String covers VARCHAR, TEXT and the
# enums stored as VARCHAR: the server reads the same bytes for each.
_BINARY_FORMATS: tuple[tuple[type[Any], _BinaryFormat], ...] = (
    (Uuid, _BinaryFormat("uuid")),
    (String, _BinaryFormat("text")),
    (BigInteger, _BinaryFormat("int8")),
    (SmallInteger, _BinaryFormat("int2")),
    (Integer, _BinaryFormat("int4")),
    (Boolean, _BinaryFormat("bool")),
    (Date, _BinaryFormat("date")),
)
# JSON is encoded here by the engine's serializer (as an INSERT encodes it), and sent as the
# bytes the server's json input reads: the text, after a format version (1) for jsonb.
# Declared as bytea so that psycopg passes the bytes on as they are: its JSON dumpers would
# encode each value again, in Python.
# None is JSON's null, as an INSERT stores it, unless the column says none_as_null.
_JSON_FORMATS = {
    (is_jsonb, none_as_null): _BinaryFormat(
        "bytea",
        (lambda value: b"\x01" + json_codec.dumps_utf8(value))
        if is_jsonb
        else json_codec.dumps_utf8,
        encodes_none=not none_as_null,
    )
    for is_jsonb in (False, True)
    for none_as_null in (False, True)
}


@lru_cache(maxsize=1024)
def _binary_format(column: Column[Any], dialect: Any) -> _BinaryFormat:
    # Remembered per column: a push writes some forty columns over five tables.
    column_type = column.type.dialect_impl(dialect)
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    if isinstance(column_type, JSON):
        return _JSON_FORMATS[isinstance(column_type, JSONB), column_type.none_as_null]
    if isinstance(column_type, DateTime):
        return _BinaryFormat("timestamptz" if column_type.timezone else "timestamp")
    for kind, binary in _BINARY_FORMATS:
        if isinstance(column_type, kind):
            return binary
    raise TypeError(f"no binary COPY format for {column} ({column_type!r}): add one")


def _is_written(column: Column[Any], given: set[str]) -> bool:
    # Columns some row gives or that SQLAlchemy fills in Python; the rest keep the
    # database's own default (autoincrement keys, server defaults).
    default = column.default
    return column.key in given or (
        default is not None and (default.is_callable or default.is_scalar)
    )


def _column_values(
    column: Column[Any],
    dialect: Any,
    rows: Sequence[Mapping[str, Any]],
    instant: datetime | None,
    binary: _BinaryFormat,
) -> list[Any]:
    """The values COPY writes to this column for these rows, as an INSERT would store them.

    instant: the statement's value of a time default (_statement_instants).
    """
    key = column.key
    process = binary.encode or column.type._cached_bind_processor(dialect)  # noqa: SLF001
    try:
        # Nearly always every row gives the column: one subscript a value, no defaults.
        given = [row[key] for row in rows]
    except KeyError:
        pass
    else:
        if process is not None:
            encodes_none = binary.encodes_none
            given = [
                process(value) if value is not None or encodes_none else None for value in given
            ]
        return _as_uuids(given) if binary.type_name == "uuid" else given
    if instant is not None:
        missing = instant if process is None else process(instant)
    elif column.default is None:
        missing = None
    else:
        missing = _NOT_GIVEN
    if process is None and missing is not _NOT_GIVEN:
        values = [row.get(key, missing) for row in rows]
        return _as_uuids(values) if binary.type_name == "uuid" else values
    values: list[Any] = []
    for row in rows:
        if key in row:
            value = row[key]
        elif missing is not _NOT_GIVEN:
            values.append(missing)
            continue
        else:
            value = _default_value(column.default)
        if process is None or (value is None and not binary.encodes_none):
            values.append(value)
        else:
            values.append(process(value))
    return _as_uuids(values) if binary.type_name == "uuid" else values


_UUID_OR_NONE = frozenset({uuid.UUID, type(None)})


def _as_uuids(values: list[Any]) -> list[Any]:
    # An INSERT also takes an id as text; psycopg's binary dumper takes only a UUID.
    if set(map(type, values)) <= _UUID_OR_NONE:
        return values
    return [
        value if value is None or type(value) is uuid.UUID else uuid_of(value) for value in values
    ]


def _default_value(default: Any) -> Any:
    return default.arg(None) if default.is_callable else default.arg


def _statement_instants(table: Table) -> dict[str, datetime]:
    """The values of the table's time defaults (created_at, ...) for one statement's rows.

    Taken once, not once a row (a push writes some 500 rows): the rows of one statement are
    stored at one instant, as the database's now() would store them, on every database.
    """
    return {
        column.key: column.default.arg(None)  # type: ignore[union-attr]
        for column in table.columns
        if column.default is not None and column.default.is_callable and _is_time(column)
    }


def _is_time(column: Column[Any]) -> bool:
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    try:
        return column_type.python_type is datetime
    except NotImplementedError:
        return False


def rows_with_keys(
    columns: Sequence[Any],
    key: Any,
    values: Collection[Any],
    *,
    where: Mapping[Any, Any] | None = None,
    unique: bool = True,
    for_update: bool = False,
    session: Session | None = None,
) -> list[Row[Any]]:
    """The rows whose key is one of values (and whose ``where`` columns equal their values).

    On PostgreSQL each value is one index probe, whatever the statistics say: asked as
    key = ANY(values), or IN, PostgreSQL planned a scan of the whole table whenever its
    statistics lagged a fast-growing one (autovacuum off, or just not run yet), so a push
    or a pull page read every receipt and every record state, slower with each batch.
    unique: at most one row per value (LIMIT 1 keeps the lookup from being flattened into
    a join; OFFSET 0 does it otherwise). for_update locks the rows in the order of values.
    """
    session = session or db.session
    values = list(values)
    if not values:
        return []
    where = dict(where or {})
    statement = _keyed_select(
        session.get_bind().dialect.name,
        _ColumnsKey(columns),
        _ColumnsKey([key]),
        _ColumnsKey(where),
        unique=unique,
        for_update=for_update,
    )
    parameters = {f"where_{index}": value for index, value in enumerate(where.values())}
    return list(session.execute(statement, {"keys": values, **parameters}).all())


class _ColumnsKey:
    """Columns as a cache key: by identity (a column's == builds a SQL expression)."""

    def __init__(self, columns: Iterable[Any]) -> None:
        self.columns = tuple(columns)

    def __hash__(self) -> int:
        return hash(tuple(map(id, self.columns)))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _ColumnsKey)
            and len(self.columns) == len(other.columns)
            and all(
                mine is theirs for mine, theirs in zip(self.columns, other.columns, strict=True)
            )
        )


@lru_cache(maxsize=256)
def _keyed_select(
    dialect_name: str,
    columns: _ColumnsKey,
    key_column: _ColumnsKey,
    where: _ColumnsKey,
    *,
    unique: bool,
    for_update: bool,
) -> Select[Any]:
    # Built once per shape: building the statement and its cache key cost more than running
    # a push's lookups of a hundred receipts or states.
    key = _table_column(key_column.columns[0])
    conditions = [
        _table_column(column) == bindparam(f"where_{index}", type_=column.type)
        for index, column in enumerate(where.columns)
    ]
    selected = [_table_column(column) for column in columns.columns]
    if dialect_name != "postgresql":
        statement = select(*selected).where(key.in_(bindparam("keys", expanding=True)), *conditions)
        return statement.order_by(key).with_for_update() if for_update else statement
    # The keys travel as one JSON array: psycopg writes a list parameter element by element
    # in Python, a JSON text is written by orjson at once (a push sends some 400 keys).
    wanted = (
        func.json_array_elements_text(bindparam("keys", type_=JSON))
        .table_valued("value")
        .render_derived(name="wanted")
    )
    probe = select(*selected).where(key == cast(wanted.c.value, key.type), *conditions)
    probe = probe.limit(1) if unique else probe.offset(0)
    if for_update:
        probe = probe.with_for_update()
    found = probe.lateral("found")
    return select(found).select_from(wanted).join(found, true())


def _table_column(column: Any) -> Any:
    """The table's own column of a mapped attribute (Model.name), else the column as given.

    The same rows either way; a select of mapped attributes also goes through the ORM's
    compile and execution steps, some 25 us a lookup.
    """
    mapped = getattr(getattr(column, "property", None), "columns", None)
    return mapped[0] if mapped else column
