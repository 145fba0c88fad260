"""Two phones check the same extinguisher offline, then sync: the Sync rules decide what stays."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    answer_all,
    api_get,
    api_token,
    fail_item_with_note_and_photo,
    read_store,
    session_of,
    sign_in_then_go_offline,
    sync_now_until_done,
    wait_ready,
)


def _extinguisher_of_my_department(page: Page) -> dict[str, Any]:
    department = session_of(page)["user"]["memberships"][0]["department_id"]
    mine = {
        loc["id"] for loc in read_store(page, "locations") if loc["department_id"] == department
    }
    return next(
        a
        for a in read_store(page, "assets")
        if a["kind"] == "fire_extinguisher" and a["location_id"] in mine
    )


def _check_asset(page: Page, asset_id: str, *, fail_note: str | None) -> str:
    page.goto(f"/app/#/asset/{asset_id}")
    wait_ready(page)
    page.get_by_test_id("start-check").click()
    expect(page.get_by_test_id("check-draft")).to_be_visible()
    answer_all(page, "pass")
    if fail_note:
        fail_item_with_note_and_photo(page, 0, fail_note)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("home")).to_be_visible()
    [inspection] = [r for r in read_store(page, "records") if r["record_type"] == "inspection"]
    return str(inspection["record_id"])


@pytest.fixture
def both_checked_then_synced(
    pwa_context: BrowserContext,
    pwa_page: Page,
    second_context: BrowserContext,
    live_server: LiveServer,
) -> dict[str, Any]:
    """Phone A fails the extinguisher first; phone B passes it later; B syncs first, then A."""
    phone_a, phone_b = pwa_page, second_context.new_page()
    for phone in (phone_a, phone_b):
        sign_in_then_go_offline(phone, "crew")
    asset = _extinguisher_of_my_department(phone_a)
    inspection_a = _check_asset(phone_a, asset["id"], fail_note="压力表指针在红区")
    inspection_b = _check_asset(phone_b, asset["id"], fail_note=None)
    [finding] = [r for r in read_store(phone_a, "records") if r["record_type"] == "finding"]

    second_context.set_offline(False)
    sync_now_until_done(phone_b)
    pwa_context.set_offline(False)
    sync_now_until_done(phone_a)
    sync_now_until_done(phone_b)  # B pulls what A raised
    return {
        "asset": asset,
        "phone_a": phone_a,
        "phone_b": phone_b,
        "inspection_a": inspection_a,
        "inspection_b": inspection_b,
        "finding": finding,
    }


def test_server_keeps_both_inspections_when_two_phones_checked_the_same_asset(
    both_checked_then_synced: dict[str, Any], live_server: LiveServer
) -> None:
    token = api_token(live_server.url, "reviewer")
    asset_id = both_checked_then_synced["asset"]["id"]

    inspections = api_get(live_server.url, f"/api/inspections?asset_id={asset_id}", token)

    ids = [row["id"] for row in inspections]
    assert ids.count(both_checked_then_synced["inspection_a"]) == 1
    assert ids.count(both_checked_then_synced["inspection_b"]) == 1


def test_latest_check_follows_observation_time_when_the_earlier_check_arrives_last(
    both_checked_then_synced: dict[str, Any], live_server: LiveServer
) -> None:
    token = api_token(live_server.url, "reviewer")
    asset_id = both_checked_then_synced["asset"]["id"]

    inspections = api_get(live_server.url, f"/api/inspections?asset_id={asset_id}", token)

    # Listed latest finished first: B checked after A, although A's check arrived last.
    ours = {both_checked_then_synced["inspection_a"], both_checked_then_synced["inspection_b"]}
    assert [(r["id"], r["result"]) for r in inspections if r["id"] in ours] == [
        (both_checked_then_synced["inspection_b"], "passed"),
        (both_checked_then_synced["inspection_a"], "failed"),
    ]


@pytest.mark.parametrize("phone", ["phone_a", "phone_b"])
def test_each_phone_shows_its_check_synced_without_conflict_when_both_synced(
    both_checked_then_synced: dict[str, Any], phone: str
) -> None:
    page = both_checked_then_synced[phone]

    expect(page.get_by_test_id("home")).to_be_visible()

    recent = page.get_by_test_id("recent")
    expect(recent.locator("[data-status='synced']").first).to_be_visible()
    expect(recent.locator("[data-status='conflict']")).to_have_count(0)
    assert all(r["status"] == "synced" for r in read_store(page, "records"))
    assert read_store(page, "problems") == []


@pytest.mark.parametrize("phone", ["phone_a", "phone_b"])
def test_each_phone_lists_the_raised_finding_when_both_synced(
    both_checked_then_synced: dict[str, Any], phone: str
) -> None:
    page = both_checked_then_synced[phone]

    expect(page.get_by_test_id("home")).to_be_visible()

    finding = both_checked_then_synced["finding"]
    row = page.locator(f"[data-finding-id='{finding['record_id']}']")
    expect(row).to_contain_text(finding["fields"]["title"])
    expect(row).to_have_attribute("data-colour", "green")  # no deadline set yet
