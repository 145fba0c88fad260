"""Migration 0010: receipts and photo links keep every row, and who sent a change, both ways."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from server.auth.models import Role
from server.auth.services import register_device
from server.extensions import db
from server.photos.models import PhotoInspectionLink
from server.photos.services import expect_photos
from server.sync_api.models import SyncReceipt
from server.sync_api.store import Author, SqlChangeStore
from sync.store import Receipt
from tests.factories import make_site, make_user
from tests.server.photos.factories import make_inspection

PHOTO = "ab" * 32


def _foreign_keys(table: str) -> list[list[str]]:
    return sorted(key["constrained_columns"] for key in inspect(db.engine).get_foreign_keys(table))


def _receipts_and_links() -> tuple[list[tuple[str, object, object]], list[tuple[object, ...]]]:
    receipts = db.session.execute(
        select(SyncReceipt.change_id, SyncReceipt.user_id, SyncReceipt.device_id).order_by(
            SyncReceipt.change_id
        )
    )
    links = db.session.execute(
        select(
            PhotoInspectionLink.site_id,
            PhotoInspectionLink.inspection_id,
            PhotoInspectionLink.photo_id,
        )
    )
    return [tuple(row) for row in receipts], [tuple(row) for row in links]


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
    before = _receipts_and_links()
    db.session.rollback()

    downgrade(revision="0009")
    downgraded = _receipts_and_links()
    receipt_keys_downgraded = _foreign_keys("sync_receipts")
    db.session.rollback()
    upgrade()

    assert before[0] == [("change-1", inspector.id, device.id)]
    assert len(before[1]) == 1
    assert downgraded == before
    assert receipt_keys_downgraded == [["device_id"], ["user_id"]]
    assert _receipts_and_links() == before
    assert _foreign_keys("sync_receipts") == []
    assert _foreign_keys("photos_inspection_links") == [["inspection_id"], ["photo_id"]]
