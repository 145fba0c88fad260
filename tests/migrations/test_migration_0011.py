"""Migration 0011: photo links by hash, and photo rows only for photos that arrived, both ways."""

from __future__ import annotations

import uuid

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db
from server.photos.models import Photo, PhotoStatus
from server.photos.services import expect_photos, missing_photo_sha256s
from tests.factories import make_site
from tests.server.photos.factories import make_inspection

NOT_UPLOADED = "a1" * 32
UPLOADED = "b2" * 32


def _id(value: object) -> uuid.UUID:
    return uuid.UUID(str(value))


def _photos_at_0010() -> dict[str, tuple[str, bool, int | None]]:
    rows = db.session.execute(
        text("SELECT sha256, status, is_suspected_reuse, reuse_distance FROM photos")
    ).all()
    db.session.rollback()
    return {sha: (status, bool(reused), distance) for sha, status, reused, distance in rows}


def _links_at_0010() -> set[tuple[uuid.UUID, str]]:
    rows = db.session.execute(
        text(
            "SELECT link.inspection_id, photos.sha256 FROM photos_inspection_links AS link"
            " JOIN photos ON photos.id = link.photo_id AND photos.site_id = link.site_id"
        )
    ).all()
    db.session.rollback()
    return {(_id(inspection_id), sha) for inspection_id, sha in rows}


def _links_at_head() -> set[tuple[uuid.UUID, str]]:
    rows = db.session.execute(
        text("SELECT inspection_id, sha256 FROM photos_inspection_links")
    ).all()
    db.session.rollback()
    return {(_id(inspection_id), sha) for inspection_id, sha in rows}


def test_links_and_photos_are_kept_by_the_downgrade_and_the_upgrade(app: Flask) -> None:
    site = make_site()
    waiting, first_use, second_use = (make_inspection(site) for _ in range(3))
    db.session.add(Photo(site_id=site.id, sha256=UPLOADED, status=PhotoStatus.STORED))
    expect_photos(site.id, waiting.id, [NOT_UPLOADED])
    expect_photos(site.id, first_use.id, [UPLOADED])
    expect_photos(site.id, second_use.id, [UPLOADED])
    db.session.commit()
    links = {(waiting.id, NOT_UPLOADED), (first_use.id, UPLOADED), (second_use.id, UPLOADED)}
    site_id, waiting_id, first_use_id = site.id, waiting.id, first_use.id
    db.session.remove()

    try:
        downgrade(revision="0010")
        photos_downgraded, links_downgraded = _photos_at_0010(), _links_at_0010()
        upgrade()
        links_upgraded = _links_at_head()
        photos_upgraded = set(db.session.scalars(text("SELECT sha256 FROM photos")))
        missing = missing_photo_sha256s(site_id, [waiting_id, first_use_id])
    finally:
        upgrade()

    assert _links_at_head() == links
    assert links_downgraded == links
    # The old scheme: a placeholder for the photo not uploaded, exact reuse stored.
    assert photos_downgraded == {
        NOT_UPLOADED: ("expected", False, None),
        UPLOADED: ("stored", True, 0),
    }
    assert links_upgraded == links
    assert photos_upgraded == {UPLOADED}
    assert missing == {waiting_id: [NOT_UPLOADED]}
