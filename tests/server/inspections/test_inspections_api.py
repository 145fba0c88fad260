"""Reading submitted inspections from the back office (they arrive through sync)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient

from server.auth.models import Role
from server.checklists.models import TargetKind
from server.inspections.models import InspectionResult
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.inspections.factories import make_asset, make_inspection, make_template

MAY_7 = datetime(2024, 5, 7, 2, tzinfo=UTC)
MAY_9 = datetime(2024, 5, 9, 2, tzinfo=UTC)


def test_get_inspection_returns_every_column_when_caller_is_of_its_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    ward = make_location(site)
    inspector = make_user(site)
    inspection = make_inspection(
        template, inspector, MAY_7, location=ward, result=InspectionResult.NOT_INSPECTED
    )

    response = client.get(f"/api/inspections/{inspection.id}", headers=bearer_headers(inspector))

    assert response.status_code == 200, response.json
    assert response.json["id"] == str(inspection.id)
    assert response.json["location_id"] == str(ward.id)
    assert response.json["template_version_id"] == str(template.versions[0].id)
    assert response.json["finished_at"] == "2024-05-07T02:00:00+00:00"
    assert response.json["result"] == "not_inspected"
    assert response.json["not_inspected_reason"]
    assert response.json["answers"] == {"in_place": "pass", "gauge_green": "pass"}
    assert {"received_at", "started_at", "device_id", "schedule_id", "note"} <= set(response.json)


def test_get_inspection_returns_404_when_caller_is_of_another_site(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site)
    inspection = make_inspection(template, make_user(site), MAY_7, location=make_location(site))
    outsider = make_user(make_site(), Role.SITE_ADMIN)

    response = client.get(f"/api/inspections/{inspection.id}", headers=bearer_headers(outsider))

    assert response.status_code == 404


def test_list_inspections_filters_by_asset_and_since_when_given(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    location = make_location(site)
    extinguisher, other = make_asset(location), make_asset(location)
    crew = make_user(site, Role.MAINTENANCE)
    make_inspection(template, crew, MAY_7, asset=extinguisher)
    recent = make_inspection(template, crew, MAY_9, asset=extinguisher)
    make_inspection(template, crew, MAY_9, asset=other)

    response = client.get(
        "/api/inspections",
        query_string={"asset_id": str(extinguisher.id), "since": "2024-05-08T00:00:00+08:00"},
        headers=bearer_headers(crew),
    )

    assert response.status_code == 200, response.json
    assert [i["id"] for i in response.json] == [str(recent.id)]


def test_list_inspections_returns_latest_first_when_filtered_by_location(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site)
    ward = make_location(site)
    inspector = make_user(site)
    older = make_inspection(template, inspector, MAY_7, location=ward)
    newer = make_inspection(template, inspector, MAY_9, location=ward)
    make_inspection(template, inspector, MAY_9, location=make_location(site))

    response = client.get(
        f"/api/inspections?site_id={site.id}&location_id={ward.id}",
        headers=bearer_headers(inspector),
    )

    assert [i["id"] for i in response.json] == [str(newer.id), str(older.id)]


def test_list_inspections_returns_only_own_site_when_other_sites_have_inspections(
    client: FlaskClient,
) -> None:
    site, other = make_site(), make_site()
    make_inspection(make_template(other), make_user(other), MAY_7, location=make_location(other))
    inspector = make_user(site)

    response = client.get("/api/inspections", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert response.json == []


def test_list_inspections_returns_422_on_since_when_it_has_no_time_zone(
    client: FlaskClient,
) -> None:
    site = make_site()

    response = client.get(
        "/api/inspections?since=2024-05-08T00:00:00", headers=bearer_headers(make_user(site))
    )

    assert response.status_code == 422
    assert "since" in response.json["fields"]
