"""A day's worth of work queued offline all reaches the server when the network returns.

How long that takes is a figure of bench/pwa_bench.py, not something this test measures.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.phone import (
    queue_not_inspected_rounds,
    read_store,
    sign_in_then_go_offline,
)

QUEUED_INSPECTIONS = 200


def test_queued_inspections_all_sync_when_back_online(
    pwa_context: BrowserContext, pwa_page: Page
) -> None:
    sign_in_then_go_offline(pwa_page, "inspector")
    queue_not_inspected_rounds(pwa_page, QUEUED_INSPECTIONS)
    pending = pwa_page.get_by_test_id("sync-pending")
    expect(pending).to_contain_text(f"待同步 {QUEUED_INSPECTIONS} 条记录")

    pwa_context.set_offline(False)

    expect(pending).to_have_text("全部已同步", timeout=60000)
    assert read_store(pwa_page, "outbox") == []
    assert read_store(pwa_page, "problems") == []
