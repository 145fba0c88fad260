"""Syncing the outbox: acknowledged work leaves the phone once; failures keep it and say why."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    answer_all,
    api_get,
    api_token,
    fail_first_item_with_note_and_photo,
    outbox_counts,
    read_store,
    sign_in_then_go_offline,
    start_ward_round,
)

WARD = "ZY-3-W"


def _local_ids(page: Page) -> dict[str, Any]:
    return {
        "records": [
            {"type": r["record_type"], "id": r["record_id"]} for r in read_store(page, "records")
        ],
        "photos": read_store(page, "photos"),
    }


@pytest.fixture
def round_offline(pwa_page: Page) -> Page:
    """A submitted round with a failed, photographed item, still on the phone."""
    sign_in_then_go_offline(pwa_page, "inspector")
    start_ward_round(pwa_page, WARD)
    answer_all(pwa_page, "pass")
    fail_first_item_with_note_and_photo(pwa_page, "地面有污物")
    pwa_page.get_by_test_id("submit").click()
    expect(pwa_page.get_by_test_id("home")).to_be_visible()
    return pwa_page


def test_outbox_keeps_everything_and_says_so_when_the_server_answers_500(
    pwa_context: BrowserContext, round_offline: Page
) -> None:
    pwa_context.route(
        "**/api/sync/push",
        lambda route: route.fulfill(status=500, content_type="application/json", body="{}"),
    )
    pwa_context.set_offline(False)

    round_offline.get_by_test_id("sync-now").click()

    expect(round_offline.get_by_test_id("sync-problem")).to_contain_text("服务器暂时出错")
    assert outbox_counts(round_offline) == {"ops": 2, "photos": 1}


def test_outbox_keeps_everything_when_the_sign_in_has_expired(
    pwa_context: BrowserContext, round_offline: Page
) -> None:
    def unauthorized(route: Route) -> None:
        body = json.dumps({"code": "authentication_required", "message": "Sign in first."})
        route.fulfill(status=401, content_type="application/json", body=body)

    pwa_context.route("**/api/sync/push", unauthorized)
    pwa_context.route("**/api/auth/token", unauthorized)
    pwa_context.set_offline(False)

    round_offline.get_by_test_id("sync-now").click()

    expect(round_offline.get_by_test_id("sync-problem")).to_contain_text("登录已过期")
    assert outbox_counts(round_offline) == {"ops": 2, "photos": 1}


def test_ops_leave_the_outbox_only_when_the_server_acknowledges_them(
    pwa_context: BrowserContext, round_offline: Page
) -> None:
    pushed: list[list[str]] = []

    def acknowledge_first_only(route: Route) -> None:
        # Stateful: later drains (retry timer, Background Sync) see the second op refused too.
        changes = route.request.post_data_json["changes"]
        pushed.append([change["change_id"] for change in changes])
        first = pushed[0][0]
        results = [
            {"change_id": change["change_id"], "status": "applied"}
            if change["change_id"] == first
            else {
                "change_id": change["change_id"],
                "status": "retry",
                "code": "blocked_by_earlier_change",
            }
            for change in changes
        ]
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {"server_epoch": "e1", "server_now_ms": 0, "clock_offset_ms": 0, "results": results}
            ),
        )

    pwa_context.route("**/api/sync/push", acknowledge_first_only)
    pwa_context.set_offline(False)

    round_offline.get_by_test_id("sync-now").click()

    expect(round_offline.get_by_test_id("sync-pending")).to_contain_text("待同步 1 条记录")
    assert outbox_counts(round_offline)["ops"] == 1
    assert len(pushed[0]) == 2


def test_round_arrives_exactly_once_when_synced_twice(
    pwa_context: BrowserContext, round_offline: Page, live_server: LiveServer
) -> None:
    local = _local_ids(round_offline)
    inspection_id = next(r["id"] for r in local["records"] if r["type"] == "inspection")
    photo_sha256 = local["photos"][0]["sha256"]

    pwa_context.set_offline(False)
    round_offline.get_by_test_id("sync-now").click()
    expect(round_offline.get_by_test_id("sync-pending")).to_have_text("全部已同步", timeout=20000)
    round_offline.get_by_test_id("sync-now").click()
    expect(round_offline.get_by_test_id("sync-now")).to_be_enabled()

    token = api_token(live_server.url, "reviewer")
    site_id = api_get(live_server.url, "/api/sites", token)[0]["id"]
    inspections = api_get(live_server.url, f"/api/inspections?site_id={site_id}&limit=100", token)
    assert [row["id"] for row in inspections].count(inspection_id) == 1
    with sqlite3.connect(live_server.database_url.removeprefix("sqlite:///")) as database:
        findings = database.execute(
            "SELECT count(*) FROM findings WHERE replace(inspection_id, '-', '') = ?",
            (inspection_id.replace("-", ""),),
        ).fetchone()[0]
        photos = database.execute(
            "SELECT status FROM photos WHERE sha256 = ?", (photo_sha256,)
        ).fetchall()
    assert findings == 1
    assert len(photos) == 1
    assert photos[0][0] != "expected"
