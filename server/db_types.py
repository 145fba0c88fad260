"""Column types shared by every model: aware UTC timestamps, JSON, UUID keys."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Enum, Integer, TypeDecorator, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only autoincrements an INTEGER PRIMARY KEY, not a BIGINT one.
BigIntKey = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@lru_cache(maxsize=4096)
def uuid_of(text: str) -> uuid.UUID:
    """uuid.UUID(text), remembered (a UUID never changes): raises ValueError as it does.

    A sync push of 100 inspections parses about a thousand ids, most of them the same few
    sites, locations and checklists, and each record's own id more than once.
    """
    return uuid.UUID(text)


def uuid_key() -> Mapped[uuid.UUID]:
    """A UUID primary key; clients may generate it (offline-created records)."""
    return mapped_column(Uuid(), primary_key=True, default=uuid.uuid4)


def created_at_column() -> Mapped[datetime]:
    """When the server first stored the row."""
    return mapped_column(UtcDateTime(), default=utc_now, nullable=False)


def updated_at_column() -> Mapped[datetime]:
    """When the server last changed the row."""
    return mapped_column(UtcDateTime(), default=utc_now, onupdate=utc_now, nullable=False)


def enum_column(enum_class: type[enum.Enum], **kwargs: Any) -> Mapped[Any]:
    """A VARCHAR column holding the enum's values (no native type: easy to extend later)."""
    return mapped_column(
        Enum(
            enum_class,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda members: [m.value for m in members],
        ),
        **kwargs,
    )
