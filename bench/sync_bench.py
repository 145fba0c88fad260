"""Sync benchmark: push, replay, pull and conflicting edits against gunicorn on PostgreSQL.

Creates a throwaway database, starts gunicorn with server.gunicorn_conf on a loopback port
(as the README deploys it), and prints records/s, batch latency p50/p95, and the counts of
lost, duplicated and silently overwritten records (all must be 0).

    .venv/bin/python bench/sync_bench.py [--records 20000] [--workers 4]

The simulated phones encode and decode JSON with orjson: a phone's JSON.parse is native code,
and Python's json module would make this client, not the server, the slowest part of a pull.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
BASE_MS = 1_732_400_000_000
BATCH = 100
ANSWER_KEYS = [f"item_{index:02d}" for index in range(20)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(url: str, body: dict[str, Any], token: str) -> tuple[float, dict[str, Any]]:
    data = orjson.dumps(body)
    request = urllib.request.Request(
        url,
        data=data,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        payload = orjson.loads(response.read())
    return time.perf_counter() - started, payload


def _pull_all(base: str, token: str) -> list[tuple[str, str]]:
    """Pull the whole feed as a phone does; the (record_type, record_id) of every record.

    Like the app (pwa/sync/pull.js), it asks for the next page, named by the Link header,
    before it reads the current one. The request is sent from this thread and only its
    answer is awaited in another: sent from there, it waited for this thread's parse to let
    go of the GIL, and the pages were no faster than one after the other. A phone stores
    each page and lets it go; this one keeps only the keys it counts.
    """
    keys: list[tuple[str, str]] = []
    host = urllib.parse.urlsplit(base).netloc
    headers = {"Authorization": f"Bearer {token}"}

    def send(path: str) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(host, timeout=120)
        connection.request("GET", path, headers=headers)
        return connection

    def answer(connection: http.client.HTTPConnection) -> tuple[bytes, str | None]:
        try:
            response = connection.getresponse()
            assert response.status == 200, response.status
            return response.read(), response.headers.get("Link")
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as reader:
        pending = reader.submit(answer, send("/api/sync/pull?limit=1000"))
        while pending is not None:
            body, link = pending.result()
            following = link.split(">")[0].lstrip("<") if link else None
            pending = reader.submit(answer, send(following)) if following else None
            page = orjson.loads(body)
            assert page["has_more"] == (following is not None)
            keys.extend((record["record_type"], record["record_id"]) for record in page["changes"])
    return keys


def _setup(database_url: str) -> dict[str, Any]:
    from flask_migrate import upgrade

    from server import create_app
    from server.auth.models import Role
    from server.auth.services import create_user, grant_membership, register_device
    from server.extensions import db
    from tests.factories import make_location, make_site

    app = create_app(
        None, SQLALCHEMY_DATABASE_URI=database_url, PASSWORD_TIME_COST=1, PASSWORD_MEMORY_KIB=64
    )
    with app.app_context():
        upgrade()
        site = make_site()
        location = make_location(site)
        version = _ward_round_of_twenty_checks(site)
        tokens = []
        for n in range(9):
            user = create_user(None, username=f"bench{n}", password="x" * 12, display_name="b")
            grant_membership(None, user, site.id, Role.SITE_ADMIN)
            db.session.commit()
            tokens.append(register_device(user, f"bench {n}").access_token)
        return {
            "site_id": str(site.id),
            "location_id": str(location.id),
            "department_id": str(location.department_id),
            "version_id": str(version.id),
            "tokens": tokens,
        }


def _ward_round_of_twenty_checks(site: Any) -> Any:
    """A published ward-round checklist of twenty pass/fail/n.a. items."""
    from tests.server.checklists.factories import make_item, make_template

    return make_template(site, items=[make_item(key) for key in ANSWER_KEYS]).versions[0]


def _inspection(ctx: dict[str, Any], n: int) -> dict[str, Any]:
    """A submitted ward round: twenty answers, two failed with a note and a photo (~3 KB)."""
    answers: dict[str, Any] = {key: {"value": "pass"} for key in ANSWER_KEYS}
    for index, key in enumerate(ANSWER_KEYS[:2]):
        answers[key] = {
            "value": "fail",
            "note": "巡查记录：四壁有尘，地面有污物，已通知保洁复查。" * 5,
            "photo_sha256s": [f"{2 * n + index:064x}"],
        }
    notes = "巡查记录：四壁无尘，窗明几净，地面无痰迹、污物。" * 6
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": "inspection",
        "record_id": str(uuid.uuid4()),
        "op": "submit",
        "hlc": f"{BASE_MS + n:018d}-0000-bench",
        "base_version": None,
        "observed_at": BASE_MS + n,
        "fields": {
            "site_id": ctx["site_id"],
            "template_version_id": ctx["version_id"],
            "location_id": ctx["location_id"],
            "started_at": BASE_MS + n - 60_000,
            "finished_at": BASE_MS + n,
            "answers": answers,
            "note": notes * 2,
        },
    }


def _push_all(base: str, batches: list[list[dict]], tokens: list[str], clients: int) -> dict:
    def run(index_batch: tuple[int, list[dict]]) -> tuple[float, list[str]]:
        index, changes = index_batch
        body = {
            "protocol_version": 1,
            "device_id": f"bench-{index % clients}",
            "device_now_ms": int(time.time() * 1000),
            "changes": changes,
        }
        seconds, payload = _post(f"{base}/api/sync/push", body, tokens[index % clients])
        return seconds, [result["status"] for result in payload["results"]]

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(run, enumerate(batches)))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for seconds, _ in outcomes)
    statuses = [status for _, batch in outcomes for status in batch]
    return {
        "records_per_s": len(statuses) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "statuses": {s: statuses.count(s) for s in set(statuses)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    name = f"roundbook_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret",
        "ACCESS_TOKEN_TTL_S": "86400",
    }
    os.environ.update(env)
    port = _free_port()
    server = None
    try:
        ctx = _setup(url)
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "-c",
                "python:server.gunicorn_conf",
                "--no-control-socket",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "server:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        half = args.records // 2
        changes = [_inspection(ctx, n) for n in range(args.records)]
        batches = [changes[i : i + BATCH] for i in range(0, len(changes), BATCH)]
        # The phones' own data lives to the end: out of the collector's reach, as
        # server.gunicorn_conf does for the app. Else every full collection during a pull
        # walked these 20,000 inspections, and a page's parse took 40 ms instead of 15.
        gc.freeze()
        report = {
            "push_1_client": _push_all(base, batches[: half // BATCH], ctx["tokens"], 1),
            "push_8_clients": _push_all(base, batches[half // BATCH :], ctx["tokens"], 8),
        }
        replay = changes[:1000]
        report["replay_1000"] = _push_all(
            base, [replay[i : i + BATCH] for i in range(0, 1000, BATCH)], ctx["tokens"], 8
        )
        started = time.perf_counter()
        pulled_keys = _pull_all(base, ctx["tokens"][0])
        report["pull"] = {
            "records_per_s": len(pulled_keys) / (time.perf_counter() - started),
            "records": len(pulled_keys),
        }
        ids = {change["record_id"] for change in changes}
        pulled_ids = [
            record_id for record_type, record_id in pulled_keys if record_type == "inspection"
        ]
        report["lost"] = len(ids - set(pulled_ids))
        report["duplicated"] = len(pulled_ids) - len(set(pulled_ids))
        report["conflicts"] = _conflicting_edits(base, ctx)
        print(json.dumps(report, indent=2, ensure_ascii=False))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _conflicting_edits(base: str, ctx: dict[str, Any]) -> dict[str, Any]:
    """1,000 findings, each edited concurrently by two clients; every lost value must be kept."""
    ids = [str(uuid.uuid4()) for _ in range(1000)]
    creates = [
        {
            "change_id": str(uuid.uuid4()),
            "record_type": "finding",
            "record_id": i,
            "op": "create",
            "hlc": f"{BASE_MS:018d}-0000-a",
            "fields": {
                "site_id": ctx["site_id"],
                "location_id": ctx["location_id"],
                "department_id": ctx["department_id"],
                "title": "t",
                "severity": "low",
                "status": "open",
            },
        }
        for i in ids
    ]
    _push_all(base, [creates[i : i + BATCH] for i in range(0, 1000, BATCH)], ctx["tokens"], 1)
    edits = []
    for device, wall in (("a", BASE_MS + 2), ("b", BASE_MS + 1)):
        edits.append(
            [
                {
                    "change_id": str(uuid.uuid4()),
                    "record_type": "finding",
                    "record_id": i,
                    "op": "update",
                    "hlc": f"{wall:018d}-0000-{device}",
                    "base_version": 1,
                    "fields": {"description": f"by {device}"},
                }
                for i in ids
            ]
        )
    batches = [edits[k][i : i + BATCH] for i in range(0, 1000, BATCH) for k in (0, 1)]
    result = _push_all(base, batches, ctx["tokens"][:2], 2)
    # Every finding must end with 'by a' (the newer HLC) and one recorded conflict holding 'by b'.
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"]
    with psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", "")) as conn:
        wrong = conn.execute("SELECT count(*) FROM findings WHERE description <> 'by a'").fetchone()
        kept = conn.execute(
            "SELECT count(DISTINCT record_id) FROM sync_conflicts WHERE lost_value = '\"by b\"'"
        ).fetchone()
    result["silently_overwritten"] = int(wrong[0]) + (1000 - int(kept[0]))
    return result


if __name__ == "__main__":
    main()
