"""Fixtures for the field-app tests: the real server on a free port, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.services import unavailable

PROJECT_DIR = Path(__file__).resolve().parents[2]
ROUNDBOOK = Path(sys.executable).parent / "roundbook"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "roundbook-demo"
SERVER_START_TIMEOUT_S = 30


@dataclass(frozen=True)
class LiveServer:
    """The running server: where it listens and which database it uses."""

    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server did not answer on {url} within {SERVER_START_TIMEOUT_S} s")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skipped when missing unless ROUNDBOOK_REQUIRE_SERVICES=1."""
    if CHROMIUM.is_file():
        return CHROMIUM
    unavailable(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")


@pytest.fixture(scope="session")
def built_app() -> Path:
    """pwa/dist, built by `make pwa` (does nothing when the sources did not change)."""
    subprocess.run(
        ["make", "--no-print-directory", "-f", "pwa/pwa.mk", "pwa"],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    return PROJECT_DIR / "pwa" / "dist"


@pytest.fixture(scope="session")
def live_server(
    chromium_path: Path, built_app: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """`roundbook setup` (migrate + demo hospital) then `roundbook run` on a throwaway SQLite."""
    instance = tmp_path_factory.mktemp("pwa-server")
    database_url = f"sqlite:///{instance / 'roundbook.db'}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ROUNDBOOK_INSTANCE_DIR": str(instance),
        "PHOTO_DIR": str(instance / "photos"),
        "SECRET_KEY": "pwa-tests-only",
        "REDIS_URL": "",
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
    }
    subprocess.run(
        [str(ROUNDBOOK), "setup"], cwd=PROJECT_DIR, env=env, check=True, capture_output=True
    )
    log = (instance / "server.log").open("wb")
    process = subprocess.Popen(
        [str(ROUNDBOOK), "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield LiveServer(url, database_url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def playwright_driver(chromium_path: Path) -> Iterator[Playwright]:
    """One Playwright driver for the whole run (the sync API allows only one at a time)."""
    # The service worker drains the outbox too (Background Sync): without this, its requests
    # escape context.route and "request" events, and tests that fake or watch the server race it.
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def pwa_browser(playwright_driver: Playwright, chromium_path: Path) -> Iterator[Browser]:
    """Real Chromium from Debian (never a Playwright download)."""
    browser = playwright_driver.chromium.launch(
        executable_path=str(chromium_path), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _new_phone(browser: Browser, live_server: LiveServer) -> BrowserContext:
    return browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        service_workers="allow",
        viewport={"width": 412, "height": 860},
        accept_downloads=True,
    )


@pytest.fixture
def pwa_context(pwa_browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh phone: its own storage, Chinese preferred, service workers allowed."""
    context = _new_phone(pwa_browser, live_server)
    yield context
    context.close()


@pytest.fixture
def second_context(pwa_browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """Another phone next to pwa_context: its own storage and its own device sign-in."""
    context = _new_phone(pwa_browser, live_server)
    yield context
    context.close()


@pytest.fixture
def camera_browser(
    playwright_driver: Playwright, chromium_path: Path, live_server: LiveServer, tmp_path: Path
) -> Iterator[tuple[Browser, Path]]:
    """Chromium whose camera films whatever label the test writes to the video file."""
    video = tmp_path / "camera.y4m"
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright_driver.chromium.launch(executable_path=str(chromium_path), args=args)
    yield browser, video
    browser.close()


@pytest.fixture
def pwa_page(pwa_context: BrowserContext) -> Page:
    """A page of the fresh phone that fails the test on any uncaught script error."""
    page = pwa_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep a screenshot of the phone's screen when a browser test fails (test-results/)."""
    report = yield
    page = getattr(item, "funcargs", {}).get("pwa_page")
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        target = Path("test-results") / f"{item.name}.png"
        target.parent.mkdir(exist_ok=True)
        try:
            page.screenshot(path=str(target), full_page=True)
        except Exception as error:  # the page may be mid-navigation; the failure matters more
            report.sections.append(("screenshot", f"not taken: {error}"))
    return report
