"""Starting a real `roundbook worker` process for tests that need one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from server.config import TestConfig

BIN_DIR = Path(sys.executable).parent


def start_worker(
    database_url: str,
    redis_url: str,
    instance_dir: Path,
    *,
    burst: bool = False,
    log_name: str = "worker.log",
    **settings: str,
) -> subprocess.Popen[bytes]:
    """Run `roundbook worker` against the test database and Redis, as production would."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "ROUNDBOOK_INSTANCE_DIR": str(instance_dir),
        "PHOTO_DIR": str(instance_dir / "photos"),
        "RQ_QUEUE_NAME": TestConfig.RQ_QUEUE_NAME,
        **settings,
    }
    command = [str(BIN_DIR / "roundbook"), "worker", *(["--burst"] if burst else [])]
    with (instance_dir / log_name).open("wb") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=log)


def worker_log(instance_dir: Path, log_name: str = "worker.log") -> str:
    """What the worker printed, for failure messages."""
    log_path = instance_dir / log_name
    return log_path.read_text(errors="replace") if log_path.exists() else ""


def wait_until(condition: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    """Poll ``condition`` until it holds or the timeout passes."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """Stop a worker (warm shutdown), killing it if it does not exit."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
