"""Reused pictures: the same bytes or a near-identical photo on a later inspection is flagged."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from server.auth.models import Role
from server.extensions import db
from server.photos.services import expect_photos
from server.sites.models import Site
from tests.factories import bearer_headers, make_site, make_user
from tests.server.photos.factories import make_inspection, make_jpeg, put_photo, scene, sha256_of

MONDAY = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
TUESDAY = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)


def _recompressed_crop(seed: int) -> bytes:
    """The same scene, cropped a little and saved again: what a faked re-shot looks like."""
    picture = scene(seed)
    cropped = picture.crop((12, 9, picture.width - 12, picture.height - 9))
    buffer = io.BytesIO()
    cropped.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def _attach(site: Site, finished_at: datetime, data: bytes) -> None:
    expect_photos(site.id, make_inspection(site, finished_at).id, [sha256_of(data)])
    db.session.commit()


def _record(client: FlaskClient, site: Site, data: bytes, headers: dict[str, str]) -> dict:
    url = f"/api/photos/{sha256_of(data)}?site_id={site.id}"
    return client.get(url, headers=headers).json


def test_photo_is_flagged_as_reuse_when_the_same_bytes_serve_a_second_inspection(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    data = make_jpeg(1)
    _attach(site, MONDAY, data)
    put_photo(client, site, data, headers)

    _attach(site, TUESDAY, data)

    record = _record(client, site, data, headers)
    assert (record["is_suspected_reuse"], record["reuse_distance"]) == (True, 0)
    assert len(record["inspection_ids"]) == 2


def test_later_photo_is_flagged_as_reuse_when_it_nearly_matches_an_earlier_inspections(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    earlier, later = make_jpeg(5), _recompressed_crop(5)
    _attach(site, MONDAY, earlier)
    _attach(site, TUESDAY, later)

    put_photo(client, site, earlier, headers)
    put_photo(client, site, later, headers)

    flagged, original = (
        _record(client, site, later, headers),
        _record(client, site, earlier, headers),
    )
    assert (flagged["is_suspected_reuse"], flagged["reused_of_sha256"]) == (
        True,
        sha256_of(earlier),
    )
    assert flagged["reuse_distance"] <= 10
    assert original["is_suspected_reuse"] is False


def test_later_photo_is_flagged_when_it_is_processed_before_the_earlier_one(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    earlier, later = make_jpeg(6), _recompressed_crop(6)
    _attach(site, MONDAY, earlier)
    _attach(site, TUESDAY, later)

    put_photo(client, site, later, headers)
    put_photo(client, site, earlier, headers)

    assert _record(client, site, later, headers)["reused_of_sha256"] == sha256_of(earlier)


def test_photo_is_not_flagged_when_the_earlier_inspections_picture_is_different(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    earlier, later = make_jpeg(7), make_jpeg(8)
    _attach(site, MONDAY, earlier)
    _attach(site, TUESDAY, later)

    put_photo(client, site, earlier, headers)
    put_photo(client, site, later, headers)

    assert _record(client, site, later, headers)["is_suspected_reuse"] is False


def test_photo_is_not_flagged_when_the_near_match_belongs_to_another_site(
    app: Flask, client: FlaskClient
) -> None:
    site, other_site = make_site(), make_site()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    earlier, later = make_jpeg(9), _recompressed_crop(9)
    _attach(other_site, MONDAY, earlier)
    put_photo(client, other_site, earlier, bearer_headers(make_user(other_site, Role.INSPECTOR)))
    _attach(site, TUESDAY, later)

    put_photo(client, site, later, headers)

    assert _record(client, site, later, headers)["is_suspected_reuse"] is False
