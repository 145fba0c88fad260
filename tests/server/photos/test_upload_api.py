"""PUT /api/photos/<sha256>: whole and chunked uploads, checked before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.auth.models import Role
from server.extensions import db
from server.photos.models import Photo
from server.sites.models import Site
from tests.factories import bearer_headers, make_site, make_user
from tests.server.photos.factories import make_jpeg, make_png_bomb, put_photo, sha256_of


def _stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["PHOTO_DIR"])
    return sorted(path for path in root.rglob("*") if path.is_file() and path.suffix != ".lock")


def _photo_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo)) or 0


def _put_chunk(
    client: FlaskClient, site: Site, data: bytes, first: int, last: int, headers: dict[str, str]
):
    return client.put(
        f"/api/photos/{sha256_of(data)}?site_id={site.id}",
        data=data[first : last + 1],
        content_type="image/jpeg",
        headers={**headers, "Content-Range": f"bytes {first}-{last}/{len(data)}"},
    )


def test_upload_answers_201_and_stores_the_original_when_the_photo_is_new(
    app: Flask, client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()

    response = put_photo(client, site, data, inspector_headers)

    assert response.status_code == 201, response.json
    assert response.json["sha256"] == sha256_of(data)
    original = Path(app.config["PHOTO_DIR"]) / str(site.id) / sha256_of(data)[:2]
    assert (original / f"{sha256_of(data)}.orig").read_bytes() == data


def test_upload_processes_the_photo_inline_when_no_redis_is_configured(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    response = put_photo(client, site, make_jpeg(taken="2025:03:01 16:00:00"), inspector_headers)

    assert response.json["status"] == "processed"
    assert response.json["captured_at"] == "2025-03-01T08:00:00+00:00"  # Asia/Shanghai


def test_upload_answers_200_with_the_same_photo_when_it_is_uploaded_again(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    first = put_photo(client, site, data, inspector_headers)

    again = put_photo(client, site, data, inspector_headers)

    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    assert _photo_count() == 1


def test_upload_answers_400_hash_mismatch_and_stores_nothing_when_bytes_differ(
    app: Flask, client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    response = put_photo(client, site, make_jpeg(1), inspector_headers, sha256="0" * 64)

    assert response.status_code == 400
    assert (response.json["code"], list(response.json["fields"])) == ("hash_mismatch", ["sha256"])
    assert (_stored_files(app), _photo_count()) == ([], 0)


@pytest.mark.parametrize(
    ("data", "code", "status"),
    [
        (b"%PDF-1.4 not a photo at all", "unsupported_type", 415),
        (make_png_bomb(), "image_too_large", 413),
        (make_jpeg()[:-400], "corrupt_image", 422),
    ],
    ids=["not-an-image", "decompression-bomb", "truncated"],
)
def test_upload_is_refused_and_stores_nothing_when_the_bytes_are_not_a_sound_photo(
    app: Flask,
    client: FlaskClient,
    site: Site,
    inspector_headers: dict[str, str],
    data: bytes,
    code: str,
    status: int,
) -> None:
    response = put_photo(client, site, data, inspector_headers)

    assert (response.status_code, response.json["code"]) == (status, code)
    assert (_stored_files(app), _photo_count()) == ([], 0)


def test_upload_answers_413_before_reading_when_the_body_is_over_the_limit(
    configured_app, site: Site, inspector_headers: dict[str, str]
) -> None:
    small_limit = configured_app(MAX_PHOTO_BYTES=1000)

    response = put_photo(small_limit.test_client(), site, make_jpeg(), inspector_headers)

    assert (response.status_code, response.json["code"]) == (413, "photo_too_large")


def test_upload_answers_415_when_the_content_type_is_not_an_image(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()

    response = client.put(
        f"/api/photos/{sha256_of(data)}?site_id={site.id}",
        data=data,
        content_type="text/plain",
        headers=inspector_headers,
    )

    assert (response.status_code, response.json["code"]) == (415, "unsupported_media_type")


def test_upload_answers_422_when_the_address_is_not_a_sha256(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    response = put_photo(client, site, make_jpeg(), inspector_headers, sha256="not-a-hash")

    assert (response.status_code, list(response.json["fields"])) == (422, ["sha256"])


def test_upload_answers_404_when_the_user_is_not_on_the_site(
    client: FlaskClient, site: Site
) -> None:
    stranger = bearer_headers(make_user(make_site(), Role.SITE_ADMIN))

    response = put_photo(client, site, make_jpeg(), stranger)

    assert response.status_code == 404


def test_upload_answers_403_when_the_role_may_not_capture(client: FlaskClient, site: Site) -> None:
    reviewer = bearer_headers(make_user(site, Role.REVIEWER))

    response = put_photo(client, site, make_jpeg(), reviewer)

    assert (response.status_code, response.json["code"]) == (403, "forbidden")


# Resumable uploads


def test_chunked_upload_answers_202_with_the_offset_when_a_chunk_arrives(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()

    response = _put_chunk(client, site, data, 0, 999, inspector_headers)

    assert response.status_code == 202
    assert response.json == {"status": "partial", "received_bytes": 1000, "total_bytes": len(data)}


def test_chunked_upload_stores_the_photo_when_resumed_after_an_interruption(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    _put_chunk(client, site, data, 0, 999, inspector_headers)
    status_url = f"/api/photos/{sha256_of(data)}/upload-status?site_id={site.id}"
    resume_from = client.get(status_url, headers=inspector_headers).json["received_bytes"]

    response = _put_chunk(client, site, data, resume_from, len(data) - 1, inspector_headers)

    assert resume_from == 1000
    assert (response.status_code, response.json["status"]) == (201, "processed")
    assert client.get(status_url, headers=inspector_headers).json["received_bytes"] == len(data)


def test_chunked_upload_answers_409_with_the_offset_when_a_chunk_leaves_a_gap(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    _put_chunk(client, site, data, 0, 999, inspector_headers)

    response = _put_chunk(client, site, data, 2000, len(data) - 1, inspector_headers)

    assert (response.status_code, response.json["details"]) == (409, {"received_bytes": 1000})


def test_chunked_upload_stores_nothing_when_the_assembled_bytes_do_not_match_the_hash(
    app: Flask, client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    corrupted = data[:500] + bytes(500) + data[1000:]
    _put_chunk(client, site, data, 0, 499, inspector_headers)

    response = client.put(
        f"/api/photos/{sha256_of(data)}?site_id={site.id}",
        data=corrupted[500:],
        content_type="image/jpeg",
        headers={**inspector_headers, "Content-Range": f"bytes 500-{len(data) - 1}/{len(data)}"},
    )

    assert (response.status_code, response.json["code"]) == (400, "hash_mismatch")
    assert (_stored_files(app), _photo_count()) == ([], 0)


@pytest.mark.parametrize(
    "header", ["bytes 0-9", "bytes 10-5/100", "bytes 0-99/100x", "items 0-9/10"]
)
def test_chunked_upload_answers_400_when_the_content_range_is_malformed(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str], header: str
) -> None:
    response = put_photo(client, site, b"x" * 10, inspector_headers, **{"Content-Range": header})

    assert (response.status_code, list(response.json["fields"])) == (400, ["Content-Range"])
