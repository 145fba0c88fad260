"""Two devices change the same finding offline: the phone whose change lost is told, in words.

The field app has no screen that edits a finding yet, so the phone's edit is queued in its
outbox as the domain operation such a screen would queue (pwa/outbox/index.js queueChanges).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.other_device import OtherDevice
from tests.pwa.phone import (
    open_app,
    read_store,
    session_of,
    sign_in,
    sync_now_until_done,
    wait_for_service_worker,
    write_store,
)

PHONE_NOTE = "东侧窗台已擦，西侧未擦"
OFFICE_NOTE = "已安排保洁公司周五处理"


def _edit_finding_offline(page: Page, finding: dict[str, Any], fields: dict[str, Any]) -> None:
    """What the phone queues when its user changes a finding it pulled (version and all)."""
    device_id = session_of(page)["device_id"]
    now_ms = int(time.time() * 1000)
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "finding.update",
        "payload": {
            "record_type": "finding",
            "record_id": finding["id"],
            "op": "update",
            "fields": fields,
            "hlc": f"{now_ms:018d}-0000-{device_id}",
            "observed_at": now_ms,
        },
        "base_version": finding["version"],
        "attempts": 0,
        "queued_at": now_ms,
        "user_id": session_of(page)["user"]["id"],
    }
    record = {
        "key": f"finding:{finding['id']}",
        "record_type": "finding",
        "record_id": finding["id"],
        "fields": fields,
        "label": finding["title"],
        "status": "pending",
        "updated_at": now_ms,
    }
    write_store(page, "outbox", [op])
    write_store(page, "records", [record])


def _pulled(page: Page, finding_id: str) -> dict[str, Any]:
    """The phone's copy of a finding, once a sync pulled it (the bar said "synced" already)."""
    for _ in range(100):
        found = [f for f in read_store(page, "findings") if f["id"] == finding_id]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError(f"finding {finding_id} was never pulled")


@pytest.fixture
def phone_that_lost(
    pwa_context: BrowserContext, pwa_page: Page, live_server: LiveServer
) -> dict[str, Any]:
    """The phone's note on a finding lost to the office's later note: both were offline edits."""
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    wait_for_service_worker(pwa_page)
    membership = session_of(pwa_page)["user"]["memberships"][0]
    office = OtherDevice.signed_in(live_server.url, "inspector")
    raised = office.raise_finding(
        site_id=membership["site_id"],
        location_id=read_store(pwa_page, "locations")[0]["id"],
        department_id=membership["department_id"],
        title=f"窗台积灰 {uuid.uuid4().hex[:6]}",
        severity="medium",
        description="",
    )
    sync_now_until_done(pwa_page)
    finding = _pulled(pwa_page, raised["record_id"])
    pwa_context.set_offline(True)
    _edit_finding_offline(pwa_page, finding, {"description": PHONE_NOTE})
    pwa_page.wait_for_timeout(50)  # the office edits later, unaware of the phone's edit
    office_edit = office.push(
        "finding",
        finding["id"],
        "update",
        {"description": OFFICE_NOTE},
        base_version=finding["version"],
    )
    assert office_edit["status"] == "applied", office_edit

    pwa_context.set_offline(False)
    sync_now_until_done(pwa_page)

    return {"page": pwa_page, "finding": finding}


def test_losing_phone_shows_the_conflict_in_words_when_both_synced(
    phone_that_lost: dict[str, Any],
) -> None:
    page = phone_that_lost["page"]

    page.get_by_role("button", name="1 条记录需要处理").click()

    problem = page.get_by_test_id("problems").locator("li")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text(phone_that_lost["finding"]["title"])
    expect(problem).to_contain_text("问题描述")  # the field, in words
    expect(problem).to_contain_text(OFFICE_NOTE)  # what was kept
    expect(problem).to_contain_text(PHONE_NOTE)  # what this phone had entered
    expect(problem).to_contain_text("审核人员")  # what to do: who can restore it
    expect(problem).not_to_contain_text("description")
    expect(problem).not_to_contain_text("finding.update")


def test_losing_phone_keeps_the_kept_value_and_nothing_queued_when_both_synced(
    phone_that_lost: dict[str, Any],
) -> None:
    page = phone_that_lost["page"]

    finding = _pulled(page, phone_that_lost["finding"]["id"])
    assert finding["description"] == OFFICE_NOTE
    assert read_store(page, "outbox") == []
    [problem] = read_store(page, "problems")
    assert problem["kind"] == "merged"
    assert [(c["field"], c["lost_value"]) for c in problem["conflicts"]] == [
        ("description", PHONE_NOTE)
    ]


def test_conflict_leaves_settings_when_the_user_has_read_it(
    phone_that_lost: dict[str, Any],
) -> None:
    page = phone_that_lost["page"]
    page.goto("/app/#/settings")
    problem = page.get_by_test_id("problems").locator("li")
    expect(problem).to_have_count(1)

    problem.get_by_role("button", name="知道了").click()

    expect(page.get_by_test_id("problems")).to_have_count(0)
    assert read_store(page, "problems") == []
