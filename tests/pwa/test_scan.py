"""Scanning resolves labels offline through the pack, and says so clearly when it cannot."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.pwa.phone import offline_at_scan, read_store


@pytest.fixture
def crew_offline(pwa_page: Page) -> Page:
    """The maintenance crew, signed in once online, now in a basement with no signal."""
    return offline_at_scan(pwa_page, "crew")


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
