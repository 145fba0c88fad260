"""Field-app benchmark: the figures of issue 4, measured in a real browser against the real server.

Creates a throwaway PostgreSQL database, migrates it and seeds the demo hospital (`roundbook
setup`), serves `server:create_app()` with gunicorn on a loopback port (as the README deploys
it), and drives Debian's Chromium (/usr/bin/chromium, never a Playwright download) with the
browser tests' own steps (tests/pwa/phone.py). Prints, per figure, the median and the worst of
the runs, the target and whether it is met:

- the app shell's transferred size, gzip, without the QR decoder (and the decoder's);
- the time from opening the installed app offline to an interactive home screen, after the
  phone restarted (browser relaunched) and with the browser still running;
- the time to save a ward round with two photos to the outbox (the app's own performance
  measure `roundbook:save-to-outbox`), and from the tap on Submit to the home screen;
- the time to sync 200 queued inspections when the network returns.

    .venv/bin/python bench/pwa_bench.py [--runs 5] [--workers 4]

Needs the built field app (`make pwa`), Chromium (`make browser`) and PostgreSQL (the test
server, DATABASE_TEST_URL; default the local one, user postgres). Every run uses a new phone: a
fresh browser profile, signed in online once.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import psycopg
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pwa.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.pwa.phone import (  # noqa: E402
    answer_all,
    fail_item_with_note_and_photo,
    open_app,
    outbox_counts,
    queue_not_inspected_rounds,
    read_store,
    sign_in,
    sign_in_then_go_offline,
    start_ward_round,
    wait_for_service_worker,
    wait_ready,
)
from tests.services import (  # noqa: E402
    START_HINTS,
    create_throwaway_postgres_database,
    drop_postgres_database,
)

DIST = ROOT / "pwa" / "dist"
ROUNDBOOK = ROOT / ".venv" / "bin" / "roundbook"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SERVER_START_TIMEOUT_S = 30
# What a gzip-ing server or proxy sends: `gzip`'s, nginx's usual and Apache's default level.
GZIP_LEVEL = 6
# The QR decoder (zxing-wasm's loader chunk and its wasm) is precached, so scanning works with
# no signal, but only runs where the browser has no BarcodeDetector: issue 4's target leaves it out.
DECODER_PREFIXES = ("zxing_reader", "reader-")
ROUND_WARD = "ZY-6-E"
QUEUED_INSPECTIONS = 200
SYNC_TIMEOUT_MS = 60_000
# Polled on a timer, not on animation frames, which a headless page may not paint.
SYNC_POLL_MS = 10
# A function, not an expression: the app's Content-Security-Policy forbids eval.
ALL_SYNCED_JS = (
    "() => document.querySelector(\"[data-testid='sync-pending']\")?.textContent === '全部已同步'"
)
TARGET_SHELL_KB = 200
TARGET_HOME_MS = 1000
TARGET_SAVE_MS = 150

Result = TypeVar("Result")


class BenchError(RuntimeError):
    """The app did not do what is being timed: a figure of a broken flow means nothing."""


@dataclass(frozen=True)
class Figure:
    """One row of the table: what was measured, every run's value, and its target if any."""

    name: str
    unit: str
    values: list[float]
    target: float | None = None  # met when even the worst run is under it

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def worst(self) -> float:
        return max(self.values)


def main() -> None:
    """Measure every figure and print the table; say plainly why when a flow broke."""
    try:
        _run(_parse_args())
    except BenchError as error:
        sys.exit(f"pwa bench: {error}")


