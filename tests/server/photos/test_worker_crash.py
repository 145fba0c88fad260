"""Workers that die mid-job, and workers that share a queue, on the real Redis."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

from flask import Flask

from server.config import TestConfig
from server.photos.models import PhotoStatus
from server.sites.models import Site
from tests.server.photos.factories import make_jpeg, put_photo, reload_photo, scene, sha256_of
from tests.workers import start_worker, stop_worker, wait_until, worker_log

RETRY_AT_ONCE = "0,0"  # three attempts in all, without waiting between them


def _work_horses(worker_pid: int) -> list[int]:
    """The processes RQ forked to run jobs (a worker runs each job in a child)."""
    children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _sweep(app: Flask) -> bool:
    """Run `roundbook photos sweep` as an operator would, with the app's own settings."""
    with app.app_context():  # the CLI would otherwise reuse the test's current app
        return app.test_cli_runner().invoke(args=["photos", "sweep"]).exit_code == 0


def _slow_png() -> bytes:
    # A large PNG (no reduced-scale decoding) keeps the job running long enough to be killed.
    buffer = io.BytesIO()
    scene(7, (6000, 4500)).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _kill_the_attempt(worker_pid: int, sha: str, attempt: int) -> bool:
    """Kill the job's process once it has counted ``attempt``, as the OOM killer would."""

    def attempt_started() -> bool:
        return reload_photo(sha).processing_attempts >= attempt and bool(_work_horses(worker_pid))

    if not wait_until(attempt_started, timeout_s=30):
        return False
    for horse in _work_horses(worker_pid):
        os.kill(horse, signal.SIGKILL)
    return True


def test_job_that_kills_its_worker_is_retried_then_failed_visibly(
    app: Flask, redis_app: Flask, site: Site, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    data = _slow_png()
    sha = sha256_of(data)
    client = redis_app.test_client()
    put_photo(client, site, data, admin_headers)
    worker = start_worker(
        app.config["SQLALCHEMY_DATABASE_URI"],
        TestConfig.REDIS_TEST_URL,
        tmp_path,
        PHOTO_JOB_RETRY_INTERVALS_S=RETRY_AT_ONCE,
    )
    try:
        killed = [_kill_the_attempt(worker.pid, sha, attempt) for attempt in (1, 2, 3)]
        # RQ has no retries left; the next sweep's attempt finds the photo has crashed enough.
        gave_up = wait_until(
            lambda: _sweep(redis_app) and reload_photo(sha).status is PhotoStatus.FAILED
        )
    finally:
        stop_worker(worker)
    failed = reload_photo(sha)
    health = client.get("/api/health").json
    listed = client.get(f"/api/photos/failed?site_id={site.id}", headers=admin_headers).json

    assert killed == [True, True, True], worker_log(tmp_path)
    assert gave_up, worker_log(tmp_path)
    assert failed.status is PhotoStatus.FAILED
    assert "stopped the worker 3 times" in (failed.processing_error or "")
    assert health["photos"]["failed"] == 1
    assert [photo["sha256"] for photo in listed] == [sha]


def test_two_workers_on_one_queue_process_each_photo_once(
    app: Flask, redis_app: Flask, site: Site, admin_headers: dict[str, str], tmp_path: Path
) -> None:
    client = redis_app.test_client()
    photos = [make_jpeg(seed) for seed in range(6)]
    for data in photos:
        put_photo(client, site, data, admin_headers)
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    workers = [
        start_worker(url, TestConfig.REDIS_TEST_URL, tmp_path, burst=True, log_name=f"w{n}.log")
        for n in (1, 2)
    ]
    exit_codes = [worker.wait(timeout=120) for worker in workers]

    assert exit_codes == [0, 0], worker_log(tmp_path, "w1.log") + worker_log(tmp_path, "w2.log")
    states = [
        (reload_photo(sha256_of(d)).status, reload_photo(sha256_of(d)).processing_attempts)
        for d in photos
    ]
    assert states == [(PhotoStatus.PROCESSED, 1)] * len(photos)
