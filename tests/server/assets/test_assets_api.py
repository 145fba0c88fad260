"""The assets API as site admins, crews and inspectors use it."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from server.auth.models import Role
from server.sites.models import Location, Site
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.assets.factories import (
    make_bait_station,
    make_equipment,
    make_extinguisher,
)


def _body(site: Site, location: Location, kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "site_id": str(site.id),
        "location_id": str(location.id),
        "kind": kind,
        "code": fields.pop("code", "X-1"),
        "name_zh": fields.pop("name_zh", "测试资产"),
        **fields,
    }


EXTINGUISHER = {"agent": "co2", "capacity_kg": 3, "manufactured_on": "2021-04-10"}
BAIT_STATION = {"station_number": 12, "bait_type": "溴敌隆蜡块"}
EQUIPMENT = {"category": "elevator", "model": "OTIS GeN2", "serial_number": "E-2231"}


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("fire_extinguisher", EXTINGUISHER),
        ("bait_station", BAIT_STATION),
        ("equipment", EQUIPMENT),
    ],
)
def test_create_asset_returns_201_with_qr_label_when_site_admin_sends_each_kind(
    client: FlaskClient, kind: str, fields: dict[str, Any]
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    body = _body(site, make_location(site), kind, **fields)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 201, response.json
    assert response.json["kind"] == kind
    assert {name: response.json[name] for name in fields} == fields
    assert response.json["qr_label"] == f"roundbook:asset:{response.json['qr_token']}"
    assert response.json["version"] == 1


def test_create_asset_returns_gb_50444_dates_when_extinguisher_is_registered(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    body = _body(site, make_location(site), "fire_extinguisher", **EXTINGUISHER)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.json["service_due_on"] == "2026-04-10"
    assert response.json["scrap_due_on"] == "2033-04-10"


@pytest.mark.parametrize(
    ("kind", "fields", "field_at_fault"),
    [
        ("fire_extinguisher", {**EXTINGUISHER, "station_number": 3}, "station_number"),
        ("bait_station", {**BAIT_STATION, "agent": "co2"}, "agent"),
        ("equipment", {**EQUIPMENT, "manufactured_on": "2020-01-01"}, "manufactured_on"),
    ],
)
def test_create_asset_returns_422_naming_the_field_when_it_belongs_to_another_kind(
    client: FlaskClient, kind: str, fields: dict[str, Any], field_at_fault: str
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    body = _body(site, make_location(site), kind, **fields)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert list(response.json["fields"]) == [field_at_fault]


def test_create_asset_returns_422_when_extinguisher_has_no_manufacture_date(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    body = _body(site, make_location(site), "fire_extinguisher", agent="dry_powder")

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert list(response.json["fields"]) == ["manufactured_on"]


def test_create_asset_returns_422_when_last_service_is_before_manufacture(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    fields = {**EXTINGUISHER, "last_serviced_on": "2020-01-01"}
    body = _body(site, make_location(site), "fire_extinguisher", **fields)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert list(response.json["fields"]) == ["last_serviced_on"]


def test_create_asset_returns_422_when_location_is_on_another_site(client: FlaskClient) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    elsewhere = make_location(make_site())
    body = _body(site, elsewhere, "bait_station", **BAIT_STATION)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert list(response.json["fields"]) == ["location_id"]


def test_create_asset_returns_422_when_responsible_user_is_not_on_the_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    outsider = make_user(make_site(), Role.MAINTENANCE)
    fields = {**EQUIPMENT, "responsible_user_id": str(outsider.id)}
    body = _body(site, make_location(site), "equipment", **fields)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert list(response.json["fields"]) == ["responsible_user_id"]


def test_create_asset_returns_201_when_responsible_user_is_on_the_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    engineer = make_user(site, Role.MAINTENANCE)
    fields = {**EQUIPMENT, "responsible_user_id": str(engineer.id)}
    body = _body(site, make_location(site), "equipment", **fields)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 201, response.json
    assert response.json["responsible_user_id"] == str(engineer.id)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        # crews register an unlabelled asset on the spot; admins register everything
        (Role.SITE_ADMIN, 201),
        (Role.MAINTENANCE, 201),
        # inspectors and back-office reviewers do not register assets
        (Role.INSPECTOR, 403),
        (Role.REVIEWER, 403),
    ],
)
def test_create_asset_answers_by_role_when_user_registers_an_asset(
    client: FlaskClient, role: Role, status: int
) -> None:
    site = make_site()
    user = make_user(site, role)
    body = _body(site, make_location(site), "bait_station", **BAIT_STATION)

    response = client.post("/api/assets", json=body, headers=bearer_headers(user))

    assert response.status_code == status, response.json


def test_create_asset_returns_404_when_crew_registers_on_a_site_they_are_not_on(
    client: FlaskClient,
) -> None:
    crew = make_user(make_site(), Role.MAINTENANCE)
    other = make_site()
    body = _body(other, make_location(other), "bait_station", **BAIT_STATION)

    response = client.post("/api/assets", json=body, headers=bearer_headers(crew))

    assert response.status_code == 404


def test_create_asset_returns_409_naming_code_when_code_is_taken_on_the_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    make_extinguisher(site, code="FE-001")
    body = _body(site, make_location(site), "fire_extinguisher", code="FE-001", **EXTINGUISHER)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 409
    assert response.json["code"] == "already_exists"
    assert list(response.json["fields"]) == ["code"]


def test_create_asset_returns_409_naming_station_number_when_number_is_taken_on_the_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    make_bait_station(site, station_number=12)
    body = _body(site, make_location(site), "bait_station", code="BS-NEW", **BAIT_STATION)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 409
    assert response.json["code"] == "already_exists"
    assert list(response.json["fields"]) == ["station_number"]


def test_create_asset_returns_201_when_station_number_is_used_only_on_another_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    make_bait_station(make_site(), station_number=12)
    body = _body(site, make_location(site), "bait_station", **BAIT_STATION)

    response = client.post("/api/assets", json=body, headers=bearer_headers(admin))

    assert response.status_code == 201, response.json


def test_get_asset_returns_etag_of_its_version_when_found(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_bait_station(site)

    response = client.get(f"/api/assets/{asset.id}", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert "agent" not in response.json
    assert "flags" not in response.json


def test_get_asset_returns_404_when_asset_is_on_another_site(client: FlaskClient) -> None:
    inspector = make_user(make_site(), Role.INSPECTOR)
    asset = make_bait_station(make_site())

    response = client.get(f"/api/assets/{asset.id}", headers=bearer_headers(inspector))

    assert response.status_code == 404


@pytest.mark.parametrize("as_label", [False, True])
def test_find_asset_by_qr_returns_the_asset_when_label_is_scanned_on_its_site(
    client: FlaskClient, as_label: bool
) -> None:
    site = make_site()
    crew = make_user(site, Role.MAINTENANCE)
    asset = make_extinguisher(site)
    scanned = f"roundbook:asset:{asset.qr_token}" if as_label else asset.qr_token

    response = client.get(f"/api/assets/by-qr/{scanned}", headers=bearer_headers(crew))

    assert response.status_code == 200
    assert response.json["id"] == str(asset.id)


def test_find_asset_by_qr_returns_404_when_token_belongs_to_another_site(
    client: FlaskClient,
) -> None:
    crew = make_user(make_site(), Role.MAINTENANCE)
    asset = make_extinguisher(make_site())

    response = client.get(f"/api/assets/by-qr/{asset.qr_token}", headers=bearer_headers(crew))

    assert response.status_code == 404
    assert response.json["code"] == "not_found"
    assert response.json["message"] == "No asset has this QR code on your sites."


def test_find_asset_by_qr_returns_404_when_token_is_unknown(client: FlaskClient) -> None:
    site = make_site()
    crew = make_user(site, Role.MAINTENANCE)
    make_extinguisher(site)

    response = client.get("/api/assets/by-qr/not-a-real-token", headers=bearer_headers(crew))

    assert response.status_code == 404
    assert response.json["message"] == "No asset has this QR code on your sites."


def test_regenerate_qr_token_makes_the_old_label_unknown_when_site_admin_reissues_it(
    client: FlaskClient,
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    asset = make_bait_station(site)
    old_token = asset.qr_token

    response = client.post(f"/api/assets/{asset.id}/qr-token", headers=headers)

    assert response.status_code == 200
    assert response.json["qr_token"] != old_token
    assert client.get(f"/api/assets/by-qr/{old_token}", headers=headers).status_code == 404
    new_token = response.json["qr_token"]
    assert client.get(f"/api/assets/by-qr/{new_token}", headers=headers).status_code == 200


def test_regenerate_qr_token_returns_403_when_crew_asks(client: FlaskClient) -> None:
    site = make_site()
    crew = make_user(site, Role.MAINTENANCE)
    asset = make_bait_station(site)

    response = client.post(f"/api/assets/{asset.id}/qr-token", headers=bearer_headers(crew))

    assert response.status_code == 403


def test_update_asset_returns_200_when_inspector_changes_notes_and_status(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_extinguisher(site)
    changes = {"notes": "箱门损坏", "status": "out_of_service"}

    response = client.patch(
        f"/api/assets/{asset.id}", json=changes, headers=bearer_headers(inspector)
    )

    assert response.status_code == 200, response.json
    assert response.json["status"] == "out_of_service"
    assert response.json["version"] == 2
    assert response.headers["ETag"] == '"2"'


def test_update_asset_returns_403_when_inspector_moves_it_to_another_location(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_extinguisher(site)
    changes = {"location_id": str(make_location(site).id)}

    response = client.patch(
        f"/api/assets/{asset.id}", json=changes, headers=bearer_headers(inspector)
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_update_asset_returns_200_when_inspector_resends_unchanged_fields_with_notes(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_extinguisher(site)
    changes = {"location_id": str(asset.location_id), "code": asset.code, "notes": "ok"}

    response = client.patch(
        f"/api/assets/{asset.id}", json=changes, headers=bearer_headers(inspector)
    )

    assert response.status_code == 200, response.json


def test_update_asset_returns_200_when_site_admin_records_a_service(client: FlaskClient) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    asset = make_extinguisher(site, manufactured_on=date(2019, 5, 1))

    response = client.patch(
        f"/api/assets/{asset.id}",
        json={"last_serviced_on": "2024-07-01"},
        headers=bearer_headers(admin),
    )

    assert response.status_code == 200, response.json
    assert response.json["service_due_on"] == "2026-07-01"


@pytest.mark.parametrize(
    ("changes", "field_at_fault"),
    [
        ({"kind": "bait_station"}, "kind"),
        ({"station_number": 4}, "station_number"),
        ({"agent": None}, "agent"),
    ],
)
def test_update_asset_returns_422_naming_the_field_when_it_does_not_fit_the_kind(
    client: FlaskClient, changes: dict[str, Any], field_at_fault: str
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    asset = make_extinguisher(site)

    response = client.patch(f"/api/assets/{asset.id}", json=changes, headers=bearer_headers(admin))

    assert response.status_code == 422
    assert list(response.json["fields"]) == [field_at_fault]


def test_update_asset_returns_409_naming_station_number_when_number_is_taken(
    client: FlaskClient,
) -> None:
    site = make_site()
    admin = make_user(site, Role.SITE_ADMIN)
    make_bait_station(site, station_number=7)
    asset = make_bait_station(site, station_number=8)

    response = client.patch(
        f"/api/assets/{asset.id}", json={"station_number": 7}, headers=bearer_headers(admin)
    )

    assert response.status_code == 409
    assert list(response.json["fields"]) == ["station_number"]


def test_update_asset_returns_412_with_current_record_when_if_match_is_stale(
    client: FlaskClient,
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    asset = make_bait_station(site)
    client.patch(
        f"/api/assets/{asset.id}", json={"notes": "first"}, headers={**headers, "If-Match": '"1"'}
    )

    response = client.patch(
        f"/api/assets/{asset.id}", json={"notes": "second"}, headers={**headers, "If-Match": '"1"'}
    )

    assert response.status_code == 412
    assert response.json["code"] == "precondition_failed"
    assert response.json["details"]["current"]["notes"] == "first"


def test_list_assets_returns_only_that_kind_when_filtered_by_kind(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    station = make_bait_station(site)
    make_extinguisher(site)
    make_equipment(site)

    response = client.get("/api/assets?kind=bait_station", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert [asset["id"] for asset in response.json] == [str(station.id)]


def test_list_assets_returns_only_that_location_when_filtered_by_location(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    boiler_room = make_location(site)
    here = make_extinguisher(site, location=boiler_room)
    make_extinguisher(site)

    response = client.get(
        f"/api/assets?location_id={boiler_room.id}", headers=bearer_headers(inspector)
    )

    assert [asset["id"] for asset in response.json] == [str(here.id)]


def test_list_assets_leaves_out_other_sites_when_user_belongs_to_one(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    mine = make_bait_station(site)
    make_bait_station(make_site())

    response = client.get("/api/assets", headers=bearer_headers(inspector))

    assert [asset["id"] for asset in response.json] == [str(mine.id)]


def test_list_assets_finds_codes_containing_q_when_searched(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    wanted = make_extinguisher(site, code="B1-FE-07")
    make_extinguisher(site, code="3F-FE-01")

    response = client.get("/api/assets?q=b1-", headers=bearer_headers(inspector))

    assert [asset["id"] for asset in response.json] == [str(wanted.id)]


def test_list_assets_pages_by_code_with_total_when_page_size_is_given(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    for number in range(1, 6):
        make_bait_station(site, code=f"BS-{number:02}")

    response = client.get("/api/assets?page=2&page_size=2", headers=bearer_headers(inspector))

    assert [asset["code"] for asset in response.json] == ["BS-03", "BS-04"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 5


def test_list_assets_returns_422_when_page_size_is_above_the_maximum(
    client: FlaskClient,
) -> None:
    inspector = make_user(make_site(), Role.INSPECTOR)

    response = client.get("/api/assets?page_size=1000", headers=bearer_headers(inspector))

    assert response.status_code == 422
    assert "page_size" in response.json["fields"]


def test_get_asset_flags_scrap_overdue_when_extinguisher_is_past_its_scrap_date(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_extinguisher(site, manufactured_on=date(2010, 1, 1))

    response = client.get(f"/api/assets/{asset.id}", headers=bearer_headers(inspector))

    assert response.json["scrap_due_on"] == "2020-01-01"
    assert response.json["flags"]["is_scrap_overdue"] is True
    assert response.json["flags"]["is_service_overdue"] is True


def test_get_asset_raises_no_flags_when_extinguisher_is_new(client: FlaskClient) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_extinguisher(site, manufactured_on=date.today() - timedelta(days=30))

    response = client.get(f"/api/assets/{asset.id}", headers=bearer_headers(inspector))

    assert set(response.json["flags"].values()) == {False}


def test_get_asset_flags_inspection_overdue_when_equipment_inspection_date_has_passed(
    client: FlaskClient,
) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    asset = make_equipment(site, statutory_inspection_due_on=date(2020, 1, 1))

    response = client.get(f"/api/assets/{asset.id}", headers=bearer_headers(inspector))

    assert response.json["flags"] == {
        "is_inspection_overdue": True,
        "is_inspection_due_soon": False,
    }