def _run(args: argparse.Namespace) -> None:
    """Check what the bench needs, serve the app, measure every figure, print the table."""
    _require_prerequisites()
    # Lets the size figure see what the service worker fetches to precache (as the tests do).
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    with (
        tempfile.TemporaryDirectory(prefix="pwa-bench-") as temp_dir,
        _served_app(Path(temp_dir), args.workers) as base_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            print(
                f"Chromium {browser.version} (headless), gunicorn {args.workers} workers on "
                f"PostgreSQL, demo hospital; {args.runs} runs, {os.cpu_count()} CPUs",
                flush=True,
            )
            figures = _measure_all(playwright, browser, base_url, Path(temp_dir), args.runs)
        finally:
            browser.close()
    _print_table(figures)


def _parse_args() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed figure")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def _require_prerequisites() -> None:
    """Stop with what to run when the built app or Chromium is missing."""
    if not (DIST / "index.html").is_file():
        sys.exit(f"{DIST.relative_to(ROOT)} is missing: build the field app with `make pwa`")
    if not CHROMIUM.is_file():
        sys.exit(
            f"{CHROMIUM} is missing: install it with `make browser` (apt-get install chromium)"
        )


def _measure_all(
    playwright: Playwright, browser: Browser, base_url: str, temp_dir: Path, runs: int
) -> list[Figure]:
    """Every figure, each timed flow `runs` times on a new phone."""
    shell_kb, decoder_kb, shell_files = _app_shell_gzip_kb(browser, base_url)
    figures = [
        Figure(f"app shell, gzip ({shell_files} files)", "KB", [shell_kb], TARGET_SHELL_KB),
        Figure("QR decoder, gzip (precached, runs only to scan)", "KB", [decoder_kb]),
    ]
    homes = _repeat(runs, "home offline", lambda: _home_offline_ms(playwright, base_url, temp_dir))
    figures += [
        Figure(
            "home offline, after a phone restart", "ms", [cold for cold, _ in homes], TARGET_HOME_MS
        ),
        Figure(
            "home offline, reopened (browser running)",
            "ms",
            [warm for _, warm in homes],
            TARGET_HOME_MS,
        ),
    ]
    saves = _repeat(runs, "save round", lambda: _save_round_ms(browser, base_url))
    items = {count for count, _, _ in saves}
    figures += [
        Figure(
            f"{'/'.join(map(str, sorted(items)))}-item round + 2 photos saved to outbox",
            "ms",
            [save for _, save, _ in saves],
            TARGET_SAVE_MS,
        ),
        Figure("  tap on Submit to home screen", "ms", [tap for _, _, tap in saves]),
    ]
    syncs = _repeat(runs, "sync", lambda: _sync_queued_s(browser, base_url))
    figures.append(
        Figure(f"{QUEUED_INSPECTIONS} queued inspections synced on reconnect", "s", syncs)
    )
    return figures


def _repeat(runs: int, label: str, measure: Callable[[], Result]) -> list[Result]:
    """Run one measurement `runs` times, saying what is going on (a run takes seconds)."""
    print(f"measuring {label} ({runs} runs)", flush=True)
    return [measure() for _ in range(runs)]


# --- The figures --------------------------------------------------------------------------------


def _app_shell_gzip_kb(browser: Browser, base_url: str) -> tuple[float, float, int]:
    """Gzip size of every file a new phone fetches to install the app (each counted once),
    without the QR decoder, and of the decoder alone. The server sends them uncompressed; in
    production the HTTPS proxy in front of it gzips them."""
    context = _new_phone(browser, base_url)
    fetched: set[str] = set()
    context.on("request", lambda request: fetched.add(urlsplit(request.url).path))
    page = context.new_page()
    open_app(page)
    wait_for_service_worker(page)
    context.close()
    # The page loads the shell as /app/, the service worker precaches it as /app/index.html.
    paths = sorted({"/app/index.html" if path == "/app/" else path for path in fetched})
    paths = [path for path in paths if path.startswith("/app/")]
    never_fetched = _built_files() - {path.removeprefix("/app/") for path in paths}
    if never_fetched:
        raise BenchError(f"installing the app did not fetch {sorted(never_fetched)}")
    decoder = [path for path in paths if Path(path).name.startswith(DECODER_PREFIXES)]
    shell = [path for path in paths if path not in decoder]

    def gzip_kb(group: list[str]) -> float:
        return (
            sum(len(gzip.compress(_download(base_url + path), GZIP_LEVEL)) for path in group) / 1024
        )

    return gzip_kb(shell), gzip_kb(decoder), len(shell)


def _home_offline_ms(playwright: Playwright, base_url: str, temp_dir: Path) -> tuple[float, float]:
    """Open the installed app offline at its start URL: first after the phone restarted (a new
    browser on the same profile: cold service worker), then again with the browser running."""
    profile = Path(tempfile.mkdtemp(prefix="phone-", dir=temp_dir))
    try:
        with _persistent_phone(playwright, base_url, profile) as phone:
            page = phone.new_page()
            open_app(page)
            sign_in(page, "inspector")
            wait_for_service_worker(page)
        with _persistent_phone(playwright, base_url, profile) as phone:
            phone.set_offline(True)
            after_restart = _open_home_ms(phone.new_page())
            reopened = _open_home_ms(phone.new_page())
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return after_restart, reopened


def _open_home_ms(page: Page) -> float:
    """Time from opening the app's start URL to its home screen, drawn and marked ready."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    started = time.perf_counter()
    page.goto(_start_url())
    wait_ready(page)
    expect(page.get_by_test_id("home")).to_be_visible()
    elapsed_ms = (time.perf_counter() - started) * 1000
    if errors:
        raise BenchError(f"the home screen opened offline with script errors: {errors}")
    page.close()
    return elapsed_ms


def _save_round_ms(browser: Browser, base_url: str) -> tuple[int, float, float]:
    """Walk a ward round offline, fail two items with a note and a photo each, and submit.

    Returns the number of items, the app's own save-to-outbox measure and tap-to-home time."""
    context = _new_phone(browser, base_url)
    try:
        page = context.new_page()
        sign_in_then_go_offline(page, "inspector")
        start_ward_round(page, ROUND_WARD)
        answer_all(page, "pass")
        fail_item_with_note_and_photo(page, 0, "墙角积灰", (2400, 1800))
        fail_item_with_note_and_photo(page, 1, "洗手液用完", (1500, 2000))
        items = page.locator("li.item").count()
        started = time.perf_counter()
        page.get_by_test_id("submit").click()
        expect(page.get_by_test_id("home")).to_be_visible()
        tap_to_home_ms = (time.perf_counter() - started) * 1000
        save_ms = page.evaluate(
            "performance.getEntriesByName('roundbook:save-to-outbox').at(-1).duration"
        )
        counts = outbox_counts(page)
        if counts != {"ops": 3, "photos": 2}:
            raise BenchError(f"the round did not land in the outbox with its photos: {counts}")
        return items, float(save_ms), tap_to_home_ms
    finally:
        context.close()


def _sync_queued_s(browser: Browser, base_url: str) -> float:
    """Queue 200 inspections offline, then time from the network's return (the app syncs on
    its own) until the sync bar says everything is synced."""
    context = _new_phone(browser, base_url)
    try:
        page = context.new_page()
        sign_in_then_go_offline(page, "inspector")
        queue_not_inspected_rounds(page, QUEUED_INSPECTIONS)
        # Until the bar counts them, "all synced" is still on screen from before.
        expect(page.get_by_test_id("sync-pending")).to_contain_text(f"{QUEUED_INSPECTIONS}")
        started = time.perf_counter()
        context.set_offline(False)
        try:
            page.wait_for_function(ALL_SYNCED_JS, polling=SYNC_POLL_MS, timeout=SYNC_TIMEOUT_MS)
        except PlaywrightTimeoutError as error:
            bar = page.locator("#sync-bar").text_content()
            status = [row for row in read_store(page, "meta") if isinstance(row, dict)]
            raise BenchError(f"not synced: the bar says {bar!r}; {status}") from error
        elapsed_s = time.perf_counter() - started
        left = {store: len(read_store(page, store)) for store in ("outbox", "problems")}
        if any(left.values()):
            raise BenchError(f"the queued inspections did not all sync: {left}")
        return elapsed_s
    finally:
        context.close()


# --- The phone and the server ---------------------------------------------------------------


def _phone_options(base_url: str) -> dict[str, object]:
    """The browser tests' phone (tests/pwa/conftest.py): Chinese, service workers allowed."""
    return {
        "base_url": base_url,
        "locale": "zh-CN",
        "service_workers": "allow",
        "viewport": {"width": 412, "height": 860},
    }


def _new_phone(browser: Browser, base_url: str) -> BrowserContext:
    """A phone with nothing on it yet: its own storage, no service worker installed."""
    return browser.new_context(**_phone_options(base_url))  # type: ignore[arg-type]


@contextmanager
def _persistent_phone(
    playwright: Playwright, base_url: str, profile: Path
) -> Iterator[BrowserContext]:
    """A browser on a profile kept on disk: closing and relaunching it is a phone restart."""
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        **_phone_options(base_url),  # type: ignore[arg-type]
    )
    try:
        yield context
    finally:
        context.close()


