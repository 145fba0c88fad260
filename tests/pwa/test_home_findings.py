"""Home lists the open findings of the user's department, coloured by how close their deadline is.

Findings are raised on the server by another device after this phone signed in, so they reach
the phone through the sync pull, as they do all day long.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

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

LOCAL_DAY_JS = """() => {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, '0');
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}"""
# Days from the phone's today to each finding's deadline (None: no deadline set).
DEADLINES = {"overdue": -2, "today": 0, "soon": 2, "later": 10, "none": None}


@pytest.fixture
def findings_pulled(pwa_page: Page, live_server: LiveServer) -> dict[str, Any]:
    """The inspector's phone after pulling findings with each kind of deadline."""
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    wait_for_service_worker(pwa_page)
    membership = session_of(pwa_page)["user"]["memberships"][0]
    location = read_store(pwa_page, "locations")[0]
    other_department = next(
        loc["department_id"]
        for loc in read_store(pwa_page, "locations")
        if loc["department_id"] != membership["department_id"]
    )
    today = date.fromisoformat(pwa_page.evaluate(LOCAL_DAY_JS))
    office = OtherDevice.signed_in(live_server.url, "inspector")
    run = uuid.uuid4().hex[:6]

    def raise_finding(name: str, department_id: str, days: int | None) -> dict[str, Any]:
        due_on = None if days is None else (today + timedelta(days=days)).isoformat()
        return office.raise_finding(
            site_id=membership["site_id"],
            location_id=location["id"],
            department_id=department_id,
            title=f"{name} {run}",
            severity="high",
            **({"due_on": due_on} if due_on else {}),
        )

    mine = {
        name: raise_finding(name, membership["department_id"], d) for name, d in DEADLINES.items()
    }
    theirs = raise_finding("another department", other_department, -2)

    sync_now_until_done(pwa_page)

    return {"page": pwa_page, "mine": mine, "theirs": theirs, "today": today}


def _row(page: Page, finding: dict[str, Any]) -> Locator:
    return page.get_by_test_id("open-findings").locator(
        f"[data-finding-id='{finding['record_id']}']"
    )


@pytest.mark.parametrize(
    ("name", "colour"),
    [
        ("overdue", "red"),  # past its deadline
        ("today", "amber"),  # due within three days, today included
        ("soon", "amber"),
        ("later", "green"),  # further away
        ("none", "green"),  # no deadline set yet
    ],
)
def test_home_colours_an_open_finding_by_its_deadline_when_pulled(
    findings_pulled: dict[str, Any], name: str, colour: str
) -> None:
    row = _row(findings_pulled["page"], findings_pulled["mine"][name])

    expect(row).to_have_attribute("data-colour", colour)
    expect(row).to_have_class(f"record status-{colour}")


def test_home_says_each_deadline_in_words_when_pulled(findings_pulled: dict[str, Any]) -> None:
    page, mine, today = findings_pulled["page"], findings_pulled["mine"], findings_pulled["today"]

    overdue_since = (today - timedelta(days=2)).isoformat()
    soon = (today + timedelta(days=2)).isoformat()
    expect(_row(page, mine["overdue"])).to_contain_text(f"已逾期（{overdue_since}）")
    expect(_row(page, mine["soon"])).to_contain_text(f"{soon} 前整改")
    expect(_row(page, mine["none"])).to_contain_text("未设期限")
    for finding in mine.values():
        expect(_row(page, finding)).to_contain_text(finding["fields"]["title"])
        expect(_row(page, finding)).to_contain_text("严重")  # severity: high
        expect(_row(page, finding)).to_contain_text("待处理")  # status: open


def test_home_lists_the_soonest_deadline_first_when_pulled(
    findings_pulled: dict[str, Any],
) -> None:
    page, mine = findings_pulled["page"], findings_pulled["mine"]

    # Home repaints once the pull is saved: wait for the pulled findings, then read the order.
    expect(_row(page, mine["none"])).to_be_visible()
    listed = page.get_by_test_id("open-findings").locator("[data-finding-id]")
    ids = listed.evaluate_all("(rows) => rows.map((row) => row.dataset.findingId)")
    raised_here = {finding["record_id"] for finding in mine.values()}
    ours = [finding_id for finding_id in ids if finding_id in raised_here]
    assert ours == [mine[name]["record_id"] for name in DEADLINES], ids


def test_home_leaves_out_other_departments_findings_when_pulled(
    findings_pulled: dict[str, Any],
) -> None:
    page = findings_pulled["page"]

    expect(_row(page, findings_pulled["mine"]["overdue"])).to_be_visible()
    expect(_row(page, findings_pulled["theirs"])).to_have_count(0)
