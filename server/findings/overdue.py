"""When a finding is overdue: its due date is before today at its site and it is not verified."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, or_, select

from server.db_types import utc_now
from server.extensions import db
from server.findings.models import Finding, FindingStatus
from server.sites.models import Site


def today_at(site_timezone: str, now: datetime | None = None) -> date:
    """The calendar date at a site (a hospital's day, not the server's)."""
    return (now or utc_now()).astimezone(zoneinfo.ZoneInfo(site_timezone)).date()


def site_todays(site_ids: Iterable[uuid.UUID] | None) -> dict[uuid.UUID, date]:
    """Today at each site (every site when ``site_ids`` is None)."""
    statement = select(Site.id, Site.timezone)
    if site_ids is not None:
        statement = statement.where(Site.id.in_(list(site_ids)))
    now = utc_now()
    return {site_id: today_at(timezone, now) for site_id, timezone in db.session.execute(statement)}


def is_overdue(finding: Finding, today: date) -> bool:
    """Whether ``finding`` is past its due date on ``today`` (its site's date)."""
    return (
        finding.due_on is not None
        and finding.due_on < today
        and finding.status is not FindingStatus.VERIFIED_CLOSED
    )


def overdue_clause(todays: dict[uuid.UUID, date]) -> ColumnElement[bool]:
    """A WHERE clause selecting overdue findings, with each site's own today."""
    if not todays:
        return false()
    per_site = [
        and_(Finding.site_id == site_id, Finding.due_on < today)
        for site_id, today in todays.items()
    ]
    return and_(
        Finding.due_on.is_not(None),
        Finding.status != FindingStatus.VERIFIED_CLOSED,
        or_(*per_site),
    )
