"""QR-tagged assets: fire extinguishers, bait stations and equipment (one table)."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db_types import created_at_column, enum_column, updated_at_column, uuid_key
from server.extensions import db
from server.sites.models import Location


class AssetKind(enum.StrEnum):
    """The three kinds of QR-tagged asset."""

    FIRE_EXTINGUISHER = "fire_extinguisher"
    BAIT_STATION = "bait_station"
    EQUIPMENT = "equipment"


class AssetStatus(enum.StrEnum):
    """Whether an asset is in service."""

    IN_SERVICE = "in_service"
    OUT_OF_SERVICE = "out_of_service"
    MISSING = "missing"
    SCRAPPED = "scrapped"


class ExtinguisherAgent(enum.StrEnum):
    """Extinguishing agent; it decides service and scrap intervals (GB 50444)."""

    DRY_POWDER = "dry_powder"
    CO2 = "co2"
    WATER_BASED = "water_based"
    CLEAN_AGENT = "clean_agent"


def new_qr_token() -> str:
    """A stable, unguessable token printed on the asset's QR label (128 bits)."""
    return secrets.token_urlsafe(16)


class Asset(db.Model):
    """A QR-tagged asset at a location; kind-specific columns live on the subclasses."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("site_id", "code"),)
    __mapper_args__ = {"polymorphic_on": "kind"}

    id: Mapped[uuid.UUID] = uuid_key()
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites_locations.id"), index=True)
    kind: Mapped[AssetKind] = enum_column(AssetKind)
    code: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    qr_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_qr_token)
    status: Mapped[AssetStatus] = enum_column(AssetStatus, default=AssetStatus.IN_SERVICE)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    location: Mapped[Location] = relationship()


class FireExtinguisher(Asset):
    """A fire extinguisher; its agent and manufacture date give service and scrap dates."""

    __mapper_args__ = {"polymorphic_identity": AssetKind.FIRE_EXTINGUISHER}

    agent: Mapped[ExtinguisherAgent | None] = enum_column(ExtinguisherAgent, nullable=True)
    capacity_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    manufactured_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_serviced_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class BaitStation(Asset):
    """A numbered rodent bait station."""

    __mapper_args__ = {"polymorphic_identity": AssetKind.BAIT_STATION}

    station_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bait_type: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Equipment(Asset):
    """A piece of equipment with its own checklist and statutory inspection date."""

    __mapper_args__ = {"polymorphic_identity": AssetKind.EQUIPMENT}

    category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    serial_number: Mapped[str | None] = mapped_column(String(200), nullable=True)
    statutory_inspection_due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("auth_users.id"), nullable=True
    )


# Added once the subclass has put station_number on the shared table. NULLs never collide,
# so this holds only bait stations' numbers unique per site, even under concurrent creates.
Asset.__table__.append_constraint(
    UniqueConstraint(Asset.__table__.c.site_id, Asset.__table__.c.station_number)
)
