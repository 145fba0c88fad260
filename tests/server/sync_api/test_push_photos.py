"""Photos named by pushed inspections: expected, answered as missing, flagged when reused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask.testing import FlaskClient

from server.sync_api import bulk
from tests.factories import bearer_headers, make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.photos.factories import make_jpeg, put_photo, sha256_of
from tests.server.sync_api.factories import BASE_MS, Phone, inspection_fields, statuses


def _setup(client: FlaskClient):
    site = make_site()
    location = make_location(site)
    version_id = make_template(site).versions[0].id
    user = make_user(site)
    return site, location, version_id, user, Phone(client, user)


def _round_naming(
    phone: Phone, location: Any, version_id: uuid.UUID, finished_at: int, shas: list[str]
) -> dict[str, Any]:
    """A submitted ward round whose answers name these photos."""
    fields = inspection_fields(location, version_id, finished_at, photo_sha256s=shas)
    return phone.change("submit", "inspection", str(uuid.uuid4()), fields)


def test_push_answers_each_new_inspection_with_the_photos_not_received_yet(
    client: FlaskClient,
) -> None:
    site, location, version_id, user, phone = _setup(client)
    received = make_jpeg(1)
    put_photo(client, site, received, bearer_headers(user))
    pending = "b" * 64
    changes = [
        _round_naming(phone, location, version_id, BASE_MS + n, [sha256_of(received), pending])
        for n in range(3)
    ]

    results = phone.push(changes).get_json()["results"]

    assert [result["missing_photo_sha256s"] for result in results] == [[pending]] * 3


def _photo_record(client: FlaskClient, user: Any, site_id: uuid.UUID, sha: str) -> dict[str, Any]:
    response = client.get(f"/api/photos/{sha}?site_id={site_id}", headers=bearer_headers(user))
    assert response.status_code == 200
    return response.get_json()


def test_photo_is_flagged_as_reused_when_two_inspections_of_one_batch_name_it(
    client: FlaskClient,
) -> None:
    site, location, version_id, user, phone = _setup(client)
    jpeg = make_jpeg(3)
    sha = sha256_of(jpeg)
    changes = [_round_naming(phone, location, version_id, BASE_MS + n, [sha]) for n in range(2)]

    response = phone.push(changes)
    before_upload = _photo_record(client, user, site.id, sha)
    put_photo(client, site, jpeg, bearer_headers(user))
    after_upload = _photo_record(client, user, site.id, sha)

    assert statuses(response) == [("applied", None)] * 2
    for record in (before_upload, after_upload):
        assert (record["is_suspected_reuse"], record["reuse_distance"]) == (True, 0)
        assert len(record["inspection_ids"]) == 2
    assert (before_upload["status"], after_upload["status"]) == ("expected", "processed")


def test_photo_is_flagged_as_reused_when_a_later_batch_names_it_again(
    client: FlaskClient,
) -> None:
    site, location, version_id, user, phone = _setup(client)
    jpeg = make_jpeg(4)
    sha, other = sha256_of(jpeg), "e" * 64

    def submit(finished_at: int, shas: list[str]) -> dict:
        return _round_naming(phone, location, version_id, finished_at, shas)

    phone.push([submit(BASE_MS, [sha])])
    put_photo(client, site, jpeg, bearer_headers(user))
    assert _photo_record(client, user, site.id, sha)["is_suspected_reuse"] is False

    phone.push([submit(BASE_MS + 1, [sha]), submit(BASE_MS + 2, [other])])

    assert _photo_record(client, user, site.id, sha)["is_suspected_reuse"] is True
    assert _photo_record(client, user, site.id, other)["is_suspected_reuse"] is False


@pytest.mark.parametrize("path", ["in_bulk", "change_by_change"])
def test_push_expects_each_photo_of_the_answers_and_of_the_inspection_once(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    if path == "change_by_change":
        monkeypatch.setattr(bulk, "push_in_bulk", lambda context, changes: None)
    site, location, version_id, user, phone = _setup(client)
    received = make_jpeg(2)
    put_photo(client, site, received, bearer_headers(user))
    rust, gauge, wide = "a" * 64, "b" * 64, "c" * 64
    fields = inspection_fields(location, version_id, photo_sha256s=[wide, rust])
    fields["answers"] = {
        "in_place": {"value": "fail", "note": "底座锈蚀", "photo_sha256s": [rust, gauge]},
        "gauge_green": {"value": "pass", "photo_sha256s": [gauge, sha256_of(received)]},
    }

    response = phone.push([phone.change("submit", "inspection", str(uuid.uuid4()), fields)])

    assert statuses(response) == [("applied", None)]
    assert response.get_json()["results"][0]["missing_photo_sha256s"] == [rust, gauge, wide]


@pytest.mark.parametrize("path", ["in_bulk", "change_by_change"])
@pytest.mark.parametrize("own_photos", [7, [7], ["not a sha"], {"a": 1}])
def test_push_refuses_an_inspection_whose_own_photo_list_is_not_hashes_and_applies_the_rest(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, path: str, own_photos: Any
) -> None:
    if path == "change_by_change":
        monkeypatch.setattr(bulk, "push_in_bulk", lambda context, changes: None)
    site, location, version_id, user, phone = _setup(client)
    bad = inspection_fields(location, version_id, BASE_MS + 1)
    bad["photo_sha256s"] = own_photos
    good = inspection_fields(location, version_id, BASE_MS + 2, photo_sha256s=["d" * 64])

    response = phone.push(
        [
            phone.change("submit", "inspection", str(uuid.uuid4()), bad),
            phone.change("submit", "inspection", str(uuid.uuid4()), good),
        ]
    )

    assert response.status_code == 200
    assert statuses(response) == [("rejected", "invalid_field"), ("applied", None)]
    assert response.get_json()["results"][0]["details"] == {"field": "photo_sha256s"}
