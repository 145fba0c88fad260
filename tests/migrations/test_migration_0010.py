"""Migration 0010: receipts and photo links keep every row, and who sent a change, both ways."""

from __future__ import annotations

import uuid

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from server.auth.models import Role
from server.auth.services import register_device
from server.extensions import db
from server.photos.services import expect_photos
from server.sync_api.store import Author, SqlChangeStore
from sync.store import Receipt
from tests.factories import make_site, make_user
from tests.server.photos.factories import make_inspection

PHOTO = "ab" * 32


def _foreign_keys(table: str) -> list[list[str]]:
    return sorted(key["constrained_columns"] for key in inspect(db.engine).get_foreign_keys(table))


def _id(value: object) -> uuid.UUID:
    return uuid.UUID(str(value))


def _receipts_and_links() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Receipts, and each photo link's site, inspection and photo hash, as of revision 0010."""
    receipts = db.session.execute(
        text("SELECT change_id, user_id, device_id FROM sync_receipts ORDER BY change_id")
    ).all()
    links = db.session.execute(
        text(
            "SELECT link.site_id, link.inspection_id, photos.sha256"
            " FROM photos_inspection_links AS link JOIN photos ON photos.id = link.photo_id"
        )
    ).all()
    db.session.rollback()
    return (
        [(change_id, _id(user_id), _id(device_id)) for change_id, user_id, device_id in receipts],
        [(_id(site_id), _id(inspection_id), sha) for site_id, inspection_id, sha in links],
    )


def test_receipts_and_links_are_kept_by_the_downgrade_and_the_upgrade(app: Flask) -> None:
    site = make_site()
    inspector = make_user(site, Role.INSPECTOR)
    device = register_device(inspector, "ward phone").device
    inspection = make_inspection(site)
    expect_photos(site.id, inspection.id, [PHOTO])
    SqlChangeStore(db.session, Author(inspector.id, device.id)).insert_receipts(
        [Receipt("change-1", "applied", None)]
    )
    db.session.commit()
    expected = ([("change-1", inspector.id, device.id)], [(site.id, inspection.id, PHOTO)])
    db.session.remove()

    try:
        downgrade(revision="0010")
        before = _receipts_and_links()
        downgrade(revision="0009")
        downgraded = _receipts_and_links()
        receipt_keys_downgraded = _foreign_keys("sync_receipts")
        upgrade(revision="0010")
        upgraded = _receipts_and_links()
        receipt_keys, link_keys = (
            _foreign_keys("sync_receipts"),
            _foreign_keys("photos_inspection_links"),
        )
    finally:
        upgrade()

    assert before == expected
    assert downgraded == before
    assert receipt_keys_downgraded == [["device_id"], ["user_id"]]
    assert upgraded == before
    assert receipt_keys == []
    assert link_keys == [["inspection_id"], ["photo_id"]]
