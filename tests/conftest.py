"""Fixtures: the app on SQLite and on a throwaway PostgreSQL database, clients, Redis."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from server import create_app
from server.config import TestConfig
from server.extensions import db
from tests.services import (
    MISSING,
    START_HINTS,
    create_throwaway_postgres_database,
    drop_postgres_database,
    reachable_redis,
)

BACKENDS = ("sqlite", "postgresql")


@dataclass
class DatabaseUrls:
    """Where each backend's test database is, or why PostgreSQL's could not be made."""

    sqlite: str
    postgresql: str | None
    postgresql_error: str = ""

    def url(self, backend: str) -> str:
        """The backend's URL; skips or fails the test when PostgreSQL is unreachable."""
        if backend == "sqlite":
            return self.sqlite
        if self.postgresql is None:
            MISSING.require("PostgreSQL", self.postgresql_error)
        assert self.postgresql is not None
        return self.postgresql


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseUrls]:
    """One database per backend for the whole run; PostgreSQL's is dropped at the end."""
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'roundbook-test.db'}"
    try:
        databases = DatabaseUrls(sqlite_url, create_throwaway_postgres_database())
    except psycopg.OperationalError as error:
        databases = DatabaseUrls(sqlite_url, None, str(error).strip().splitlines()[0])
    yield databases
    if databases.postgresql:
        drop_postgres_database(databases.postgresql)


def make_test_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """The real app, configured for tests, on the given database."""
    return create_app(
        TestConfig(),
        SQLALCHEMY_DATABASE_URI=database_url,
        PHOTO_DIR=tmp_path / "photos",
        **overrides,
    )


_migrated: set[str] = set()


@pytest.fixture(params=BACKENDS)
def app(
    request: pytest.FixtureRequest, test_databases: DatabaseUrls, tmp_path: Path
) -> Iterator[Flask]:
    """The app on a migrated, empty database of each backend."""
    url = test_databases.url(request.param)
    application = make_test_app(url, tmp_path)
    with application.app_context():
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        yield application
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def configured_app(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build another app on the same database as ``app``, with some settings changed."""
    built: list[Flask] = []

    def build(**overrides: object) -> Flask:
        other = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, **overrides)
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the real app."""
    return app.test_client()


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """The test Redis database, with this run's queue emptied before and after the test."""
    try:
        client = reachable_redis()
    except redis.RedisError as error:
        MISSING.require("Redis", type(error).__name__)
    _forget_this_runs_jobs(client)
    yield client
    _forget_this_runs_jobs(client)


def _forget_this_runs_jobs(client: redis.Redis) -> None:
    # Only this run's queue and registries (their keys name the queue); not a flushdb, which
    # would pull the jobs from under another test run sharing the server.
    keys = list(client.scan_iter(match=f"*{TestConfig.RQ_QUEUE_NAME}*"))
    if keys:
        client.delete(*keys)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End the run with a loud line when some services were missing."""
    if not MISSING.reasons:
        return
    names = ", ".join(sorted(MISSING.reasons))
    terminalreporter.write_sep("!", f"NOT RUN: tests needing {names}", red=True, bold=True)
    for name, reason in MISSING.reasons.items():
        terminalreporter.write_line(f"  {name}: {reason}; {START_HINTS[name]}")
    terminalreporter.write_line(
        "  Set ROUNDBOOK_REQUIRE_SERVICES=1 to make missing services a failure (CI does)."
    )
