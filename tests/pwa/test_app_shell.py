"""The installable shell: served with the right caching, loads offline.

Its size and how fast it opens offline are figures of bench/pwa_bench.py.
"""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    open_app,
    sign_in_then_go_offline,
    wait_for_service_worker,
    wait_ready,
)


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(response.headers)


def test_service_worker_is_never_cached_when_served(live_server: LiveServer) -> None:
    headers = _headers(f"{live_server.url}/app/sw.js")

    assert headers["Cache-Control"] == "no-cache"
    assert headers["Service-Worker-Allowed"] == "/app/"


def test_hashed_bundle_is_cached_for_a_year_when_served(live_server: LiveServer) -> None:
    with urllib.request.urlopen(f"{live_server.url}/app/", timeout=10) as response:
        html = response.read().decode()
    bundle = re.search(r'src="(app-[A-Z0-9]{8}\.js)"', html)

    assert bundle is not None
    assert "immutable" in _headers(f"{live_server.url}/app/{bundle.group(1)}")["Cache-Control"]


def test_manifest_names_the_app_with_icons_when_fetched(pwa_page: Page) -> None:
    open_app(pwa_page)

    manifest = pwa_page.evaluate("fetch('manifest.webmanifest').then((r) => r.json())")

    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}


def test_app_shell_loads_when_offline_after_a_reload(
    pwa_context: BrowserContext, pwa_page: Page
) -> None:
    open_app(pwa_page)
    wait_for_service_worker(pwa_page)

    pwa_context.set_offline(True)
    pwa_page.reload()
    wait_ready(pwa_page)

    expect(pwa_page.locator("#username")).to_be_visible()
    assert pwa_page.errors == []


def test_home_is_interactive_when_opened_offline(pwa_page: Page) -> None:
    sign_in_then_go_offline(pwa_page, "inspector")

    # A reload, not a goto: the page is already on #/home, and a hash change loads nothing.
    pwa_page.reload()
    wait_ready(pwa_page)

    expect(pwa_page.get_by_test_id("home")).to_be_visible()
    assert pwa_page.errors == []
