"""Every migration upgrades and downgrades on SQLite and PostgreSQL, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server.extensions import db


def _table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_models_match_migrations_when_database_is_at_head(app: Flask) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_downgrade_to_base_removes_every_table_when_run_from_head(app: Flask) -> None:
    downgrade(revision="base")
    after_downgrade = _table_names()
    upgrade()

    assert after_downgrade == set()
    assert _table_names() == {table.name for table in db.metadata.sorted_tables}


def test_each_revision_downgrades_and_upgrades_again_when_stepped_one_at_a_time(
    app: Flask,
) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    revisions = list(reversed(list(script.walk_revisions())))

    for _ in revisions:
        downgrade(revision="-1")
    for revision in revisions:
        upgrade(revision=revision.revision)

    assert _table_names() == {table.name for table in db.metadata.sorted_tables}
