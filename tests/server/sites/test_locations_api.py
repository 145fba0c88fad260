"""The locations API as a site admin and an inspector use it."""

from __future__ import annotations

from flask.testing import FlaskClient

from server.auth.models import Role
from server.sites.models import LocationKind
from tests.factories import (
    bearer_headers,
    make_department,
    make_floor,
    make_location,
    make_site,
    make_user,
)


def test_create_location_returns_201_when_site_admin_sends_valid_location(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    floor = make_floor(site, level=-1)
    department = make_department(site)
    body = {
        "site_id": str(site.id),
        "floor_id": str(floor.id),
        "department_id": str(department.id),
        "code": "B1-BOILER",
        "name_zh": "锅炉房",
        "name_en": "Boiler room",
        "kind": "boiler_room",
    }

    response = client.post("/api/locations", json=body, headers=bearer_headers(admin))

    assert response.status_code == 201, response.json
    assert response.json["kind"] == "boiler_room"
    assert response.json["version"] == 1


def test_update_location_returns_412_with_current_record_when_if_match_is_stale(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    location = make_location(site, LocationKind.WARD)
    headers = bearer_headers(inspector)
    client.patch(
        f"/api/locations/{location.id}",
        json={"notes": "first"},
        headers={**headers, "If-Match": '"1"'},
    )

    response = client.patch(
        f"/api/locations/{location.id}",
        json={"notes": "second"},
        headers={**headers, "If-Match": '"1"'},
    )

    assert response.status_code == 412
    assert response.json["code"] == "precondition_failed"
    assert response.json["details"]["current"]["notes"] == "first"


def test_update_location_returns_403_when_inspector_changes_more_than_notes(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    location = make_location(site)

    response = client.patch(
        f"/api/locations/{location.id}", json={"name_zh": "改名"}, headers=bearer_headers(inspector)
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
