"""Findings in the test database, as a phone's sync would have left them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from server.auth.models import User
from server.extensions import db
from server.findings.models import Finding, FindingStatus, Severity
from server.inspections.models import Inspection
from server.sites.models import Location


def make_finding(
    location: Location,
    raised_by: User,
    *,
    title: str = "窗台积灰",
    status: FindingStatus = FindingStatus.OPEN,
    due_on: date | None = None,
    raised_at: datetime | None = None,
    assignee: User | None = None,
    inspection: Inspection | None = None,
    severity: Severity = Severity.MEDIUM,
) -> Finding:
    """A finding at ``location``, owed by the location's department."""
    finding = Finding(
        id=uuid.uuid4(),
        site_id=location.site_id,
        location_id=location.id,
        department_id=location.department_id,
        inspection_id=inspection.id if inspection else None,
        title=title,
        description="",
        severity=severity,
        status=status,
        due_on=due_on,
        assignee_id=assignee.id if assignee else None,
        raised_by_id=raised_by.id,
        raised_at=raised_at or datetime(2026, 11, 2, 9, tzinfo=UTC),
    )
    db.session.add(finding)
    db.session.commit()
    return finding
