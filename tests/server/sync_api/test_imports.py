"""POST /api/sync/import: a phone's exported unsynced work, replayed through the push rules."""

from __future__ import annotations

import base64
import io
import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.auth.models import Device, Role, User
from server.auth.services import register_device
from server.extensions import db
from server.findings.models import Finding
from server.inspections.models import Inspection
from server.photos.models import Photo, PhotoStatus
from server.sync_api.models import SyncReceipt
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.photos.factories import make_jpeg, sha256_of
from tests.server.sync_api.factories import Phone, finding_fields, inspection_fields, statuses


@pytest.fixture
def ward(client: FlaskClient):
    site = make_site()
    location = make_location(site)
    return site, location, make_template(site).versions[0].id


def _op(change: dict[str, Any], user: User) -> dict[str, Any]:
    """An outbox entry as the field app stores it (pwa/outbox/index.js queueChanges)."""
    payload = {key: change[key] for key in ("record_type", "record_id", "op", "fields", "hlc")}
    return {
        "op_id": change["change_id"],
        "type": f"{change['record_type']}.{change['op']}",
        "payload": {**payload, "observed_at": change["observed_at"]},
        "base_version": None,
        "attempts": 3,
        "queued_at": 1_732_400_000_000,
        "user_id": str(user.id),
        "seq": 1,
    }


def _export(
    phone: Phone, changes: list[dict[str, Any]], photos: list[dict[str, Any]] = ()
) -> dict[str, Any]:
    """A file as the field app's exportUnsynced() writes it."""
    device = db.session.scalars(select(Device).where(Device.user_id == phone.user.id)).first()
    return {
        "format": "roundbook-unsynced-export",
        "format_version": 1,
        "exported_at": "2026-11-24T08:00:00.000Z",
        "session": {
            "user": {"id": str(phone.user.id), "username": phone.user.username},
            "device_id": str(device.id),
            "signed_in_at": 1_732_300_000_000,
        },
        "outbox": [_op(change, phone.user) for change in changes],
        "problems": [],
        "drafts": [],
        "photos": list(photos),
    }


def _photo(site_id: uuid.UUID, jpeg: bytes, state: str = "pending") -> dict[str, Any]:
    data_url = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode()
    return {
        "sha256": sha256_of(jpeg),
        "site_id": str(site_id),
        "state": state,
        "data_url": data_url,
    }


