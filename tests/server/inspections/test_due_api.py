"""GET /api/schedules/due as the back office and the phone call it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient

from server.auth.models import Role
from server.checklists.models import Frequency, TargetKind
from server.sites.models import LocationKind
from tests.factories import bearer_headers, make_floor, make_location, make_site, make_user
from tests.server.inspections.factories import (
    make_asset,
    make_inspection,
    make_schedule,
    make_template,
)


def test_due_returns_items_with_colour_and_names_when_site_has_schedules(
    client: FlaskClient,
) -> None:
    site = make_site()
    template = make_template(site, TargetKind.FIRE_EXTINGUISHER)
    extinguisher = make_asset(make_location(site, LocationKind.BOILER_ROOM, floor=make_floor(site)))
    crew = make_user(site, Role.MAINTENANCE)
    make_schedule(template, assets=[extinguisher], assignee=crew)
    make_inspection(
        template,
        crew,
        datetime(2024, 5, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
        asset=extinguisher,
    )

    response = client.get(
        f"/api/schedules/due?site_id={site.id}&day=2024-05-20", headers=bearer_headers(crew)
    )

    assert response.status_code == 200, response.json
    [item] = response.json
    assert (item["status"], item["colour"], item["result"]) == ("done", "green", "passed")
    assert item["due_on"] == "2024-05-31"
    assert item["done_at"] == "2024-05-03T01:00:00+00:00"
    assert item["done_by"] == {"id": str(crew.id), "display_name": "测试用户"}
    assert item["assignee"]["id"] == str(crew.id)
    assert item["template"]["name_zh"] == template.name_zh
    assert item["target"]["kind"] == "asset"
    assert item["target"]["name_en"] == extinguisher.name_en


def test_due_defaults_to_today_at_site_when_day_is_not_given(client: FlaskClient) -> None:
    site = make_site()
    template = make_template(site, TargetKind.LOCATION, default_frequency=Frequency.YEARLY)
    make_schedule(template, locations=[make_location(site)])
    today = datetime.now(ZoneInfo(site.timezone)).date()

    response = client.get(
        f"/api/schedules/due?site_id={site.id}", headers=bearer_headers(make_user(site))
    )

    assert response.status_code == 200
    assert response.json[0]["due_on"] == f"{today.year}-12-31"


def test_due_returns_422_on_site_id_when_it_is_missing(client: FlaskClient) -> None:
    site = make_site()

    response = client.get("/api/schedules/due", headers=bearer_headers(make_user(site)))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "site_id" in response.json["fields"]


def test_due_returns_422_on_day_when_it_is_not_a_date(client: FlaskClient) -> None:
    site = make_site()

    response = client.get(
        f"/api/schedules/due?site_id={site.id}&day=2024-02-30",
        headers=bearer_headers(make_user(site)),
    )

    assert response.status_code == 422
    assert "day" in response.json["fields"]


def test_due_returns_404_when_caller_is_of_another_site(client: FlaskClient) -> None:
    site = make_site()
    make_schedule(make_template(site), locations=[make_location(site)])
    outsider = make_user(make_site(), Role.SITE_ADMIN)

    response = client.get(
        f"/api/schedules/due?site_id={site.id}&day=2024-05-07", headers=bearer_headers(outsider)
    )

    assert response.status_code == 404
    assert response.json["code"] == "not_found"


def test_due_returns_401_when_caller_is_anonymous(client: FlaskClient) -> None:
    site = make_site()

    response = client.get(f"/api/schedules/due?site_id={site.id}")

    assert response.status_code == 401
