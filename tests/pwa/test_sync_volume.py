"""Figure: how long 200 inspections queued offline take to sync when the network returns."""

from __future__ import annotations

import time

from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    open_app,
    read_store,
    sign_in,
    wait_for_service_worker,
)

QUEUED_INSPECTIONS = 200

# Queue ops exactly as outbox/index.js stores them (the store is the contract with the drainer).
QUEUE_JS = """([ops]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('roundbook');
    open.onsuccess = () => {
        const tx = open.result.transaction('outbox', 'readwrite');
        ops.forEach((op) => tx.objectStore('outbox').add(op));
        tx.oncomplete = () => { resolve(ops.length); open.result.close(); };
        tx.onerror = () => reject(tx.error);
    };
})"""


def _not_inspected_ops(page: Page, count: int) -> list[dict[str, object]]:
    [session] = [
        row for row in read_store(page, "meta") if isinstance(row, dict) and "device_id" in row
    ]
    template = next(t for t in read_store(page, "templates") if t["key"] == "ward_round")
    version = next(v for v in read_store(page, "versions") if v["template_id"] == template["id"])
    wards = [loc for loc in read_store(page, "locations") if loc["kind"] == "ward"]
    now_ms = int(time.time() * 1000)
    return [
        {
            "op_id": f"00000000-0000-4000-8000-{index:012d}",
            "type": "inspection.submit",
            "base_version": None,
            "attempts": 0,
            "payload": {
                "record_type": "inspection",
                "record_id": f"10000000-0000-4000-8000-{index:012d}",
                "op": "submit",
                "hlc": f"{now_ms:018d}-{index:04d}-{session['device_id']}",
                "observed_at": now_ms,
                "fields": {
                    "site_id": version["site_id"],
                    "template_version_id": version["id"],
                    "location_id": wards[index % len(wards)]["id"],
                    "started_at": now_ms,
                    "finished_at": now_ms,
                    "answers": {},
                    "not_inspected_reason": "locked",
                    "note": "",
                },
            },
        }
        for index in range(count)
    ]


def test_queued_inspections_sync_time_is_measured_when_back_online(
    pwa_context: BrowserContext, pwa_page: Page, live_server: LiveServer
) -> None:
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    wait_for_service_worker(pwa_page)
    pwa_context.set_offline(True)
    pwa_page.evaluate(QUEUE_JS, [_not_inspected_ops(pwa_page, QUEUED_INSPECTIONS)])

    started = time.perf_counter()
    pwa_context.set_offline(False)
    pwa_page.get_by_test_id("sync-now").click()
    expect(pwa_page.get_by_test_id("sync-pending")).to_have_text("全部已同步", timeout=60000)
    elapsed_s = time.perf_counter() - started

    print(f"\nFIGURE {QUEUED_INSPECTIONS} queued inspections synced in {elapsed_s:.2f} s")
    assert read_store(pwa_page, "outbox") == []
