"""The phone forgets acknowledged ops only when no server restore can need them any more.

Acknowledged ops stay in the `acked` store so that a restored server (new epoch) gets them again.
Pruning measures their age on the server's clock (30 days), always keeps the latest 1000, and
never touches ops acknowledged in another epoch (pwa/outbox/prune-acked.js).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    answer_all,
    api_get,
    api_token,
    open_app,
    read_store,
    sign_in,
    start_ward_round,
    sync_now_until_done,
    wait_for_service_worker,
)

DAY_MS = 24 * 60 * 60 * 1000
KEEP_LATEST = 1000  # ACKED_KEEP_LATEST in pwa/outbox/prune-acked.js
OLD_OPS = 1100  # acknowledged 40 days ago, in the current epoch
RECENT_OPS = 10  # acknowledged yesterday
FIRST_OLD_SEQ = 3  # seq 1: another epoch; seq 2: acknowledged by an older app version
LAST_SEQ = FIRST_OLD_SEQ + OLD_OPS + 1 + RECENT_OPS - 1  # + one acknowledged 29 days ago
# The phone's own round (seq LAST_SEQ + 1) and the latest history fill the latest 1000.
FIRST_LATEST_SEQ = LAST_SEQ + 1 - KEEP_LATEST + 1
PHOTO_ONLY_IN_PRUNED = "a" * 64
PHOTO_ALSO_IN_KEPT = "b" * 64

WRITE_HISTORY_JS = """([acked, photos, nextSeq]) => new Promise((resolve, reject) => {
    const open = indexedDB.open('roundbook');
    open.onsuccess = () => {
        const tx = open.result.transaction(['acked', 'outbox', 'photos'], 'readwrite');
        acked.forEach((op) => tx.objectStore('acked').put(op));
        photos.forEach((photo) => tx.objectStore('photos').put(photo));
        // Ops the phone makes from now on come after its history, as they would have.
        tx.objectStore('outbox').put({ seq: nextSeq - 1, op_id: 'placeholder', payload: {} });
        tx.objectStore('outbox').delete(nextSeq - 1);
        tx.oncomplete = () => { resolve(acked.length); open.result.close(); };
        tx.onerror = () => reject(tx.error);
    };
})"""


def _acked_op(
    seq: int, epoch: str, acked_server_ms: int | None, photos: list[str]
) -> dict[str, Any]:
    """An inspection this phone submitted long ago, as the acked store keeps it."""
    op: dict[str, Any] = {
        "seq": seq,
        "op_id": str(uuid.uuid4()),
        "type": "inspection.submit",
        "payload": {
            "record_type": "inspection",
            "record_id": str(uuid.uuid4()),
            "op": "submit",
            "fields": {"answers": {"floor_clean": {"value": "fail", "photo_sha256s": photos}}},
            "hlc": f"{acked_server_ms or 0:018d}-0000-phone-test",
            "observed_at": acked_server_ms,
        },
        "base_version": None,
        "attempts": 0,
        "acked_epoch": epoch,
        "acked_at": acked_server_ms,
    }
    if acked_server_ms is not None:
        op["acked_server_ms"] = acked_server_ms
    return op


def _history(epoch: str, now_ms: int) -> list[dict[str, Any]]:
    old, recent = now_ms - 40 * DAY_MS, now_ms - DAY_MS
    ops = [
        _acked_op(1, "epoch-before-the-last-restore", old, []),
        _acked_op(2, epoch, None, []),
    ]
    for seq in range(FIRST_OLD_SEQ, FIRST_OLD_SEQ + OLD_OPS):
        photos = {FIRST_OLD_SEQ: [PHOTO_ONLY_IN_PRUNED], FIRST_OLD_SEQ + 1: [PHOTO_ALSO_IN_KEPT]}
        ops.append(_acked_op(seq, epoch, old, photos.get(seq, [])))
    ops.append(_acked_op(len(ops) + 1, epoch, now_ms - 29 * DAY_MS, [PHOTO_ALSO_IN_KEPT]))
    ops.extend(_acked_op(len(ops) + 1, epoch, recent, []) for _ in range(RECENT_OPS))
    assert ops[-1]["seq"] == LAST_SEQ
    return ops


def _uploaded_photo(sha256: str, site_id: str) -> dict[str, Any]:
    return {"sha256": sha256, "state": "synced", "blob": None, "site_id": site_id, "attempts": 0}


@pytest.fixture
def phone_with_history(pwa_page: Page, live_server: LiveServer) -> dict[str, Any]:
    """An inspector's phone holding 1100+ acknowledged ops, most of them 40 days old."""
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    wait_for_service_worker(pwa_page)
    token = api_token(live_server.url, "inspector")
    epoch = api_get(live_server.url, "/api/sync/pull?limit=1", token)["server_epoch"]
    site_id = read_store(pwa_page, "sites")[0]["id"]
    history = _history(epoch, int(time.time() * 1000))
    photos = [_uploaded_photo(sha, site_id) for sha in (PHOTO_ONLY_IN_PRUNED, PHOTO_ALSO_IN_KEPT)]
    pwa_page.evaluate(WRITE_HISTORY_JS, [history, photos, LAST_SEQ + 1])
    return {"page": pwa_page, "history": history, "epoch": epoch}


