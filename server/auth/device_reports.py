"""What each phone says it still holds unsynced, and the phones of a site holding work.

A phone sends ``X-Roundbook-Unsynced: ops=3; photos=1; drafts=0; persisted=1`` with each sync
(issue 4). The numbers are what it held when it sent the request. A malformed report is
ignored: it must never make a sync fail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from server.auth.access import Permission, Principal, require_permission
from server.auth.models import Device, SiteMembership, User
from server.db_types import utc_now
from server.extensions import db

HEADER = "X-Roundbook-Unsynced"
# Far more than a phone can hold; a bigger number is a broken client, not a report.
MAX_COUNT = 10_000_000
_COUNT_KEYS = {"ops": "records", "photos": "photos", "drafts": "drafts"}


@dataclass(frozen=True)
class UnsyncedReport:
    """Counts of work only on the phone, and whether its browser storage is persistent."""

    records: int
    photos: int
    drafts: int | None = None
    is_storage_persisted: bool | None = None

    @property
    def holds_work(self) -> bool:
        """Whether anything is still only on the phone."""
        return self.records > 0 or self.photos > 0 or bool(self.drafts)


def _count(text: str) -> int | None:
    if not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if value <= MAX_COUNT else None


def _pairs(header: str) -> dict[str, str] | None:
    pairs: dict[str, str] = {}
    for part in header.split(";"):
        key, sep, value = part.strip().partition("=")
        if not sep or not key.strip() or key.strip() in pairs:
            return None
        pairs[key.strip()] = value.strip()
    return pairs


def parse_unsynced_header(header: str | None) -> UnsyncedReport | None:
    """The report in the header, or None when it is missing or malformed (unknown keys pass)."""
    if not header or len(header) > 500:
        return None
    pairs = _pairs(header)
    if pairs is None or "ops" not in pairs or "photos" not in pairs:
        return None
    counts: dict[str, int | None] = {}
    for key, name in _COUNT_KEYS.items():
        if key in pairs:
            counts[name] = _count(pairs[key])
            if counts[name] is None:
                return None
    persisted = pairs.get("persisted")
    if persisted not in (None, "0", "1"):
        return None
    return UnsyncedReport(
        records=counts["records"] or 0,
        photos=counts["photos"] or 0,
        drafts=counts.get("drafts"),
        is_storage_persisted=None if persisted is None else persisted == "1",
    )


def record_unsynced_report(principal: Principal, report: UnsyncedReport | None) -> None:
    """Store a phone's report on its device (a request without a device token is ignored)."""
    if report is None or principal.device_id is None:
        return
    device = db.session.get(Device, principal.device_id)
    if device is None or device.user_id != principal.user_id:
        return
    now = utc_now()
    device.unsynced_records = report.records
    device.unsynced_photos = report.photos
    device.unsynced_drafts = report.drafts
    device.is_storage_persisted = report.is_storage_persisted
    device.reported_at = now
    device.last_seen_at = now
    db.session.commit()


def settle_reported_records(principal: Principal, settled: int) -> None:
    """After a push: the records the server just answered for have left the phone's outbox."""
    if principal.device_id is None or settled <= 0:
        return
    device = db.session.get(Device, principal.device_id)
    if device is None or device.unsynced_records is None:
        return
    device.unsynced_records = max(0, device.unsynced_records - settled)
    db.session.commit()


@dataclass(frozen=True)
class DeviceHoldingWork:
    """A phone of a site's user that reported unsynced work at its last sync."""

    device_id: uuid.UUID
    device_name: str
    user_id: uuid.UUID
    username: str
    display_name: str
    last_seen_at: datetime | None
    reported_at: datetime
    unsynced_records: int
    unsynced_photos: int
    unsynced_drafts: int | None
    is_storage_persisted: bool | None
    is_revoked: bool


def list_devices_holding_work(principal: Principal, site_id: uuid.UUID) -> list[DeviceHoldingWork]:
    """Phones of the site's users holding unsynced work, longest silent first (reviewers)."""
    require_permission(principal, site_id, Permission.REVIEW)
    members = select(SiteMembership.user_id).where(SiteMembership.site_id == site_id)
    statement = (
        select(Device, User)
        .join(User, User.id == Device.user_id)
        .where(
            Device.user_id.in_(members),
            Device.reported_at.is_not(None),
            or_(
                Device.unsynced_records > 0, Device.unsynced_photos > 0, Device.unsynced_drafts > 0
            ),
        )
        .order_by(Device.reported_at, Device.id)
    )
    return [
        DeviceHoldingWork(
            device_id=device.id,
            device_name=device.name,
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            last_seen_at=device.last_seen_at,
            reported_at=device.reported_at,
            unsynced_records=device.unsynced_records or 0,
            unsynced_photos=device.unsynced_photos or 0,
            unsynced_drafts=device.unsynced_drafts,
            is_storage_persisted=device.is_storage_persisted,
            is_revoked=device.is_revoked,
        )
        for device, user in db.session.execute(statement)
    ]
