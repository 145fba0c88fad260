"""Reading the rectification ledger (整改台帐): findings of the user's sites.

Findings are raised and edited by phones through sync (server.sync_api), so that every edit
obeys the merge and closure rules and reaches every phone; this module only reads them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, inspect, select

from server.auth.access import Principal, get_visible, visible_select
from server.extensions import db
from server.findings import overdue
from server.findings.models import Finding, FindingStatus
from server.photos.services import missing_photo_sha256s
from server.sync_api.conflicts import list_conflicts

_COLUMNS = tuple(column.key for column in inspect(Finding).column_attrs)


@dataclass(frozen=True)
class FindingPage:
    """One page of findings (each a dict with `is_overdue`) and how many match in all."""

    items: list[dict[str, Any]]
    total: int


def ledger_entry(finding: Finding, todays: dict[uuid.UUID, Any]) -> dict[str, Any]:
    """A finding's columns and whether it is overdue at its site today."""
    entry = {name: getattr(finding, name) for name in _COLUMNS}
    today = todays.get(finding.site_id)
    entry["is_overdue"] = today is not None and overdue.is_overdue(finding, today)
    return entry


def _filtered_findings(
    principal: Principal,
    site_id: uuid.UUID | None,
    status: list[FindingStatus] | None,
    is_overdue_filter: bool | None,
    todays: dict[uuid.UUID, Any],
    equal_to: dict[str, uuid.UUID | None],
) -> Select[tuple[Finding]]:
    statement = visible_select(Finding, principal)
    if site_id is not None:
        statement = statement.where(Finding.site_id == site_id)
    if status:
        statement = statement.where(Finding.status.in_(status))
    for column, value in equal_to.items():
        if value is not None:
            statement = statement.where(getattr(Finding, column) == value)
    if is_overdue_filter is True:
        statement = statement.where(overdue.overdue_clause(todays))
    elif is_overdue_filter is False:
        statement = statement.where(~overdue.overdue_clause(todays))
    return statement


def list_findings(
    principal: Principal,
    *,
    site_id: uuid.UUID | None = None,
    status: list[FindingStatus] | None = None,
    department_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    asset_id: uuid.UUID | None = None,
    is_overdue: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> FindingPage:
    """One page of the findings of the user's sites, newest raised first."""
    todays = overdue.site_todays(None if principal.is_super_admin else principal.site_ids)
    statement = _filtered_findings(
        principal,
        site_id,
        status,
        is_overdue,
        todays,
        {
            "department_id": department_id,
            "assignee_id": assignee_id,
            "location_id": location_id,
            "asset_id": asset_id,
        },
    )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page_statement = statement.order_by(Finding.raised_at.desc(), Finding.id.desc())
    page_statement = page_statement.offset((page - 1) * page_size).limit(page_size)
    items = [ledger_entry(finding, todays) for finding in db.session.scalars(page_statement)]
    return FindingPage(items=items, total=total)


def get_finding(principal: Principal, finding_id: uuid.UUID) -> dict[str, Any]:
    """One finding, with the photos its inspection still expects and its sync conflicts.

    Conflicts are listed for reviewers and site admins only (as in the conflicts API).
    """
    finding = get_visible(Finding, finding_id, principal)
    entry = ledger_entry(finding, overdue.site_todays([finding.site_id]))
    missing: list[str] = []
    if finding.inspection_id is not None:
        by_inspection = missing_photo_sha256s(finding.site_id, [finding.inspection_id])
        missing = by_inspection.get(finding.inspection_id, [])
    entry["missing_photo_sha256s"] = missing
    entry["conflicts"] = list_conflicts(
        principal, record_type="finding", record_id=str(finding.id), include_resolved=True
    )
    return entry
