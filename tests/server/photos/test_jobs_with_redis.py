"""Photo jobs on the real Redis with real `roundbook worker --burst` processes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import redis
from flask import Flask
from rq import Queue

from server.auth.models import Role
from server.config import TestConfig
from server.photos.models import PhotoStatus
from server.photos.storage import PhotoFile, photo_path
from server.sites.models import Site
from tests.factories import bearer_headers, make_user
from tests.server.photos.factories import make_jpeg, put_photo, reload_photo, sha256_of
from tests.workers import start_worker, worker_log

# Retries right away, so a failing job runs its three attempts within one burst.
RETRY_AT_ONCE = "0,0"
NOTHING_LISTENS = "redis://127.0.0.1:1/0"


def run_burst_worker(app: Flask, tmp_path: Path) -> str:
    """Run `roundbook worker --burst` on the app's database and queue; return its output."""
    worker = start_worker(
        app.config["SQLALCHEMY_DATABASE_URI"],
        TestConfig.REDIS_TEST_URL,
        tmp_path,
        burst=True,
        PHOTO_DIR=str(app.config["PHOTO_DIR"]),
        PHOTO_JOB_RETRY_INTERVALS_S=RETRY_AT_ONCE,
    )
    returncode = worker.wait(timeout=120)
    output = worker_log(tmp_path)
    assert returncode == 0, output
    return output


def _queued(redis_client: redis.Redis) -> int:
    return Queue(TestConfig.RQ_QUEUE_NAME, connection=redis_client).count


def test_worker_processes_the_photo_when_it_is_uploaded_with_redis(
    redis_app: Flask, site: Site, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    data = make_jpeg()
    uploaded = put_photo(redis_app.test_client(), site, data, admin_headers)

    run_burst_worker(redis_app, tmp_path)

    assert (uploaded.status_code, uploaded.json["status"]) == (201, "stored")
    assert reload_photo(sha256_of(data)).status is PhotoStatus.PROCESSED
    assert photo_path(site.id, sha256_of(data), PhotoFile.THUMBNAIL).exists()


def test_sweep_queues_one_job_when_the_photo_is_already_queued(
    redis_app: Flask, site: Site, admin_headers: dict[str, str], redis_client: redis.Redis
) -> None:
    put_photo(redis_app.test_client(), site, make_jpeg(), admin_headers)

    with redis_app.app_context():  # the CLI would otherwise reuse the test's inline app
        result = redis_app.test_cli_runner().invoke(args=["photos", "sweep"])

    assert result.exit_code == 0, result.output
    assert _queued(redis_client) == 1


def test_photo_is_processed_by_the_sweep_when_redis_was_down_during_the_upload(
    configured_app: Callable[..., Flask],
    redis_app: Flask,
    site: Site,
    admin_headers: dict[str, str],
    tmp_path: Path,
) -> None:
    redis_down = configured_app(REDIS_URL=NOTHING_LISTENS)
    data = make_jpeg()
    uploaded = put_photo(redis_down.test_client(), site, data, admin_headers)

    run_burst_worker(redis_app, tmp_path)  # sweeps waiting photos when it starts

    assert (uploaded.status_code, uploaded.json["status"]) == (201, "stored")
    assert reload_photo(sha256_of(data)).status is PhotoStatus.PROCESSED


def test_failing_job_is_retried_then_failed_visibly_and_can_be_retried_after_a_fix(
    redis_app: Flask, site: Site, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    data = make_jpeg()
    client = redis_app.test_client()
    put_photo(client, site, data, admin_headers)
    original = photo_path(site.id, sha256_of(data), PhotoFile.ORIGINAL)
    original.write_bytes(b"damaged on disk")

    run_burst_worker(redis_app, tmp_path)
    failed = reload_photo(sha256_of(data))
    health = client.get("/api/health").json
    listed = client.get(f"/api/photos/failed?site_id={site.id}", headers=admin_headers).json
    original.write_bytes(data)
    retried = client.post(
        f"/api/photos/{sha256_of(data)}/retry?site_id={site.id}", headers=admin_headers
    )
    run_burst_worker(redis_app, tmp_path)

    assert (failed.status, failed.processing_attempts) == (PhotoStatus.FAILED, 3)
    assert "UnidentifiedImageError" in (failed.processing_error or "")
    assert (health["photos"]["failed"], health["queue"]["failed_jobs"]) == (1, 1)
    assert [photo["sha256"] for photo in listed] == [sha256_of(data)]
    assert (retried.status_code, retried.json["status"]) == (200, "stored")
    assert reload_photo(sha256_of(data)).status is PhotoStatus.PROCESSED


def test_failed_photos_answers_403_when_the_user_is_not_a_site_admin(
    redis_app: Flask, site: Site
) -> None:
    inspector = bearer_headers(make_user(site, Role.INSPECTOR))

    response = redis_app.test_client().get(
        f"/api/photos/failed?site_id={site.id}", headers=inspector
    )

    assert response.status_code == 403
