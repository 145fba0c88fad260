"""What a user does on the phone, as reusable steps for the field-app tests."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from typing import Any

from playwright.sync_api import Page, expect

APP_PATH = "/app/"


def open_app(page: Page) -> None:
    """Open the app and wait until its first screen is interactive."""
    page.goto(APP_PATH)
    wait_ready(page)


def wait_ready(page: Page) -> None:
    """The app marks <body data-ready> once its first screen is drawn."""
    page.wait_for_selector("body[data-ready='true']", timeout=15000)


def wait_for_service_worker(page: Page) -> None:
    """Wait until the service worker controls the page (precache complete)."""
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)",
        timeout=15000,
    )


def sign_in(page: Page, username: str, password: str = "roundbook-demo") -> None:
    """Sign in and wait for the offline pack and the home screen."""
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    expect(page.get_by_test_id("home")).to_be_visible(timeout=20000)


def sign_in_then_go_offline(page: Page, username: str) -> None:
    """Sign in while online, wait until the app works offline, then lose the signal."""
    open_app(page)
    sign_in(page, username)
    wait_for_service_worker(page)
    page.context.set_offline(True)


def offline_at_scan(page: Page, username: str) -> Page:
    """Signed in once online, now in a basement with no signal, on the scan screen."""
    sign_in_then_go_offline(page, username)
    page.goto("/app/#/scan")
    wait_ready(page)
    return page


def start_ward_round(page: Page, location_code: str) -> None:
    """From home: ward round, pick the location by code, take the ward-round checklist."""
    page.get_by_test_id("start-round").click()
    page.fill("#location-search", location_code)
    page.get_by_test_id("locations").locator("button").first.click()
    page.locator("main button.row").first.click()
    expect(page.get_by_test_id("check-draft")).to_be_visible()


def answer_all(page: Page, value: str = "pass") -> None:
    """Answer every pass/fail/n.a. item with `value`, every other answerable item n.a."""
    items = page.locator("li.item")
    for index in range(items.count()):
        item = items.nth(index)
        preferred = item.locator(f"button[data-value='{value}']")
        if preferred.count():
            preferred.click()
        elif item.locator("button[data-value='na']").count():
            item.locator("button[data-value='na']").click()


def api_token(base_url: str, username: str, password: str = "roundbook-demo") -> str:
    """An access token for checking the server's state through its API."""
    body = json.dumps({"username": username, "password": password, "device_name": "test"})
    request = urllib.request.Request(
        f"{base_url}/api/auth/devices",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.load(response)["access_token"])


def api_get(base_url: str, path: str, token: str) -> Any:
    """GET an API path as JSON."""
    request = urllib.request.Request(
        f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def png_bytes(width: int, height: int) -> bytes:
    """A plain PNG photo of the given size (a stand-in for the camera)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes([200, 120, 40]) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def fail_first_item_with_note_and_photo(page: Page, note: str) -> None:
    """Fail the first item, explain it and photograph it."""
    fail_item_with_note_and_photo(page, 0, note)


def fail_item_with_note_and_photo(
    page: Page, index: int, note: str, photo_size: tuple[int, int] = (2400, 1800)
) -> None:
    """Fail the item at `index` (of those with a fail button), explain it and photograph it."""
    items = page.locator("li.item:has(button[data-value='fail'])")
    item = items.nth(index)
    item.locator("button[data-value='fail']").click()
    item.locator("textarea").fill(note)
    item.locator("textarea").blur()
    item = page.locator("li.item:has(button[data-value='fail'])").nth(index)
    item.locator("input[type=file]").set_input_files(
        files=[{"name": "dust.png", "mimeType": "image/png", "buffer": png_bytes(*photo_size)}]
    )
    expect(
        page.locator("li.item:has(button[data-value='fail'])")
        .nth(index)
        .get_by_test_id("photo-count")
    ).to_be_visible()


def sync_now_until_done(page: Page, timeout_ms: int = 30000) -> None:
    """Tap "Sync now" and wait until the sync bar says everything is synced."""
    page.get_by_test_id("sync-now").click()
    try:
        expect(page.get_by_test_id("sync-pending")).to_have_text("全部已同步", timeout=timeout_ms)
    except AssertionError as error:
        # Say why: what the server answered for the ops still queued.
        held = [(op["type"], op.get("last_code")) for op in read_store(page, "outbox")]
        status = [row for row in read_store(page, "meta") if isinstance(row, dict) and "at" in row]
        raise AssertionError(f"still queued: {held}; sync status: {status}") from error
    expect(page.get_by_test_id("sync-now")).to_be_enabled(timeout=timeout_ms)


WRITE_STORE_JS = """([store, rows]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('roundbook');
    open.onsuccess = () => {
        const tx = open.result.transaction(store, 'readwrite');
        rows.forEach((row) => tx.objectStore(store).put(row));
        tx.oncomplete = () => { resolve(rows.length); open.result.close(); };
        tx.onerror = () => reject(tx.error);
    };
})"""


def write_store(page: Page, store: str, rows: list[dict[str, Any]]) -> None:
    """Put rows into one IndexedDB store of the app (as the pack or a pull would)."""
    page.evaluate(WRITE_STORE_JS, [store, rows])


def session_of(page: Page) -> dict[str, Any]:
    """The signed-in session the phone keeps (user, memberships, device id)."""
    rows = [row for row in read_store(page, "meta") if isinstance(row, dict) and "device_id" in row]
    return rows[0]


READ_STORE_JS = """(store) => new Promise((resolve, reject) => {
    const open = indexedDB.open('roundbook');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const request = open.result.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => { resolve(request.result); open.result.close(); };
    };
})"""


def read_store(page: Page, store: str) -> list[dict[str, Any]]:
    """Every row of one IndexedDB store of the app (photo blobs come back empty)."""
    return list(page.evaluate(READ_STORE_JS, store))


def outbox_counts(page: Page) -> dict[str, int]:
    """What the phone still holds: queued ops and photos waiting to upload."""
    photos = [photo for photo in read_store(page, "photos") if photo["state"] == "pending"]
    return {"ops": len(read_store(page, "outbox")), "photos": len(photos)}


def queue_not_inspected_rounds(page: Page, count: int) -> None:
    """Queue `count` "could not inspect" ward rounds straight into the outbox, as a phone that
    worked offline all day would hold them, and tell the app (as its own notifyChanged does) so
    the sync bar counts them. Ops are shaped as outbox/index.js stores them: the store is the
    contract with the drainer."""
    session = session_of(page)
    template = next(t for t in read_store(page, "templates") if t["key"] == "ward_round")
    version = next(v for v in read_store(page, "versions") if v["template_id"] == template["id"])
    wards = [location for location in read_store(page, "locations") if location["kind"] == "ward"]
    now_ms = int(time.time() * 1000)
    ops = [
        {
            "op_id": str(uuid.uuid4()),
            "type": "inspection.submit",
            "base_version": None,
            "attempts": 0,
            "queued_at": now_ms,
            "user_id": session["user"]["id"],
            "payload": {
                "record_type": "inspection",
                "record_id": str(uuid.uuid4()),
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
    write_store(page, "outbox", ops)
    page.evaluate("window.dispatchEvent(new CustomEvent('roundbook:changed'))")
