"""Scanning resolves labels offline through the pack, and says so clearly when it cannot."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.phone import open_app, read_store, sign_in, wait_for_service_worker, wait_ready


@pytest.fixture
def crew_offline(pwa_context: BrowserContext, pwa_page: Page) -> Page:
    """The maintenance crew, signed in once online, now in a basement with no signal."""
    open_app(pwa_page)
    sign_in(pwa_page, "crew")
    wait_for_service_worker(pwa_page)
    pwa_context.set_offline(True)
    pwa_page.goto("/app/#/scan")
    wait_ready(pwa_page)
    return pwa_page


def _label_of(page: Page, code: str) -> str:
    return str(next(a["qr_label"] for a in read_store(page, "assets") if a["code"] == code))


def test_scanned_label_opens_its_asset_when_offline(crew_offline: Page) -> None:
    label = _label_of(crew_offline, "MHQ-001")

    crew_offline.fill("#manual-code", label)
    crew_offline.locator("form button[type=submit]").click()

    expect(crew_offline.get_by_test_id("asset-check")).to_contain_text("MHQ-001")


def test_unknown_code_is_reported_when_looked_up(crew_offline: Page) -> None:
    crew_offline.fill("#manual-code", "roundbook:asset:not-a-real-token")
    crew_offline.locator("form button[type=submit]").click()

    expect(crew_offline.get_by_test_id("scan-message")).to_contain_text("没有找到")


def test_extinguisher_check_starts_with_its_facts_when_opened(crew_offline: Page) -> None:
    crew_offline.fill("#manual-code", "MHQ-001")
    crew_offline.locator("form button[type=submit]").click()

    crew_offline.get_by_test_id("start-check").click()

    expect(crew_offline.get_by_test_id("check-draft")).to_contain_text("维修到期")
    expect(crew_offline.get_by_test_id("check-draft")).to_contain_text("灭火器")
