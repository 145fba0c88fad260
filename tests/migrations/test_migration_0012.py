"""Migration 0012: inspections lose four foreign keys and two indexes, and keep every row."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from server.extensions import db
from tests.factories import make_site
from tests.server.photos.factories import make_inspection


def _schema() -> tuple[list[str], list[str]]:
    inspector = inspect(db.engine)
    keys = sorted(
        key["constrained_columns"][0] for key in inspector.get_foreign_keys("inspections")
    )
    indexes = sorted(index["name"] for index in inspector.get_indexes("inspections"))
    return keys, indexes


def _inspections() -> list[tuple[str, ...]]:
    rows = db.session.execute(
        text("SELECT id, site_id, inspector_id, template_version_id FROM inspections ORDER BY id")
    ).all()
    db.session.rollback()
    return [tuple(str(value) for value in row) for row in rows]


def test_inspections_are_kept_and_their_keys_restored_by_the_downgrade(app: Flask) -> None:
    site = make_site()
    make_inspection(site)
    make_inspection(site)
    db.session.commit()
    before = _inspections()
    db.session.remove()

    try:
        downgrade(revision="0011")
        downgraded, schema_downgraded = _inspections(), _schema()
    finally:
        upgrade()

    assert len(before) == 2
    assert downgraded == before
    assert _inspections() == before
    assert schema_downgraded[0] == [
        "asset_id",
        "device_id",
        "inspector_id",
        "location_id",
        "revision_of_id",
        "schedule_id",
        "site_id",
        "template_version_id",
    ]
    assert _schema()[0] == ["asset_id", "location_id", "revision_of_id", "schedule_id"]
    dropped = {"ix_inspections_inspector_id", "ix_inspections_template_version_id"}
    assert dropped <= set(schema_downgraded[1])
    assert not dropped & set(_schema()[1])