def _sync_a_new_round(page: Page, ward: str) -> dict[str, Any]:
    """Submit a round (offline, so its op can be read from the outbox), then sync it."""
    page.context.set_offline(True)
    start_ward_round(page, ward)
    answer_all(page, "pass")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("home")).to_be_visible()
    [op] = read_store(page, "outbox")
    page.context.set_offline(False)
    sync_now_until_done(page)
    return op


def test_sync_prunes_old_acknowledged_ops_beyond_the_latest_when_a_round_is_synced(
    phone_with_history: dict[str, Any],
) -> None:
    page = phone_with_history["page"]

    own_op = _sync_a_new_round(page, "ZY-2-E")

    kept = {op["seq"]: op for op in read_store(page, "acked")}
    assert own_op["seq"] == LAST_SEQ + 1
    assert own_op["seq"] in kept
    # Old, of the current epoch, and older than the latest 1000: forgotten.
    assert not set(range(FIRST_OLD_SEQ, FIRST_LATEST_SEQ)) & kept.keys()
    # The latest 1000 stay even when 40 days old; so do the 29-day-old and yesterday's.
    assert set(range(FIRST_LATEST_SEQ, LAST_SEQ + 2)) <= kept.keys()
    assert len(kept) == 2 + KEEP_LATEST


def test_sync_keeps_acknowledged_ops_it_cannot_date_or_of_another_epoch_when_pruning(
    phone_with_history: dict[str, Any],
) -> None:
    page = phone_with_history["page"]
    before_sync_ms = int(time.time() * 1000)

    _sync_a_new_round(page, "ZY-2-W")

    kept = {op["seq"]: op for op in read_store(page, "acked")}
    assert kept[1]["acked_epoch"] == "epoch-before-the-last-restore"
    # Acknowledged by an older app version: dated now by the server's clock, to age from now.
    assert kept[2]["acked_server_ms"] >= before_sync_ms - 60_000


def test_sync_forgets_uploaded_photos_only_pruned_ops_mention_when_pruning(
    phone_with_history: dict[str, Any],
) -> None:
    page = phone_with_history["page"]

    _sync_a_new_round(page, "ZY-2-E")

    photos = {photo["sha256"] for photo in read_store(page, "photos")}
    assert PHOTO_ONLY_IN_PRUNED not in photos
    assert PHOTO_ALSO_IN_KEPT in photos


def _restored_server(context: BrowserContext, pushed: list[str]) -> None:
    """A server restored from a backup: new epoch; it takes every change pushed again."""
    restored_epoch = "restored-epoch"
    pulls: list[str] = []

    def pull(route: Route) -> None:
        pulls.append(route.request.url)
        if len(pulls) == 1:
            body = {"code": "epoch_mismatch", "server_epoch": restored_epoch}
            route.fulfill(status=409, content_type="application/json", body=json.dumps(body))
            return
        body = {
            "server_epoch": restored_epoch,
            "changes": [],
            "next_cursor": "c1",
            "has_more": False,
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def push(route: Route) -> None:
        changes = route.request.post_data_json["changes"]
        pushed.extend(change["change_id"] for change in changes)
        results = [{"change_id": c["change_id"], "status": "already_applied"} for c in changes]
        now_ms = int(time.time() * 1000)
        body = {"server_epoch": restored_epoch, "server_now_ms": now_ms, "results": results}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    context.route("**/api/sync/pull*", pull)
    context.route("**/api/sync/push", push)


def test_epoch_change_after_pruning_pushes_again_everything_kept_when_synced(
    pwa_context: BrowserContext, phone_with_history: dict[str, Any]
) -> None:
    page = phone_with_history["page"]
    _sync_a_new_round(page, "ZY-2-W")
    kept = {op["op_id"] for op in read_store(page, "acked")}
    pruned = {op["op_id"] for op in phone_with_history["history"]} - kept
    pushed: list[str] = []
    _restored_server(pwa_context, pushed)

    page.get_by_test_id("sync-now").click()
    # The bar said "all synced" before the restore: wait for the re-push itself.
    for _ in range(300):
        if kept <= set(pushed):
            break
        page.wait_for_timeout(100)
    sync_now_until_done(page)

    assert set(pushed) == kept
    assert not pruned & set(pushed)
    assert {op["acked_epoch"] for op in read_store(page, "acked")} == {"restored-epoch"}
    assert read_store(page, "outbox") == []
