"""Creating, reading and editing schedules as a site admin, an inspector and an outsider."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.auth.models import Role
from server.auth.services import principal_for
from server.checklists.models import ChecklistTemplate, TargetKind
from server.inspections.due import due_report
from server.inspections.schedules import deactivate_schedule
from server.sites.models import LocationKind, Site
from tests.factories import bearer_headers, make_floor, make_location, make_site, make_user
from tests.server.inspections.factories import make_asset, make_schedule, make_template


def _body(template: ChecklistTemplate, **fields: Any) -> dict[str, Any]:
    return {
        "site_id": str(template.site_id),
        "template_id": str(template.id),
        "name_zh": "灭火器月检",
        "name_en": "Monthly extinguisher check",
        "starts_on": "2024-05-01",
        **fields,
    }


def _admin_headers(site: Site) -> dict[str, str]:
    return bearer_headers(make_user(site, Role.SITE_ADMIN))


def _frequencies_by_asset(response_json: dict[str, Any]) -> dict[str, str | None]:
    return {t["asset_id"]: t["frequency"] for t in response_json["targets"]}


def test_create_schedule_gives_basement_extinguisher_half_monthly_when_template_is_monthly(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    basement = make_location(site, LocationKind.STORE, floor=make_floor(site, level=-1))
    office = make_location(site, LocationKind.ROOM, floor=make_floor(site, level=1))
    in_basement, in_office = make_asset(basement), make_asset(office)
    body = _body(template, asset_ids=[str(in_basement.id), str(in_office.id)])

    response = client.post("/api/schedules", json=body, headers=_admin_headers(site))

    assert response.status_code == 201, response.json
    assert response.json["frequency"] == "monthly"
    assert _frequencies_by_asset(response.json) == {
        str(in_basement.id): "half_monthly",
        str(in_office.id): None,
    }
    effective = {t["asset_id"]: t["effective_frequency"] for t in response.json["targets"]}
    assert effective == {str(in_basement.id): "half_monthly", str(in_office.id): "monthly"}


@pytest.mark.parametrize(
    ("kind", "level", "expected"),
    [
        # GB 50444: boiler rooms, basements and crowded public areas every half month
        (LocationKind.BOILER_ROOM, 1, "half_monthly"),
        (LocationKind.PUBLIC_AREA, 1, "half_monthly"),
        (LocationKind.CORRIDOR, -2, "half_monthly"),
        # elsewhere the schedule's monthly frequency
        (LocationKind.WARD, 3, None),
        (LocationKind.KITCHEN, 0, None),
    ],
)
def test_create_schedule_sets_target_frequency_by_gb_50444_when_extinguisher_location_varies(
    client: FlaskClient, kind: LocationKind, level: int, expected: str | None
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    extinguisher = make_asset(make_location(site, kind, floor=make_floor(site, level=level)))

    response = client.post(
        "/api/schedules",
        json=_body(template, asset_ids=[str(extinguisher.id)]),
        headers=_admin_headers(site),
    )

    assert response.status_code == 201, response.json
    assert response.json["targets"][0]["frequency"] == expected


def test_create_schedule_returns_422_on_asset_ids_when_asset_is_of_another_kind(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    bait_station = make_asset(make_location(site), TargetKind.BAIT_STATION)

    response = client.post(
        "/api/schedules",
        json=_body(template, asset_ids=[str(bait_station.id)]),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "asset_ids" in response.json["fields"]


def test_create_schedule_returns_422_on_location_ids_when_template_is_for_assets(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    location = make_location(site)

    response = client.post(
        "/api/schedules",
        json=_body(template, location_ids=[str(location.id)]),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "location_ids" in response.json["fields"]


def test_create_schedule_returns_422_on_asset_ids_when_template_is_for_locations(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    extinguisher = make_asset(make_location(site))

    response = client.post(
        "/api/schedules",
        json=_body(template, asset_ids=[str(extinguisher.id)]),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "asset_ids" in response.json["fields"]


def test_create_schedule_returns_422_on_location_ids_when_location_is_on_another_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    elsewhere = make_location(make_site())

    response = client.post(
        "/api/schedules",
        json=_body(template, location_ids=[str(elsewhere.id)]),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "location_ids" in response.json["fields"]


def test_create_schedule_returns_422_on_template_id_when_template_is_on_another_site(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(make_site(), TargetKind.LOCATION)

    response = client.post(
        "/api/schedules",
        json={**_body(template), "site_id": str(site.id)},
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "template_id" in response.json["fields"]


def test_create_schedule_returns_422_on_assignee_id_when_assignee_is_not_a_site_member(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    outsider = make_user(make_site(), Role.INSPECTOR)

    response = client.post(
        "/api/schedules",
        json=_body(template, assignee_id=str(outsider.id)),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "assignee_id" in response.json["fields"]


def test_create_schedule_returns_422_on_interval_days_when_every_n_days_has_none(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.BAIT_STATION)

    response = client.post(
        "/api/schedules",
        json=_body(template, frequency="every_n_days"),
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "interval_days" in response.json["fields"]


def test_create_schedule_returns_403_when_caller_is_an_inspector(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    inspector = make_user(site, Role.INSPECTOR)

    response = client.post(
        "/api/schedules", json=_body(template), headers=bearer_headers(inspector)
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_create_schedule_returns_404_when_caller_is_of_another_site(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    other_admin = make_user(make_site(), Role.SITE_ADMIN)

    response = client.post(
        "/api/schedules", json=_body(template), headers=bearer_headers(other_admin)
    )

    assert response.status_code == 404


def test_create_schedule_returns_422_on_name_zh_when_it_is_missing(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    body = _body(template)
    del body["name_zh"]

    response = client.post("/api/schedules", json=body, headers=_admin_headers(site))

    assert response.status_code == 422
    assert "name_zh" in response.json["fields"]


def test_get_schedule_returns_404_when_caller_is_of_another_site(client: FlaskClient) -> None:
    site = make_site()
    schedule = make_schedule(make_template(site))
    outsider = make_user(make_site(), Role.SITE_ADMIN)

    response = client.get(f"/api/schedules/{schedule.id}", headers=bearer_headers(outsider))

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_list_schedules_returns_only_own_site_when_several_sites_have_schedules(
    client: FlaskClient,
) -> None:
    site, other = make_site(), make_site()
    mine = make_schedule(make_template(site))
    make_schedule(make_template(other))
    inspector = make_user(site, Role.INSPECTOR)

    response = client.get("/api/schedules", headers=bearer_headers(inspector))

    assert response.status_code == 200
    assert [s["id"] for s in response.json] == [str(mine.id)]


def test_update_schedule_adds_and_removes_targets_when_admin_patches(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION)
    kept, dropped, added = make_location(site), make_location(site), make_location(site)
    schedule = make_schedule(template, locations=[kept, dropped])
    dropped_target = next(t for t in schedule.targets if t.location_id == dropped.id)
    body = {"add_location_ids": [str(added.id)], "remove_target_ids": [str(dropped_target.id)]}

    response = client.patch(
        f"/api/schedules/{schedule.id}", json=body, headers=_admin_headers(site)
    )

    assert response.status_code == 200, response.json
    assert {t["location_id"] for t in response.json["targets"]} == {str(kept.id), str(added.id)}


def test_update_schedule_recomputes_target_frequency_when_frequency_changes(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    basement = make_location(site, LocationKind.STORE, floor=make_floor(site, level=-1))
    schedule = make_schedule(template, assets=[make_asset(basement)])

    response = client.patch(
        f"/api/schedules/{schedule.id}",
        json={"frequency": "quarterly"},
        headers=_admin_headers(site),
    )

    assert response.status_code == 200, response.json
    assert response.json["frequency"] == "quarterly"
    assert response.json["targets"][0]["effective_frequency"] == "half_monthly"


def test_update_schedule_returns_422_on_remove_target_ids_when_target_is_of_another_schedule(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site)
    schedule = make_schedule(template, locations=[make_location(site)])
    other = make_schedule(template, locations=[make_location(site)])

    response = client.patch(
        f"/api/schedules/{schedule.id}",
        json={"remove_target_ids": [str(other.targets[0].id)]},
        headers=_admin_headers(site),
    )

    assert response.status_code == 422
    assert "remove_target_ids" in response.json["fields"]


def test_update_schedule_returns_403_when_caller_is_an_inspector(client: FlaskClient) -> None:
    site = make_site()
    schedule = make_schedule(make_template(site))
    inspector = make_user(site, Role.INSPECTOR)

    response = client.patch(
        f"/api/schedules/{schedule.id}",
        json={"is_active": False},
        headers=bearer_headers(inspector),
    )

    assert response.status_code == 403


def test_update_schedule_deactivates_when_is_active_is_false(client: FlaskClient) -> None:
    site = make_site()
    schedule = make_schedule(make_template(site))

    response = client.patch(
        f"/api/schedules/{schedule.id}", json={"is_active": False}, headers=_admin_headers(site)
    )

    assert response.status_code == 200
    assert response.json["is_active"] is False


def test_deactivate_schedule_takes_it_out_of_the_due_report_when_admin_deactivates(
    app: Flask,
) -> None:
    site = make_site()
    template = make_template(site)
    schedule = make_schedule(template, locations=[make_location(site)])
    admin = principal_for(make_user(site, Role.SITE_ADMIN))

    deactivate_schedule(admin, schedule.id)

    assert due_report(admin, site.id, date(2024, 5, 7), today=date(2024, 5, 7)) == []
