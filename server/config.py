"""Every setting Roundbook reads, and the only module that looks at os.environ."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from server import json_codec

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("ROUNDBOOK_INSTANCE_DIR", PROJECT_DIR / "instance"))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def load_or_create_secret_key(instance_dir: Path) -> str:
    """Return SECRET_KEY from the environment, else from instance/, creating it on first run."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # 0600: the key signs sessions and device tokens, so only the server's user may read it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def engine_options(database_uri: str, options: dict[str, object]) -> dict[str, object]:
    """The engine options for this database: on PostgreSQL, connections without JIT.

    PostgreSQL compiles a query to machine code once its estimated cost passes
    jit_above_cost. Our queries are short lookups, yet on statistics that lag a growing
    table an estimate passes it: a pull page's 4 ms photo lookup spent 9 ms compiling.
    """
    if make_url(database_uri).get_backend_name() != "postgresql":
        return options
    connect_args = dict(options.get("connect_args") or {})  # type: ignore[call-overload]
    connect_args.setdefault("options", "-c jit=off")
    return {**options, "connect_args": connect_args}


class Config:
    """Production and `make run` settings, each overridable by an environment variable."""

    INSTANCE_DIR = INSTANCE_DIR
    MIGRATIONS_DIR = PROJECT_DIR / "migrations"
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'roundbook.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {
        "pool_pre_ping": True,
        "json_serializer": json_codec.dumps,
        "json_deserializer": json_codec.loads,
    }
    # Empty means "no Redis": jobs then run inline in the web process.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RQ_QUEUE_NAME = os.environ.get("RQ_QUEUE_NAME", "roundbook")
    PHOTO_DIR = Path(os.environ.get("PHOTO_DIR", INSTANCE_DIR / "photos"))
    MAX_PHOTO_BYTES = _env_int("MAX_PHOTO_BYTES", 25 * 1024 * 1024)
    # Waits before each retry of a failed photo job (RQ Retry); their count is the retries.
    PHOTO_JOB_RETRY_INTERVALS_S = tuple(
        int(s) for s in os.environ.get("PHOTO_JOB_RETRY_INTERVALS_S", "10,60,300").split(",")
    )

    ACCESS_TOKEN_TTL = timedelta(seconds=_env_int("ACCESS_TOKEN_TTL_S", 15 * 60))
    REFRESH_TOKEN_TTL = timedelta(days=_env_int("REFRESH_TOKEN_TTL_DAYS", 90))
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    # Argon2id cost (RFC 9106 "second recommended option" is t=3, m=64 MiB).
    PASSWORD_TIME_COST = _env_int("PASSWORD_TIME_COST", 3)
    PASSWORD_MEMORY_KIB = _env_int("PASSWORD_MEMORY_KIB", 64 * 1024)

    # Sync (docs/sync-protocol.md): a pushed HLC more than this ahead of the server clock
    # is clamped, so a phone whose clock is wrong cannot win merges for long.
    SYNC_MAX_SKEW_MS = _env_int("SYNC_MAX_SKEW_MS", 5 * 60 * 1000)
    SYNC_MIN_PROTOCOL_VERSION = 1
    SYNC_PROTOCOL_VERSION = 1
    SYNC_MAX_BATCH_CHANGES = _env_int("SYNC_MAX_BATCH_CHANGES", 500)
    SYNC_MAX_PULL_LIMIT = _env_int("SYNC_MAX_PULL_LIMIT", 1000)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    WTF_CSRF_CHECK_DEFAULT = False  # checked in server.auth.guard for cookie sessions only
    WTF_CSRF_TIME_LIMIT = None

    BABEL_DEFAULT_LOCALE = "zh_CN"
    LANGUAGES = ("zh_CN", "en")

    API_TITLE = "Roundbook API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"

    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True

    def __init__(self) -> None:
        self.SECRET_KEY = load_or_create_secret_key(self.INSTANCE_DIR)


class TestConfig(Config):
    """Settings for the test suite: fast password hashing, no secret written to disk."""

    __test__ = False  # not a pytest test class, despite the name

    TESTING = True
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"
    # The suite signs in hundreds of times from one address; the limit has its own test.
    RATELIMIT_ENABLED = False
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_KIB = 64  # argon2 needs at least 8 KiB per lane
    DATABASE_TEST_URL = os.environ.get(
        "DATABASE_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    # A queue of this test run's own, so runs side by side never take each other's jobs.
    RQ_QUEUE_NAME = f"roundbook-test-{os.getpid()}"
    REQUIRE_SERVICES = os.environ.get("ROUNDBOOK_REQUIRE_SERVICES", "0") == "1"

    def __init__(self) -> None:
        self.SECRET_KEY = "test-secret-key-not-for-production"
