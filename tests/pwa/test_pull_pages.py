"""A phone catching up on many pages of the feed stores each page before its cursor moves on.

The app asks for the next page (the Link header) while it stores the current one
(pwa/sync/pull.js), so these tests pin what that must never change: every page arrives, and
the stored cursor never runs ahead of what is stored.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from tests.pwa.conftest import LiveServer
from tests.pwa.other_device import OtherDevice
from tests.pwa.phone import (
    open_app,
    read_store,
    session_of,
    sign_in,
    sync_now_until_done,
    wait_for_service_worker,
)

PAGE_SIZE = 200  # PAGE_SIZE in pwa/sync/pull.js
RAISED = 2 * PAGE_SIZE + 50  # three pages of new findings


def _raise_findings(page: Page, live_server: LiveServer) -> list[str]:
    """Another phone of the inspector raises RAISED findings in one push; their ids."""
    membership = session_of(page)["user"]["memberships"][0]
    location = read_store(page, "locations")[0]
    fields = {
        "site_id": membership["site_id"],
        "location_id": location["id"],
        "department_id": membership["department_id"],
        "severity": "low",
        "status": "open",
    }
    ids = [str(uuid.uuid4()) for _ in range(RAISED)]
    office = OtherDevice.signed_in(live_server.url, "inspector")
    results = office.push_batch(
        [
            ("finding", i, "create", {**fields, "title": f"墙面破损 {n}"}, None)
            for n, i in enumerate(ids)
        ]
    )
    assert {result["status"] for result in results} == {"applied"}
    return ids


STORED_CURSOR_JS = """() => new Promise((resolve) => {
    const open = indexedDB.open('roundbook');
    open.onsuccess = () => {
        const request = open.result.transaction('meta').objectStore('meta').get('pull_cursor');
        request.onsuccess = () => { resolve(request.result); open.result.close(); };
    };
})"""


def _stored_cursor(page: Page) -> Any:
    return page.evaluate(STORED_CURSOR_JS)


@pytest.fixture
def phone_behind(pwa_page: Page, live_server: LiveServer) -> dict[str, Any]:
    """A signed-in phone, synced, then three pages behind the feed."""
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    wait_for_service_worker(pwa_page)
    sync_now_until_done(pwa_page)
    return {"page": pwa_page, "raised": _raise_findings(pwa_page, live_server)}


def _finding_ids(page: Page) -> set[str]:
    return {finding["id"] for finding in read_store(page, "findings")}


def _wait_for_findings(page: Page, wanted: set[str]) -> None:
    for _ in range(150):
        if wanted <= _finding_ids(page):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{len(wanted - _finding_ids(page))} findings were never pulled")


def test_phone_stores_every_page_when_the_feed_is_pages_ahead(
    pwa_context: BrowserContext, phone_behind: dict[str, Any]
) -> None:
    page = phone_behind["page"]
    pages: list[dict[str, Any]] = []

    def note_page(route: Route) -> None:
        response = route.fetch()
        pages.append({"body": json.loads(response.body()), "link": response.headers.get("link")})
        route.fulfill(response=response)

    pwa_context.route("**/api/sync/pull*", note_page)

    sync_now_until_done(page)
    _wait_for_findings(page, set(phone_behind["raised"]))

    assert len(pages) >= 3
    assert all(p["link"] for p in pages if p["body"]["has_more"])
    assert _stored_cursor(page) == pages[-1]["body"]["next_cursor"]


def test_stored_cursor_stays_at_the_last_stored_page_when_the_next_page_fails(
    pwa_context: BrowserContext, phone_behind: dict[str, Any]
) -> None:
    page = phone_behind["page"]
    served: list[dict[str, Any]] = []
    refused: list[str] = []

    def fail_the_third_page(route: Route) -> None:
        if len(served) == 2:
            refused.append(route.request.url)
            route.fulfill(status=503, content_type="application/json", body="{}")
            return
        response = route.fetch()
        served.append(json.loads(response.body()))
        route.fulfill(response=response)

    pwa_context.route("**/api/sync/pull*", fail_the_third_page)
    page.get_by_test_id("sync-now").click()
    for _ in range(150):
        if refused and _stored_cursor(page) == served[1]["next_cursor"]:
            break
        page.wait_for_timeout(100)

    # Pages one and two are stored and the cursor is theirs, though page three was asked for
    # while page two was being stored.
    assert refused
    assert _stored_cursor(page) == served[1]["next_cursor"]
    served_findings = {
        record["record_id"]
        for served_page in served
        for record in served_page["changes"]
        if record["record_type"] == "finding" and not record["deleted"]
    }
    assert served_findings <= _finding_ids(page)
    assert not set(phone_behind["raised"]) <= _finding_ids(page)

    pwa_context.unroute("**/api/sync/pull*")
    sync_now_until_done(page)
    _wait_for_findings(page, set(phone_behind["raised"]))
