"""Serving photos: sizes without metadata, upright, cached, only to the photo's site."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from PIL import Image

from server.auth.models import Role
from server.extensions import db
from server.photos.services import expect_photos
from server.sites.models import Site
from tests.factories import bearer_headers, make_site, make_user
from tests.server.photos.factories import (
    BLUE,
    GPS_MARKER,
    RED,
    fetch,
    make_inspection,
    make_jpeg,
    put_photo,
    sha256_of,
)


def _url(site: Site, data: bytes, what: str) -> str:
    return f"/api/photos/{sha256_of(data)}/{what}?site_id={site.id}"


def _is_close(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(got - want) < 40 for got, want in zip(pixel, colour, strict=False))


@pytest.mark.parametrize("what", ["thumbnail", "display", "original"])
def test_served_file_contains_no_gps_when_the_upload_had_gps_exif(
    client: FlaskClient, site: Site, what: str
) -> None:
    data = make_jpeg(has_gps=True)
    admin = bearer_headers(make_user(site, Role.SITE_ADMIN))
    put_photo(client, site, data, admin)

    response = fetch(client, _url(site, data, what), admin)

    assert response.status_code == 200
    assert GPS_MARKER.encode() in data
    assert GPS_MARKER.encode() not in response.data
    assert Image.open(io.BytesIO(response.data)).getexif().get_ifd(0x8825) == {}


def test_original_keeps_the_uploaded_bytes_when_a_site_admin_asks_with_metadata(
    client: FlaskClient, site: Site
) -> None:
    data = make_jpeg(has_gps=True)
    admin = bearer_headers(make_user(site, Role.SITE_ADMIN))
    put_photo(client, site, data, admin)

    response = fetch(client, _url(site, data, "original") + "&with_metadata=1", admin)

    assert response.data == data


@pytest.mark.parametrize(
    ("role", "with_metadata", "status"),
    [
        # Inspectors see the served sizes only.
        (Role.INSPECTOR, False, 403),
        (Role.REVIEWER, False, 200),
        # The metadata (GPS, camera serial) is for site admins alone.
        (Role.REVIEWER, True, 403),
        (Role.SITE_ADMIN, True, 200),
    ],
)
def test_original_is_served_by_role_when_requested(
    client: FlaskClient,
    site: Site,
    inspector_headers: dict[str, str],
    role: Role,
    with_metadata: bool,
    status: int,
) -> None:
    data = make_jpeg()
    put_photo(client, site, data, inspector_headers)
    query = "&with_metadata=1" if with_metadata else ""

    response = fetch(
        client, _url(site, data, "original") + query, bearer_headers(make_user(site, role))
    )

    assert response.status_code == status


def test_thumbnail_is_upright_when_the_upload_has_exif_orientation_6(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    upright = Image.new("RGB", (600, 800), RED)
    upright.paste(BLUE, (0, 0, 600, 400))  # blue on top when upright
    data = make_jpeg(image=upright.transpose(Image.Transpose.ROTATE_90), orientation=6)
    put_photo(client, site, data, inspector_headers)

    response = fetch(client, _url(site, data, "thumbnail"), inspector_headers)

    thumbnail = Image.open(io.BytesIO(response.data)).convert("RGB")
    assert thumbnail.width < thumbnail.height
    assert _is_close(thumbnail.getpixel((thumbnail.width // 2, 10)), BLUE)
    assert _is_close(thumbnail.getpixel((thumbnail.width // 2, thumbnail.height - 10)), RED)


def test_thumbnail_is_cacheable_for_a_year_by_the_browser_only_when_served(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    put_photo(client, site, data, inspector_headers)

    response = fetch(client, _url(site, data, "thumbnail"), inspector_headers)

    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["Content-Type"] == "image/webp"
    assert sha256_of(data) in response.headers["ETag"]


def test_thumbnail_answers_304_when_the_etag_matches(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    data = make_jpeg()
    put_photo(client, site, data, inspector_headers)
    etag = fetch(client, _url(site, data, "thumbnail"), inspector_headers).headers["ETag"]

    response = fetch(
        client, _url(site, data, "thumbnail"), {**inspector_headers, "If-None-Match": etag}
    )

    assert response.status_code == 304


@pytest.mark.parametrize("what", ["thumbnail", "display", ""])
def test_photo_answers_404_when_the_user_belongs_to_another_site(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str], what: str
) -> None:
    data = make_jpeg()
    put_photo(client, site, data, inspector_headers)
    stranger = bearer_headers(make_user(make_site(), Role.SITE_ADMIN))

    response = fetch(client, _url(site, data, what).replace("/?", "?"), stranger)

    assert (response.status_code, response.json["code"]) == (404, "not_found")


def test_thumbnail_answers_409_photo_pending_when_the_photo_has_not_arrived(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    inspection = make_inspection(site)
    sha = "c" * 64
    expect_photos(site.id, inspection.id, [sha])
    db.session.commit()

    response = fetch(client, f"/api/photos/{sha}/thumbnail?site_id={site.id}", inspector_headers)

    assert (response.status_code, response.json["code"]) == (409, "photo_pending")
    assert response.json["details"] == {"status": "expected"}


def test_photo_record_lists_its_inspections_when_it_is_expected_by_them(
    client: FlaskClient, site: Site, inspector_headers: dict[str, str]
) -> None:
    inspection = make_inspection(site)
    data = make_jpeg()
    expect_photos(site.id, inspection.id, [sha256_of(data)])
    db.session.commit()
    put_photo(client, site, data, inspector_headers)

    response = fetch(client, f"/api/photos/{sha256_of(data)}?site_id={site.id}", inspector_headers)

    assert response.json["inspection_ids"] == [str(inspection.id)]
    assert (response.json["width"], response.json["height"]) == (800, 600)
