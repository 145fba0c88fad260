"""Migration 0002 carries photos.inspection_id into links and back, and drops nothing silently."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from server.extensions import db
from server.photos.services import expect_photos
from tests.factories import make_site
from tests.server.photos.factories import make_inspection

SHA = "d" * 64


def _inspection_id_column() -> list[uuid.UUID | None]:
    with db.engine.connect() as connection:
        values = connection.execute(text("SELECT inspection_id FROM photos")).scalars().all()
    return [uuid.UUID(str(value)) if value is not None else None for value in values]


def _links() -> list[str]:
    """The inspection of each photo link (a column of the links in every revision)."""
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT inspection_id FROM photos_inspection_links"))
        return [str(uuid.UUID(str(inspection_id))) for (inspection_id,) in rows]


def test_downgrade_then_upgrade_keeps_the_photos_inspection_when_it_has_one(app: Flask) -> None:
    site = make_site()
    inspection_id = make_inspection(site).id
    expect_photos(site.id, inspection_id, [SHA])
    db.session.commit()
    links_before = _links()
    db.session.remove()

    try:
        downgrade(revision="0001")
        at_0001 = _inspection_id_column()
    finally:
        upgrade()

    assert at_0001 == [inspection_id]
    assert _links() == links_before == [str(inspection_id)]


def test_downgrade_refuses_when_a_photo_serves_two_inspections(app: Flask) -> None:
    site = make_site()
    for inspection in (make_inspection(site), make_inspection(site)):
        expect_photos(site.id, inspection.id, [SHA])
    db.session.commit()
    db.session.remove()

    try:
        # Flask-Migrate logs the migration's RuntimeError and exits.
        with pytest.raises(SystemExit):
            downgrade(revision="0001")
    finally:
        upgrade()

    assert len(_links()) == 2
