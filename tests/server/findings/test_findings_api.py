"""GET /api/findings and /api/findings/<id>: the ledger, read-only, per site."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from server.auth.models import Role
from server.extensions import db
from server.findings.models import FindingStatus
from server.findings.overdue import today_at
from server.photos.services import expect_photos
from server.sync_api.models import SyncConflict
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.findings.factories import make_finding
from tests.server.inspections.factories import make_inspection, make_template


@pytest.fixture
def ward(client: FlaskClient):
    site = make_site()
    return site, make_location(site), make_user(site, Role.INSPECTOR)


def _ids(response) -> list[str]:
    return [finding["id"] for finding in response.json]


def test_list_returns_newest_raised_first_when_site_has_findings(client, ward) -> None:
    site, location, inspector = ward
    older = make_finding(location, inspector, raised_at=datetime(2026, 11, 1, tzinfo=UTC))
    newer = make_finding(location, inspector, raised_at=datetime(2026, 11, 3, tzinfo=UTC))

    response = client.get("/api/findings", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert _ids(response) == [str(newer.id), str(older.id)]


def test_list_shows_no_other_site_findings_when_user_belongs_to_one_site(client, ward) -> None:
    site, location, inspector = ward
    other_site = make_site()
    make_finding(make_location(other_site), make_user(other_site))

    response = client.get("/api/findings", headers=bearer_headers(inspector))

    assert response.json == []


def test_list_returns_only_open_statuses_when_status_is_repeated(client, ward) -> None:
    site, location, inspector = ward
    open_one = make_finding(location, inspector, status=FindingStatus.OPEN)
    reopened = make_finding(location, inspector, status=FindingStatus.REOPENED)
    make_finding(location, inspector, status=FindingStatus.VERIFIED_CLOSED)

    response = client.get(
        "/api/findings?status=open&status=reopened", headers=bearer_headers(inspector)
    )

    assert set(_ids(response)) == {str(open_one.id), str(reopened.id)}


def test_list_returns_department_findings_when_filtered_by_department(client, ward) -> None:
    site, location, inspector = ward
    mine = make_finding(location, inspector)
    make_finding(make_location(site), inspector)

    response = client.get(
        "/api/findings",
        query_string={"department_id": str(location.department_id)},
        headers=bearer_headers(inspector),
    )

    assert _ids(response) == [str(mine.id)]


def test_list_returns_assignee_findings_when_filtered_by_assignee(client, ward) -> None:
    site, location, inspector = ward
    fixer = make_user(site, Role.MAINTENANCE)
    assigned = make_finding(location, inspector, assignee=fixer)
    make_finding(location, inspector)

    response = client.get(
        "/api/findings", query_string={"assignee_id": str(fixer.id)}, headers=bearer_headers(fixer)
    )

    assert _ids(response) == [str(assigned.id)]


# (status, days the due date lies before today at the site, is overdue)
OVERDUE_RULES = [
    # past its due date and not verified: overdue
    (FindingStatus.OPEN, 1, True),
    (FindingStatus.FIXED, 30, True),
    (FindingStatus.REOPENED, 1, True),
    # due today or later: not yet
    (FindingStatus.OPEN, 0, False),
    (FindingStatus.OPEN, -3, False),
    # verified closed is never overdue
    (FindingStatus.VERIFIED_CLOSED, 10, False),
]


@pytest.mark.parametrize(("status", "days_late", "expected"), OVERDUE_RULES)
def test_finding_is_overdue_when_due_before_today_and_not_verified(
    client, ward, status: FindingStatus, days_late: int, expected: bool
) -> None:
    site, location, inspector = ward
    due_on = today_at(site.timezone) - timedelta(days=days_late)
    finding = make_finding(location, inspector, status=status, due_on=due_on)
    headers = bearer_headers(inspector)

    listed = client.get("/api/findings", query_string={"is_overdue": "true"}, headers=headers)
    detail = client.get(f"/api/findings/{finding.id}", headers=headers)

    assert (_ids(listed) == [str(finding.id)]) is expected
    assert detail.json["is_overdue"] is expected


def test_finding_is_not_overdue_when_it_has_no_due_date(client, ward) -> None:
    site, location, inspector = ward
    finding = make_finding(location, inspector, due_on=None)

    response = client.get(
        "/api/findings", query_string={"is_overdue": "false"}, headers=bearer_headers(inspector)
    )

    assert _ids(response) == [str(finding.id)]
    assert response.json[0]["is_overdue"] is False


def test_overdue_uses_the_site_date_when_site_is_ahead_of_utc(client) -> None:
    site = make_site(timezone="Pacific/Kiritimati")  # UTC+14: often already tomorrow there
    location = make_location(site)
    inspector = make_user(site)
    due_yesterday_at_site = today_at("Pacific/Kiritimati") - timedelta(days=1)
    finding = make_finding(location, inspector, due_on=due_yesterday_at_site)

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(inspector))

    assert response.json["is_overdue"] is True


def test_list_pages_with_total_header_when_page_size_is_given(client, ward) -> None:
    site, location, inspector = ward
    for day in range(1, 4):
        make_finding(location, inspector, raised_at=datetime(2026, 11, day, tzinfo=UTC))

    response = client.get(
        "/api/findings", query_string={"page": 2, "page_size": 2}, headers=bearer_headers(inspector)
    )

    assert len(response.json) == 1
    assert '"total": 3' in response.headers["X-Pagination"]


def test_list_returns_422_naming_status_when_status_is_unknown(client, ward) -> None:
    site, location, inspector = ward

    response = client.get("/api/findings?status=lost", headers=bearer_headers(inspector))

    assert response.status_code == 422
    assert "status" in response.json["fields"]


def test_detail_returns_inspection_and_missing_photos_when_photo_is_not_uploaded(
    client, ward
) -> None:
    site, location, inspector = ward
    inspection = make_inspection(
        make_template(site), inspector, datetime(2026, 11, 2, 9, tzinfo=UTC), location=location
    )
    expect_photos(site.id, inspection.id, ["a" * 64])
    db.session.commit()
    finding = make_finding(location, inspector, inspection=inspection)

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert response.json["inspection_id"] == str(inspection.id)
    assert response.json["missing_photo_sha256s"] == ["a" * 64]


def _conflict_on(finding) -> SyncConflict:
    conflict = SyncConflict(
        site_id=str(finding.site_id),
        record_type="finding",
        record_id=str(finding.id),
        field="title",
        kept_value="窗台积灰",
        lost_value="窗台灰尘",
        lost_hlc="000001732400000000-0000-phone-1",
        lost_device_id="phone-1",
        reason="concurrent_edit",
    )
    db.session.add(conflict)
    db.session.commit()
    return conflict


def test_detail_lists_sync_conflicts_when_reviewer_reads_it(client, ward) -> None:
    site, location, inspector = ward
    finding = make_finding(location, inspector)
    conflict = _conflict_on(finding)
    reviewer = make_user(site, Role.REVIEWER)

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(reviewer))

    assert [c["id"] for c in response.json["conflicts"]] == [conflict.id]
    assert response.json["conflicts"][0]["lost_value"] == "窗台灰尘"


def test_detail_hides_sync_conflicts_when_inspector_reads_it(client, ward) -> None:
    site, location, inspector = ward
    finding = make_finding(location, inspector)
    _conflict_on(finding)

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(inspector))

    assert response.json["conflicts"] == []


def test_detail_returns_404_when_finding_belongs_to_another_site(client, ward) -> None:
    site, location, inspector = ward
    other_site = make_site()
    finding = make_finding(make_location(other_site), make_user(other_site))

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(inspector))

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_detail_returns_404_when_finding_does_not_exist(client, ward) -> None:
    site, location, inspector = ward

    response = client.get(f"/api/findings/{uuid.uuid4()}", headers=bearer_headers(inspector))

    assert response.status_code == 404


def test_findings_refuse_writes_when_back_office_tries_to_edit(client, ward) -> None:
    site, location, inspector = ward
    finding = make_finding(location, inspector)
    admin = make_user(site, Role.SITE_ADMIN)

    response = client.patch(
        f"/api/findings/{finding.id}", json={"status": "fixed"}, headers=bearer_headers(admin)
    )

    assert response.status_code == 405


def test_list_requires_sign_in_when_called_anonymously(client) -> None:
    response = client.get("/api/findings")

    assert response.status_code == 401


def test_due_on_is_an_iso_date_when_finding_has_a_deadline(client, ward) -> None:
    site, location, inspector = ward
    finding = make_finding(location, inspector, due_on=date(2030, 1, 15))

    response = client.get(f"/api/findings/{finding.id}", headers=bearer_headers(inspector))

    assert response.json["due_on"] == "2030-01-15"
