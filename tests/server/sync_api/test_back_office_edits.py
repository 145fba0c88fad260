"""A back-office edit of a record phones also edit is judged by the sync rules like any other."""

from __future__ import annotations

import time
import uuid

from flask.testing import FlaskClient
from sqlalchemy import select

from server.assets.models import Asset
from server.auth.models import Role
from server.extensions import db
from server.sites.models import Location
from server.sync_api.models import SyncConflict
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.assets.factories import make_extinguisher
from tests.server.sync_api.factories import Phone, statuses


def _now_ms() -> int:
    return int(time.time() * 1000)


def _notes_in_pull(phone: Phone, location: Location) -> str:
    records = phone.pull().get_json()["changes"]
    (record,) = [r for r in records if r["record_id"] == str(location.id)]
    return str(record["fields"]["notes"])


def test_phone_edit_made_before_a_back_office_edit_does_not_undo_it(client: FlaskClient) -> None:
    site = make_site()
    location = make_location(site)
    first, second = Phone(client, make_user(site)), Phone(client, make_user(site))
    admin_headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    location_id = str(location.id)
    first_edit_ms = _now_ms()
    edited_by_first = first.change(
        "update", "location", location_id, {"notes": "A: 钥匙在护士站"}, wall_ms=first_edit_ms
    )
    assert statuses(first.push([edited_by_first])) == [("applied", None)]
    time.sleep(0.05)

    patched = client.patch(
        f"/api/locations/{location_id}", json={"notes": "封闭装修中"}, headers=admin_headers
    )
    assert patched.status_code == 200, patched.json
    # Made offline after the first phone's edit but before the back-office one; synced now.
    edited_offline = second.change(
        "update", "location", location_id, {"notes": "B: 门锁坏了"}, wall_ms=first_edit_ms + 10
    )
    response = second.push([edited_offline])

    assert statuses(response) == [("merged", "concurrent_edit")]
    db.session.expire_all()
    assert db.session.get(Location, location.id).notes == "封闭装修中"
    assert _notes_in_pull(second, location) == "封闭装修中"
    lost = db.session.scalars(
        select(SyncConflict.lost_value).where(SyncConflict.record_id == location_id)
    ).all()
    assert "B: 门锁坏了" in lost


def test_phone_edit_made_after_a_back_office_edit_wins(client: FlaskClient) -> None:
    site = make_site()
    location = make_location(site)
    phone = Phone(client, make_user(site))
    admin_headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    location_id = str(location.id)
    phone.push(
        [phone.change("update", "location", location_id, {"notes": "旧"}, wall_ms=_now_ms())]
    )
    client.patch(f"/api/locations/{location_id}", json={"notes": "后台"}, headers=admin_headers)

    later = phone.change(
        "update", "location", location_id, {"notes": "现场新情况"}, wall_ms=_now_ms() + 1_000
    )
    response = phone.push([later])

    assert statuses(response) == [("applied", None)]
    db.session.expire_all()
    assert db.session.get(Location, uuid.UUID(location_id)).notes == "现场新情况"


def test_phone_status_made_before_a_back_office_edit_of_an_asset_does_not_undo_it(
    client: FlaskClient,
) -> None:
    site = make_site()
    extinguisher = make_extinguisher(site)
    first, second = Phone(client, make_user(site)), Phone(client, make_user(site))
    admin_headers = bearer_headers(make_user(site, Role.SITE_ADMIN))
    asset_id = str(extinguisher.id)
    first_edit_ms = _now_ms()
    first.push(
        [first.change("update", "asset", asset_id, {"notes": "压力偏低"}, wall_ms=first_edit_ms)]
    )
    time.sleep(0.05)

    patched = client.patch(
        f"/api/assets/{asset_id}", json={"notes": "已送检，备用件在位"}, headers=admin_headers
    )
    assert patched.status_code == 200, patched.json
    stale = second.change(
        "update", "asset", asset_id, {"notes": "缺失"}, wall_ms=first_edit_ms + 10
    )
    response = second.push([stale])

    assert statuses(response) == [("merged", "concurrent_edit")]
    db.session.expire_all()
    assert db.session.get(Asset, extinguisher.id).notes == "已送检，备用件在位"
