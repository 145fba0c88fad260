"""expect_photos and missing_photo_sha256s (the sync's view), and incomplete evidence (API)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.auth.models import Role
from server.extensions import db
from server.photos.models import Photo, PhotoInspectionLink, PhotoStatus
from server.photos.services import expect_photos, missing_photo_sha256s
from tests.factories import bearer_headers, make_site, make_user
from tests.server.photos.factories import make_inspection, make_jpeg, put_photo, sha256_of

SHA_A = "a" * 64
SHA_B = "b" * 64


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_expect_photos_records_expected_photos_when_none_has_arrived(app: Flask) -> None:
    site = make_site()
    inspection = make_inspection(site)

    expect_photos(site.id, inspection.id, [SHA_A, SHA_B.upper()])
    db.session.commit()

    assert missing_photo_sha256s(site.id, [inspection.id]) == {inspection.id: [SHA_A, SHA_B]}


def test_expect_photos_records_each_photo_once_when_called_twice(app: Flask) -> None:
    site = make_site()
    inspection = make_inspection(site)

    expect_photos(site.id, inspection.id, [SHA_A])
    expect_photos(site.id, inspection.id, [SHA_A, SHA_A])
    db.session.commit()

    assert _count(PhotoInspectionLink) == 1
    assert missing_photo_sha256s(site.id, [inspection.id]) == {inspection.id: [SHA_A]}


def test_photo_two_inspections_expect_is_missing_for_both_until_it_arrives(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    first, second = make_inspection(site), make_inspection(site)
    data = make_jpeg()
    expect_photos(site.id, first.id, [sha256_of(data)])
    expect_photos(site.id, second.id, [sha256_of(data)])
    db.session.commit()
    waiting = missing_photo_sha256s(site.id, [first.id, second.id])
    rows_before_upload = _count(Photo)

    put_photo(client, site, data, bearer_headers(make_user(site, Role.INSPECTOR)))

    assert waiting == {first.id: [sha256_of(data)], second.id: [sha256_of(data)]}
    assert rows_before_upload == 0
    assert missing_photo_sha256s(site.id, [first.id, second.id]) == {}
    assert _count(Photo) == 1


def test_photo_record_says_expected_and_names_the_inspections_when_not_uploaded(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    inspection = make_inspection(site)
    expect_photos(site.id, inspection.id, [SHA_A])
    db.session.commit()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))

    response = client.get(f"/api/photos/{SHA_A}?site_id={site.id}", headers=headers)
    unnamed = client.get(f"/api/photos/{SHA_B}?site_id={site.id}", headers=headers)

    assert response.status_code == 200
    record = response.get_json()
    assert (record["status"], record["id"], record["inspection_ids"]) == (
        "expected",
        None,
        [str(inspection.id)],
    )
    assert unnamed.status_code == 404


def test_missing_photo_sha256s_omits_a_photo_when_it_was_uploaded_before_it_was_expected(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    inspection = make_inspection(site)
    data = make_jpeg()
    put_photo(client, site, data, bearer_headers(make_user(site, Role.INSPECTOR)))

    expect_photos(site.id, inspection.id, [sha256_of(data), SHA_B])
    db.session.commit()

    assert missing_photo_sha256s(site.id, [inspection.id]) == {inspection.id: [SHA_B]}


def test_missing_photo_sha256s_is_empty_when_the_expected_photo_arrives_later(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    inspection = make_inspection(site)
    data = make_jpeg()
    expect_photos(site.id, inspection.id, [sha256_of(data)])
    db.session.commit()

    put_photo(client, site, data, bearer_headers(make_user(site, Role.INSPECTOR)))

    assert missing_photo_sha256s(site.id, [inspection.id]) == {}
    assert db.session.scalar(select(Photo.status)) is PhotoStatus.PROCESSED


def test_missing_photo_sha256s_ignores_other_sites_when_the_hash_is_the_same(app: Flask) -> None:
    site, other_site = make_site(), make_site()
    inspection = make_inspection(site)
    expect_photos(site.id, inspection.id, [SHA_A])
    db.session.commit()

    assert missing_photo_sha256s(other_site.id, [inspection.id]) == {}


def test_incomplete_evidence_lists_inspections_with_missing_photos_when_asked(
    app: Flask, client: FlaskClient
) -> None:
    site = make_site()
    waiting, complete = make_inspection(site), make_inspection(site)
    data = make_jpeg()
    headers = bearer_headers(make_user(site, Role.INSPECTOR))
    put_photo(client, site, data, headers)
    expect_photos(site.id, waiting.id, [sha256_of(data), SHA_A])
    expect_photos(site.id, complete.id, [sha256_of(data)])
    db.session.commit()

    response = client.get(f"/api/photos/incomplete-evidence?site_id={site.id}", headers=headers)

    assert response.status_code == 200
    assert [
        (row["inspection_id"], row["expected_photos"], row["missing_sha256s"])
        for row in response.json
    ] == [(str(waiting.id), 2, [SHA_A])]


def test_incomplete_evidence_answers_404_when_the_user_is_not_on_the_site(
    app: Flask, client: FlaskClient
) -> None:
    site, other_site = make_site(), make_site()
    headers = bearer_headers(make_user(other_site, Role.SITE_ADMIN))

    response = client.get(f"/api/photos/incomplete-evidence?site_id={site.id}", headers=headers)

    assert response.status_code == 404
