"""Many rows at once: insert them with COPY, match them with one array parameter.

On PostgreSQL, insert_rows uses COPY (an executemany INSERT elsewhere) and in_values
matches a column against a list sent as one array parameter (IN elsewhere).

A sync push writes some 500 rows over six tables per batch. Sent as an executemany, each
row is its own statement in a pipeline, and per-row driver and executor overhead was half
of a push's time; COPY streams them all in one statement. Values go through each column's
SQLAlchemy bind processing and Python-side defaults, so the rows stored are the same as an
INSERT would store. A duplicate key raises IntegrityError, as an INSERT would.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import psycopg
from sqlalchemy import Column, ColumnElement, Table, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.extensions import db


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
    if dialect.name != "postgresql":
        # An executemany takes its columns from the first row: rows are grouped by the
        # columns they give, so none loses a value another row did not give.
        by_columns: dict[frozenset[str], list[Mapping[str, Any]]] = {}
        for row in rows:
            by_columns.setdefault(frozenset(row), []).append(row)
        for group in by_columns.values():
            session.execute(table.insert(), group)
        return
    columns = [column for column in table.columns if _is_written(column, given)]
    converters = [_converter(column, dialect) for column in columns]
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    raw = connection.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([convert(row) for convert in converters])
    except psycopg.IntegrityError as error:
        raise IntegrityError(statement, None, error) from error


def _is_written(column: Column[Any], given: set[str]) -> bool:
    # Columns some row gives or that SQLAlchemy fills in Python; the rest keep the
    # database's own default (autoincrement keys, server defaults).
    default = column.default
    return column.key in given or (
        default is not None and (default.is_callable or default.is_scalar)
    )


def _converter(column: Column[Any], dialect: Any) -> Any:
    process = column.type._cached_bind_processor(dialect)  # noqa: SLF001
    default = column.default
    key = column.key

    def convert(row: Mapping[str, Any]) -> Any:
        if key in row:
            value = row[key]
        elif default is None:
            value = None
        elif default.is_callable:
            value = default.arg(None)  # type: ignore[union-attr]
        else:
            value = default.arg  # type: ignore[union-attr]
        return process(value) if process is not None and value is not None else value

    return convert


def in_values(
    column: Any, values: Collection[Any], session: Session | None = None
) -> ColumnElement[bool]:
    """column IN values; on PostgreSQL as = ANY(one array parameter).

    SQLAlchemy renders IN with a placeholder per value, and the driver re-parses that
    statement for every new length: for a pull page's 1,000 ids, more time than the query.
    One array parameter keeps the statement the same, so it is also prepared once.
    """
    session = session or db.session
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(list(values))
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
