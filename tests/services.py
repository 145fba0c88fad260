"""Finding the real PostgreSQL and Redis the integration tests need, or saying loudly why not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import NoReturn

import psycopg
import pytest
import redis
from sqlalchemy.engine import make_url

from server.config import TestConfig

START_HINTS = {
    "PostgreSQL": "start it with: pg_ctlcluster --skip-systemctl-redirect "
    "$(ls /etc/postgresql) main start  (or set DATABASE_TEST_URL)",
    "Redis": "start it with: redis-server --daemonize yes --port 6379 --save ''  "
    "(or set REDIS_TEST_URL)",
}


@dataclass
class MissingServices:
    """Services some tests needed but could not reach, for the run's closing summary."""

    reasons: dict[str, str] = field(default_factory=dict)

    def require(self, name: str, reason: str) -> None:
        """Fail (ROUNDBOOK_REQUIRE_SERVICES=1) or skip the test, remembering why."""
        self.reasons[name] = reason
        unavailable(f"{name} is not reachable ({reason}); {START_HINTS[name]}")


def unavailable(message: str) -> NoReturn:
    """Skip the test for want of something outside the code, saying what and how to get it.

    With ROUNDBOOK_REQUIRE_SERVICES=1 (CI sets it) that is a failure instead: nothing a run
    was meant to check is skipped silently.
    """
    if TestConfig.REQUIRE_SERVICES:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


MISSING = MissingServices()


def create_throwaway_postgres_database() -> str:
    """Create an empty database on the test server and return its SQLAlchemy URL."""
    server_url = make_url(TestConfig.DATABASE_TEST_URL)
    name = f"roundbook_test_{uuid.uuid4().hex[:10]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a throwaway database, disconnecting anyone still using it."""
    target = make_url(url)
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')


def _admin_connection() -> psycopg.Connection[tuple[object, ...]]:
    server_url = make_url(TestConfig.DATABASE_TEST_URL).set(drivername="postgresql")
    dsn = server_url.render_as_string(hide_password=False)
    return psycopg.connect(dsn, autocommit=True, connect_timeout=3)


def reachable_redis() -> redis.Redis:
    """A client of the test Redis database, which is emptied first."""
    client = redis.Redis.from_url(TestConfig.REDIS_TEST_URL, socket_connect_timeout=2)
    client.ping()
    return client
