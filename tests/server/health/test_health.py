"""/api/health tells operators whether the database, Redis and workers are up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.config import TestConfig
from tests.workers import start_worker, stop_worker, wait_until, worker_log


def test_health_reports_ok_and_inline_jobs_when_no_redis_is_configured(
    client: FlaskClient,
) -> None:
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"]["ok"] is True
    assert response.json["queue"]["mode"] == "inline"


def test_health_reports_redis_down_when_redis_is_unreachable(
    configured_app: Callable[..., Flask],
) -> None:
    client = configured_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()

    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.json["status"] == "degraded"
    assert response.json["queue"]["redis"] == "down"


def test_health_counts_running_worker_when_one_listens_on_the_queue(
    app: Flask,
    configured_app: Callable[..., Flask],
    redis_client: redis.Redis,
    tmp_path: Path,
) -> None:
    client = configured_app(REDIS_URL=TestConfig.REDIS_TEST_URL).test_client()
    worker = start_worker(
        app.config["SQLALCHEMY_DATABASE_URI"], TestConfig.REDIS_TEST_URL, tmp_path
    )
    try:
        seen = wait_until(lambda: client.get("/api/health").json["queue"].get("workers") == 1)
    finally:
        stop_worker(worker)

    assert seen, worker_log(tmp_path)
    assert client.get("/api/health").json["queue"]["redis"] == "up"