def _round_with_finding(phone: Phone, location, version_id, photo_sha: str) -> list[dict]:
    inspection_id = str(uuid.uuid4())
    fields = inspection_fields(location, version_id, photo_sha256s=[photo_sha])
    return [
        phone.change("submit", "inspection", inspection_id, fields),
        phone.change(
            "create",
            "finding",
            str(uuid.uuid4()),
            finding_fields(location, inspection_id=inspection_id),
        ),
    ]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_applies_each_operation_when_capturer_imports_own_file(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    jpeg = make_jpeg(1)
    export = _export(
        phone,
        _round_with_finding(phone, location, version_id, sha256_of(jpeg)),
        [_photo(site.id, jpeg)],
    )

    response = client.post("/api/sync/import", json=export, headers=phone.headers)

    assert response.status_code == 200, response.json
    assert statuses(response) == [("applied", None), ("applied", None)]
    assert [p["status"] for p in response.json["photos"]] == ["stored"]
    assert (_count(Inspection), _count(Finding)) == (1, 1)


def test_import_stores_photo_the_inspection_expects_when_file_carries_it(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    jpeg = make_jpeg(2)
    export = _export(
        phone,
        _round_with_finding(phone, location, version_id, sha256_of(jpeg)),
        [_photo(site.id, jpeg)],
    )

    client.post("/api/sync/import", json=export, headers=phone.headers)

    photo = db.session.scalars(select(Photo).where(Photo.sha256 == sha256_of(jpeg))).one()
    assert photo.status is not PhotoStatus.EXPECTED


def test_import_changes_nothing_when_same_file_is_imported_twice(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    jpeg = make_jpeg(3)
    export = _export(
        phone,
        _round_with_finding(phone, location, version_id, sha256_of(jpeg)),
        [_photo(site.id, jpeg)],
    )
    client.post("/api/sync/import", json=export, headers=phone.headers)

    again = client.post("/api/sync/import", json=export, headers=phone.headers)

    assert statuses(again) == [("already_applied", None), ("already_applied", None)]
    assert [p["status"] for p in again.json["photos"]] == ["already_stored"]
    assert (_count(Inspection), _count(Finding), _count(Photo)) == (1, 1, 1)


def test_import_answers_already_applied_when_phone_had_pushed_some_before(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    changes = [
        phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
        for _ in range(2)
    ]
    phone.push(changes[:1])

    response = client.post("/api/sync/import", json=_export(phone, changes), headers=phone.headers)

    assert statuses(response) == [("already_applied", None), ("applied", None)]


def test_import_accepts_the_file_when_uploaded_as_multipart_field(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    change = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
    raw = client.application.json.dumps(_export(phone, [change])).encode()

    response = client.post(
        "/api/sync/import",
        data={"file": (io.BytesIO(raw), "roundbook-unsynced.json", "application/json")},
        content_type="multipart/form-data",
        headers=phone.headers,
    )

    assert response.status_code == 200, response.json
    assert statuses(response) == [("applied", None)]


def test_import_records_capturer_and_device_when_site_admin_imports_for_them(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    change = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
    export = _export(phone, [change])
    admin = make_user(site, Role.SITE_ADMIN)

    response = client.post("/api/sync/import", json=export, headers=bearer_headers(admin))

    receipt = db.session.get(SyncReceipt, change["change_id"])
    assert response.status_code == 200
    assert receipt.user_id == phone.user.id
    assert str(receipt.device_id) == export["session"]["device_id"]
    assert response.json["recorded_as_user_id"] == str(phone.user.id)
    assert response.json["imported_by_id"] == str(admin.id)


def test_import_records_site_admin_when_capturer_has_left_the_site(client, ward) -> None:
    site, location, version_id = ward
    leaver = make_user(make_site())  # no capture right on the ward's site any more
    register_device(leaver, "old phone")
    phone = Phone(client, leaver)
    change = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
    admin = make_user(site, Role.SITE_ADMIN)

    response = client.post(
        "/api/sync/import", json=_export(phone, [change]), headers=bearer_headers(admin)
    )

    assert statuses(response) == [("applied", None)]
    assert response.json["recorded_as_user_id"] == str(admin.id)


def test_import_returns_403_when_another_inspector_imports_the_file(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    change = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))

    response = client.post(
        "/api/sync/import", json=_export(phone, [change]), headers=bearer_headers(make_user(site))
    )

    assert response.status_code == 403
    assert response.json["code"] == "forbidden"
    assert _count(Finding) == 0


def test_import_returns_404_when_admin_of_another_site_imports_the_file(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    change = phone.change("create", "finding", str(uuid.uuid4()), finding_fields(location))
    other_admin = make_user(make_site(), Role.SITE_ADMIN)

    response = client.post(
        "/api/sync/import", json=_export(phone, [change]), headers=bearer_headers(other_admin)
    )

    assert response.status_code == 404
    assert _count(Finding) == 0


def test_import_leaves_out_drafts_and_their_photos_when_file_has_unfinished_checks(
    client, ward
) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    export = _export(phone, [], [_photo(site.id, make_jpeg(4), state="draft")])
    export["drafts"] = [{"id": "draft-1", "site_id": str(site.id), "answers": {}}]

    response = client.post("/api/sync/import", json=export, headers=phone.headers)

    assert response.json["results"] == []
    assert response.json["photos"] == []
    assert response.json["drafts_skipped"] == 1


def test_import_reports_photo_without_data_when_its_bytes_are_missing(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    photo = {**_photo(site.id, make_jpeg(5)), "data_url": None}

    response = client.post(
        "/api/sync/import", json=_export(phone, [], [photo]), headers=phone.headers
    )

    assert response.json["photos"] == [
        {"sha256": photo["sha256"], "status": "no_data", "code": "photo_data_missing"}
    ]


def test_import_rejects_photo_when_bytes_do_not_match_its_hash(client, ward) -> None:
    site, location, version_id = ward
    phone = Phone(client, make_user(site))
    photo = {**_photo(site.id, make_jpeg(6)), "sha256": sha256_of(b"other")}

    response = client.post(
        "/api/sync/import", json=_export(phone, [], [photo]), headers=phone.headers
    )

    assert response.json["photos"][0]["status"] == "rejected"
    assert response.json["photos"][0]["code"] == "hash_mismatch"


# (what is wrong with the file, the field named)
NOT_AN_EXPORT = [
    ({"hello": "world"}, "format"),
    ({"format": "something-else", "format_version": 1}, "format"),
    ({"format": "roundbook-unsynced-export", "format_version": 2}, "format_version"),
    ({"format": "roundbook-unsynced-export", "format_version": 1, "outbox": []}, "session"),
    (
        {
            "format": "roundbook-unsynced-export",
            "format_version": 1,
            "session": {"user": {"id": str(uuid.uuid4())}},
            "outbox": [{"op_id": "x", "payload": {"record_type": "finding"}}],
        },
        "outbox",
    ),
]


@pytest.mark.parametrize(("body", "field"), NOT_AN_EXPORT)
def test_import_returns_422_naming_the_field_when_json_is_not_an_export(
    client, ward, body: dict[str, Any], field: str
) -> None:
    site, location, version_id = ward

    response = client.post("/api/sync/import", json=body, headers=bearer_headers(make_user(site)))

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert field in response.json["fields"]


def test_import_returns_422_naming_file_when_upload_is_not_json(client, ward) -> None:
    site, location, version_id = ward

    response = client.post(
        "/api/sync/import",
        data={"file": (io.BytesIO(b"\x89PNG not json"), "photo.png")},
        content_type="multipart/form-data",
        headers=bearer_headers(make_user(site)),
    )

    assert response.status_code == 422
    assert response.json["code"] == "validation_failed"
    assert "file" in response.json["fields"]


def test_import_returns_422_naming_file_when_upload_has_no_file_field(client, ward) -> None:
    site, location, version_id = ward

    response = client.post(
        "/api/sync/import",
        data={"other": "x"},
        content_type="multipart/form-data",
        headers=bearer_headers(make_user(site)),
    )

    assert response.status_code == 422
    assert "file" in response.json["fields"]


def test_import_requires_sign_in_when_called_anonymously(client) -> None:
    response = client.post("/api/sync/import", json={})

    assert response.status_code == 401
