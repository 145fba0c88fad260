"""A server killed mid-batch leaves nothing of that batch, and the re-sent batches complete it.

The real server (gunicorn, as deployed) on a throwaway PostgreSQL database. To kill it while a
batch is being written (not before, not after), the test holds an uncommitted insert of the
link from one of the third batch's inspections to its photo: that batch's transaction has
written its inspections and waits on the link's key when the server is killed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from flask_migrate import upgrade

from server import create_app
from server.auth.services import register_device
from server.config import TestConfig
from server.extensions import db
from tests.factories import make_location, make_site, make_user
from tests.server.inspections.factories import make_template
from tests.server.sync_api.factories import BASE_MS, inspection_fields
from tests.services import MISSING, create_throwaway_postgres_database, drop_postgres_database

ROOT = Path(__file__).resolve().parents[3]
BATCH = 500  # the most a push may carry (SYNC_MAX_BATCH_CHANGES)
BATCHES = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class Server:
    """gunicorn serving the app, in its own process group so one signal kills it all."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{self.port}",
                "server:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/api/health", timeout=1)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.kill()
        pytest.fail("gunicorn did not start")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def database() -> Iterator[str]:
    try:
        url = create_throwaway_postgres_database()
    except psycopg.OperationalError as error:
        MISSING.require("PostgreSQL", str(error).strip().splitlines()[0])
    yield url
    drop_postgres_database(url)


@pytest.fixture
def ward(database: str, tmp_path: Path) -> dict[str, Any]:
    app = create_app(TestConfig(), SQLALCHEMY_DATABASE_URI=database, PHOTO_DIR=tmp_path / "p")
    with app.app_context():
        upgrade()
        site = make_site()
        location = make_location(site)
        version_id = make_template(site).versions[0].id
        token = register_device(make_user(site), "crash phone").access_token
        ward = {
            "site_id": site.id,
            "location": location,
            "version_id": version_id,
            "token": token,
            "env": {
                **os.environ,
                "DATABASE_URL": database,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "ROUNDBOOK_INSTANCE_DIR": str(tmp_path / "instance"),
                "REDIS_URL": "",
            },
        }
        changes = [_inspection(ward, n) for n in range(BATCH * BATCHES)]
        db.session.remove()
        db.engine.dispose()
    return {**ward, "batches": [changes[i : i + BATCH] for i in range(0, len(changes), BATCH)]}


def _inspection(ward: dict[str, Any], n: int) -> dict[str, Any]:
    fields = inspection_fields(ward["location"], ward["version_id"], finished_at=BASE_MS + n)
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": "inspection",
        "record_id": str(uuid.uuid4()),
        "op": "submit",
        "hlc": f"{BASE_MS + n:018d}-0000-crash-phone",
        "fields": {**fields, "photo_sha256s": [f"{n:064x}"]},
    }


def _push(server: Server, ward: dict[str, Any], changes: list[dict[str, Any]]) -> list[str]:
    body = {
        "protocol_version": 1,
        "device_id": "crash-phone",
        "device_now_ms": BASE_MS,
        "changes": changes,
    }
    request = urllib.request.Request(
        f"{server.base}/api/sync/push",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ward['token']}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [result["status"] for result in json.loads(response.read())["results"]]


def _count(conn: psycopg.Connection[Any], table: str, column: str, ids: list[str]) -> int:
    row = conn.execute(
        f"SELECT count(*) FROM {table} WHERE {column}::text = ANY(%s)",  # noqa: S608
        (ids,),
    ).fetchone()
    assert row is not None
    return int(row[0])


def _wait_until(check: Any, timeout_s: float = 20) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_push_leaves_no_half_batch_and_retry_completes_it_when_server_is_killed_mid_batch(
    database: str, ward: dict[str, Any]
) -> None:
    batches = ward["batches"]
    blocked = batches[2][BATCH // 2]
    server = Server(ward["env"])
    with (
        psycopg.connect(_dsn(database)) as blocker,
        psycopg.connect(_dsn(database), autocommit=True) as watcher,
    ):
        blocker.execute(
            "INSERT INTO photos_inspection_links (inspection_id, sha256, site_id, created_at)"
            " VALUES (%s, %s, %s, now())",
            (blocked["record_id"], blocked["fields"]["photo_sha256s"][0], ward["site_id"]),
        )
        pushed: list[list[str]] = []
        cut_off: list[Exception] = []

        def push_all() -> None:
            try:
                for batch in batches:
                    pushed.append(_push(server, ward, batch))
            except OSError as error:  # the server died under the third batch
                cut_off.append(error)

        pusher = threading.Thread(target=push_all, daemon=True)
        pusher.start()
        is_writing = _wait_until(
            lambda: (
                watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                ).fetchone()[0]
                == 1
            )
        )
        server.kill()
        blocker.rollback()
        pusher.join(timeout=30)
        server_gone = _wait_until(
            lambda: (
                watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend' AND pid <> %s",
                    (blocker.info.backend_pid,),
                ).fetchone()[0]
                == 0
            )
        )
        killed_ids = [change["record_id"] for change in batches[2]]
        killed_change_ids = [change["change_id"] for change in batches[2]]
        half_applied = {
            "inspections": _count(watcher, "inspections", "id", killed_ids),
            "sync_records": _count(watcher, "sync_records", "record_id", killed_ids),
            "sync_feed": _count(watcher, "sync_feed", "record_id", killed_ids),
            "sync_receipts": _count(watcher, "sync_receipts", "change_id", killed_change_ids),
            "audit_entries": _count(watcher, "audit_entries", "entity_id", killed_ids),
        }
        committed_before = _count(
            watcher, "inspections", "id", [c["record_id"] for b in batches[:2] for c in b]
        )

    server = Server(ward["env"])
    try:
        retried = [_push(server, ward, batch) for batch in batches]
    finally:
        server.kill()

    assert (is_writing, server_gone) == (True, True)
    assert pushed == [["applied"] * BATCH] * 2
    assert len(cut_off) == 1
    assert half_applied == dict.fromkeys(half_applied, 0)
    assert committed_before == 2 * BATCH
    assert retried == [["already_applied"] * BATCH] * 2 + [["applied"] * BATCH] * 2
    with psycopg.connect(_dsn(database)) as conn:
        all_ids = [change["record_id"] for batch in batches for change in batch]
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT id) FROM inspections WHERE id::text = ANY(%s)",
            (all_ids,),
        ).fetchone()
        feed = conn.execute("SELECT count(*), count(DISTINCT seq) FROM sync_feed").fetchone()
    assert stored == (BATCH * BATCHES, BATCH * BATCHES)
    assert feed == (BATCH * BATCHES, BATCH * BATCHES)