def _start_url() -> str:
    """Where the installed app opens: the manifest's start_url."""
    manifest = json.loads((DIST / "manifest.webmanifest").read_text(encoding="utf-8"))
    return str(manifest["start_url"])


def _built_files() -> set[str]:
    """Every file of the built app, relative to pwa/dist (the precache lists them all)."""
    return {
        path.relative_to(DIST).as_posix()
        for path in DIST.rglob("*")
        if path.is_file() and path.name != ".built"
    }


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


@contextmanager
def _served_app(instance: Path, workers: int) -> Iterator[str]:
    """The real app with the demo hospital on a throwaway PostgreSQL database, on gunicorn."""
    try:
        database_url = create_throwaway_postgres_database()
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable ({error}); {START_HINTS['PostgreSQL']}")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ROUNDBOOK_INSTANCE_DIR": str(instance),
        "PHOTO_DIR": str(instance / "photos"),
        "SECRET_KEY": "pwa-bench-only",
        "REDIS_URL": "",  # photo jobs inline; no figure here uploads a photo
        "SIGN_IN_RATE_LIMIT": "1000 per minute",  # every run signs a new phone in
    }
    server = None
    log_path = instance / "server.log"
    try:
        setup = subprocess.run(
            [str(ROUNDBOOK), "setup", "--url", base_url],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if setup.returncode != 0:
            raise BenchError(f"`roundbook setup` failed:\n{setup.stdout}{setup.stderr}")
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
                # No control socket: its default path is per user, shared with any other
                # gunicorn running here (the sync bench, a developer's server).
                + ["--no-control-socket", "server:create_app()"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(base_url, server, log_path)
        yield base_url
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        drop_postgres_database(database_url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"the server did not answer on {base_url} in {SERVER_START_TIMEOUT_S} s")


# --- The table --------------------------------------------------------------------------------


def _print_table(figures: list[Figure]) -> None:
    """One row per figure; a target is met when even the worst run is under it."""
    header = f"{'figure':48} {'runs':>4} {'median':>10} {'max':>10} {'target':>10}  verdict"
    print()
    print(header)
    print("-" * len(header))
    for figure in figures:
        print(
            f"{figure.name:48} {len(figure.values):4} {_value(figure, figure.median):>10} "
            f"{_value(figure, figure.worst):>10} {_target(figure):>10}  {_verdict(figure)}"
        )


def _value(figure: Figure, value: float) -> str:
    return f"{value:.2f} {figure.unit}" if figure.unit == "s" else f"{value:.1f} {figure.unit}"


def _target(figure: Figure) -> str:
    return "-" if figure.target is None else f"< {figure.target:g} {figure.unit}"


def _verdict(figure: Figure) -> str:
    if figure.target is None:
        return ""
    return "met" if figure.worst < figure.target else "MISSED"


if __name__ == "__main__":
    main()
