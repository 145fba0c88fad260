"""Phones report the unsynced work they hold at each sync; reviewers list those holding work."""

from __future__ import annotations

import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from server.auth.device_reports import UnsyncedReport, parse_unsynced_header
from server.auth.models import Device, Role, User
from server.extensions import db
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.sync_api.factories import Phone, finding_fields

HEADER = "X-Roundbook-Unsynced"


# (header, report) — the PWA sends "ops=..; photos=..; drafts=..; persisted=0|1"
PARSED = [
    ("ops=3; photos=1; drafts=2; persisted=1", UnsyncedReport(3, 1, 2, True)),
    ("ops=0; photos=0; drafts=0; persisted=0", UnsyncedReport(0, 0, 0, False)),
    ("ops=5;photos=0", UnsyncedReport(5, 0, None, None)),
    # unknown keys from a newer app are ignored
    ("ops=1; photos=0; drafts=0; persisted=1; problems=4", UnsyncedReport(1, 0, 0, True)),
    # malformed: ignored, never an error
    (None, None),
    ("", None),
    ("ops=3", None),
    ("ops=-1; photos=0", None),
    ("ops=three; photos=0", None),
    ("ops=1; photos=0; persisted=yes", None),
    ("ops=1; ops=2; photos=0", None),
    ("ops 1; photos 0", None),
    ("ops=99999999999; photos=0", None),
]


@pytest.mark.parametrize(("header", "expected"), PARSED)
def test_unsynced_header_parses_to_report_or_none_when_malformed(
    header: str | None, expected: UnsyncedReport | None
) -> None:
    assert parse_unsynced_header(header) == expected


@pytest.fixture
def ward(client: FlaskClient):
    site = make_site()
    return site, make_location(site)


def _device_of(user: User) -> Device:
    db.session.expire_all()
    return db.session.scalars(select(Device).where(Device.user_id == user.id)).one()


def test_push_records_unsynced_counts_on_device_when_header_is_sent(client, ward) -> None:
    site, location = ward
    phone = Phone(client, make_user(site))
    phone.headers[HEADER] = "ops=0; photos=2; drafts=1; persisted=0"

    response = phone.push([])

    device = _device_of(phone.user)
    assert response.status_code == 200
    assert (device.unsynced_records, device.unsynced_photos, device.unsynced_drafts) == (0, 2, 1)
    assert device.is_storage_persisted is False
    assert device.reported_at is not None
    assert device.last_seen_at == device.reported_at


def test_push_subtracts_answered_changes_when_phone_reported_them_unsynced(client, ward) -> None:
    site, location = ward
    phone = Phone(client, make_user(site))
    phone.headers[HEADER] = "ops=5; photos=0; drafts=0; persisted=1"
    changes = [
        phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
        for _ in range(2)
    ]

    phone.push(changes)

    assert _device_of(phone.user).unsynced_records == 3


def test_push_succeeds_and_records_nothing_when_header_is_malformed(client, ward) -> None:
    site, location = ward
    phone = Phone(client, make_user(site))
    phone.headers[HEADER] = "ops=lots"

    response = phone.push([])

    assert response.status_code == 200
    assert _device_of(phone.user).reported_at is None


def test_pull_records_unsynced_counts_when_header_is_sent(client, ward) -> None:
    site, location = ward
    phone = Phone(client, make_user(site))
    phone.headers[HEADER] = "ops=0; photos=0; drafts=0; persisted=1"

    response = phone.pull()

    assert response.status_code == 200
    assert _device_of(phone.user).unsynced_records == 0


def _report(client, user: User, header: str) -> None:
    phone = Phone(client, user)
    phone.headers[HEADER] = header
    phone.push([])


def test_unsynced_list_shows_phones_holding_work_when_reviewer_asks(client, ward) -> None:
    site, location = ward
    holder = make_user(site, Role.MAINTENANCE)
    _report(client, holder, "ops=4; photos=2; drafts=0; persisted=0")
    _report(client, make_user(site), "ops=0; photos=0; drafts=0; persisted=1")
    reviewer = make_user(site, Role.REVIEWER)

    response = client.get(
        "/api/auth/devices/unsynced",
        query_string={"site_id": str(site.id)},
        headers=bearer_headers(reviewer),
    )

    assert response.status_code == 200
    assert len(response.json) == 1
    row = response.json[0]
    assert row["user_id"] == str(holder.id)
    assert row["device_id"] == str(_device_of(holder).id)
    assert (row["unsynced_records"], row["unsynced_photos"]) == (4, 2)
    assert row["is_storage_persisted"] is False
    assert row["last_seen_at"] is not None
    assert row["is_revoked"] is False


def test_unsynced_list_leaves_out_other_site_phones_when_reviewer_asks(client, ward) -> None:
    site, location = ward
    other_site = make_site()
    _report(client, make_user(other_site), "ops=4; photos=0; drafts=0; persisted=1")

    response = client.get(
        "/api/auth/devices/unsynced",
        query_string={"site_id": str(site.id)},
        headers=bearer_headers(make_user(site, Role.SITE_ADMIN)),
    )

    assert response.json == []


def test_unsynced_list_returns_403_when_caller_is_an_inspector(client, ward) -> None:
    site, location = ward

    response = client.get(
        "/api/auth/devices/unsynced",
        query_string={"site_id": str(site.id)},
        headers=bearer_headers(make_user(site, Role.INSPECTOR)),
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_unsynced_list_returns_404_when_site_is_not_the_callers(client, ward) -> None:
    site, location = ward
    other_site = make_site()

    response = client.get(
        "/api/auth/devices/unsynced",
        query_string={"site_id": str(other_site.id)},
        headers=bearer_headers(make_user(site, Role.REVIEWER)),
    )

    assert response.status_code == 404


def test_unsynced_list_returns_422_naming_site_id_when_it_is_missing(client, ward) -> None:
    site, location = ward

    response = client.get(
        "/api/auth/devices/unsynced", headers=bearer_headers(make_user(site, Role.REVIEWER))
    )

    assert response.status_code == 422
    assert "site_id" in response.json["fields"]
