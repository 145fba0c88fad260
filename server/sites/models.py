"""Sites (hospitals or campuses) and their buildings, floors, departments and locations."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import created_at_column, enum_column, updated_at_column, uuid_key
from server.extensions import db


class LocationKind(enum.StrEnum):
    """What kind of place a location is; some rules (GB 50444 intervals) depend on it."""

    WARD = "ward"
    ROOM = "room"
    CORRIDOR = "corridor"
    PLANT_ROOM = "plant_room"
    BOILER_ROOM = "boiler_room"
    OUTDOOR = "outdoor"
    PUBLIC_AREA = "public_area"
    KITCHEN = "kitchen"
    STORE = "store"


class Site(db.Model):
    """A hospital or campus; the unit of data isolation."""

    __tablename__ = "sites"

    id: Mapped[uuid.UUID] = uuid_key()
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    created_at: Mapped[datetime] = created_at_column()


class Department(db.Model):
    """A department (科室) or contractor that owns locations and answers for findings."""

    __tablename__ = "sites_departments"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()


class Building(db.Model):
    """A building of a site."""

    __tablename__ = "sites_buildings"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()

    floors: Mapped[list[Floor]] = relationship(
        back_populates="building", order_by="Floor.level", cascade="all, delete-orphan"
    )


class Floor(db.Model):
    """A floor of a building; a negative level is a basement."""

    __tablename__ = "sites_floors"
    __table_args__ = (UniqueConstraint("building_id", "level"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    building_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_buildings.id"))
    level: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    building: Mapped[Building] = relationship(back_populates="floors")

    @property
    def is_basement(self) -> bool:
        """Below ground: GB 50444 asks for half-monthly extinguisher checks here."""
        return self.level < 0


class Location(db.Model):
    """A ward, room, corridor, plant room or outdoor area, owned by a department."""

    __tablename__ = "sites_locations"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    floor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_floors.id"), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_departments.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[LocationKind] = enum_column(LocationKind)
    notes: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    floor: Mapped[Floor] = relationship()
    department: Mapped[Department] = relationship()
