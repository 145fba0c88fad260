"""A new app version and a restored server: neither loses what the phone holds."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.pwa.conftest import PROJECT_DIR, LiveServer
from tests.pwa.phone import (
    answer_all,
    api_get,
    api_token,
    fail_first_item_with_note_and_photo,
    read_store,
    sign_in_then_go_offline,
    start_ward_round,
    sync_now_until_done,
    wait_ready,
)

SERVED_SW = PROJECT_DIR / "pwa" / "dist" / "sw.js"
BUILD_LABEL = "update-test"


@pytest.fixture
def second_version(built_app: Path, tmp_path: Path) -> Iterator[None]:
    """A second build (another version label) whose sw.js is served in place of the first."""
    out = tmp_path / "dist-v2"
    env = {**os.environ, "ROUNDBOOK_PWA_OUT": str(out), "ROUNDBOOK_BUILD_LABEL": BUILD_LABEL}
    subprocess.run(
        ["node", "build.mjs"], cwd=PROJECT_DIR / "pwa", env=env, check=True, capture_output=True
    )
    original = SERVED_SW.read_bytes()
    try:
        yield
    finally:
        SERVED_SW.write_bytes(original)


def test_update_keeps_the_draft_and_the_outbox_when_applied(
    pwa_context: BrowserContext, pwa_page: Page, second_version: None, tmp_path: Path
) -> None:
    sign_in_then_go_offline(pwa_page, "inspector")
    start_ward_round(pwa_page, "ZY-4-E")
    answer_all(pwa_page, "pass")
    pwa_page.get_by_test_id("submit").click()
    start_ward_round(pwa_page, "ZY-4-W")
    pwa_page.locator("li.item button[data-value='pass']").first.click()
    expect(
        pwa_page.locator("li.item button[data-value='pass'][aria-pressed='true']")
    ).to_have_count(1)
    outbox_before = [op["op_id"] for op in read_store(pwa_page, "outbox")]
    drafts_before = read_store(pwa_page, "drafts")
    # The server is unreachable for sync, so the outbox stays while the new version arrives.
    pwa_context.route("**/api/sync/**", lambda route: route.fulfill(status=503, body="{}"))
    pwa_context.set_offline(False)
    shutil.copyfile(tmp_path / "dist-v2" / "sw.js", SERVED_SW)
    pwa_page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    expect(pwa_page.get_by_test_id("apply-update")).to_be_visible(timeout=20000)

    with pwa_page.expect_navigation(timeout=20000):
        pwa_page.get_by_test_id("apply-update").click()
    wait_ready(pwa_page)

    caches = pwa_page.evaluate("caches.keys()")
    assert any(BUILD_LABEL in name for name in caches), caches
    assert [op["op_id"] for op in read_store(pwa_page, "outbox")] == outbox_before
    [draft] = read_store(pwa_page, "drafts")
    assert draft["answers"] == drafts_before[0]["answers"] != {}


def _submit_round_offline(page: Page, ward: str, photographed_fault: str | None = None) -> None:
    """The inspector, offline, submits a round of `ward`: all passed, or one fault photographed."""
    sign_in_then_go_offline(page, "inspector")
    start_ward_round(page, ward)
    answer_all(page, "pass")
    if photographed_fault is not None:
        fail_first_item_with_note_and_photo(page, photographed_fault)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("home")).to_be_visible()


def _answer_epoch_mismatch_once(context: BrowserContext) -> None:
    """The server's answer after a restore (docs/sync-protocol.md); later pulls reach the server."""
    answered: list[bool] = []

    def pull(route: Route) -> None:
        if answered:
            route.continue_()
            return
        answered.append(True)
        body = json.dumps({"code": "epoch_mismatch", "server_epoch": "restored-epoch"})
        route.fulfill(status=409, content_type="application/json", body=body)

    context.route("**/api/sync/pull*", pull)


def test_synced_round_is_pushed_again_when_the_server_starts_a_new_epoch(
    pwa_context: BrowserContext, pwa_page: Page, live_server: LiveServer
) -> None:
    _submit_round_offline(pwa_page, "ZY-5-E")
    [op] = read_store(pwa_page, "outbox")
    inspection_id = op["payload"]["record_id"]
    pwa_context.set_offline(False)
    sync_now_until_done(pwa_page)
    pushed: list[str] = []

    def note_push(route: Route) -> None:
        # A route, not a "request" listener: it also sees the service worker's pushes.
        pushed.extend(c["change_id"] for c in route.request.post_data_json["changes"])
        route.continue_()

    pwa_context.route("**/api/sync/push", note_push)
    _answer_epoch_mismatch_once(pwa_context)

    pwa_page.get_by_test_id("sync-now").click()
    # The bar already said "all synced" before the restore, so wait for the re-push itself.
    for _ in range(150):
        if op["op_id"] in pushed:
            break
        pwa_page.wait_for_timeout(100)
    sync_now_until_done(pwa_page)

    assert op["op_id"] in pushed  # not trusted as "synced": sent again to the real server
    token = api_token(live_server.url, "reviewer")
    ids = [r["id"] for r in api_get(live_server.url, "/api/inspections", token)]
    assert ids.count(inspection_id) == 1
    assert read_store(pwa_page, "outbox") == []


def _server_forgets_the_upload(live_server: LiveServer, sha256: str) -> None:
    """The database as a backup taken between the round's push and its photo's upload left it."""
    with sqlite3.connect(live_server.database_url.removeprefix("sqlite:///")) as database:
        database.execute("DELETE FROM photos WHERE sha256 = ?", (sha256,))


def _server_photo_status(live_server: LiveServer, sha256: str) -> str:
    token = api_token(live_server.url, "reviewer")
    site_id = api_get(live_server.url, "/api/sites", token)[0]["id"]
    return str(api_get(live_server.url, f"/api/photos/{sha256}?site_id={site_id}", token)["status"])


def test_synced_photo_is_uploaded_again_when_the_restored_server_lost_it(
    pwa_context: BrowserContext, pwa_page: Page, live_server: LiveServer
) -> None:
    _submit_round_offline(pwa_page, "ZY-5-W", photographed_fault="墙角霉斑")
    [photo] = read_store(pwa_page, "photos")
    pwa_context.set_offline(False)
    sync_now_until_done(pwa_page)
    assert _server_photo_status(live_server, photo["sha256"]) != "expected"
    _server_forgets_the_upload(live_server, photo["sha256"])
    uploaded: list[str] = []

    def note_upload(route: Route) -> None:
        if route.request.method == "PUT":
            uploaded.append(route.request.url)
        route.continue_()

    pwa_context.route("**/api/photos/**", note_upload)
    _answer_epoch_mismatch_once(pwa_context)

    pwa_page.get_by_test_id("sync-now").click()
    for _ in range(150):
        if uploaded:
            break
        pwa_page.wait_for_timeout(100)
    sync_now_until_done(pwa_page)

    assert any(photo["sha256"] in url for url in uploaded)
    assert _server_photo_status(live_server, photo["sha256"]) in ("stored", "processed")
    assert [p["state"] for p in read_store(pwa_page, "photos")] == ["synced"]
