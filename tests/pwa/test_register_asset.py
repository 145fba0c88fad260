"""A crew scans a code the register does not know, registers the asset on the spot and checks it,
all offline; the registration and the check reach the server exactly once when the phone syncs."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.conftest import PROJECT_DIR, LiveServer
from tests.pwa.phone import (
    answer_all,
    api_get,
    api_token,
    offline_at_scan,
    read_store,
    session_of,
    sync_now_until_done,
    wait_ready,
)

AXE = PROJECT_DIR / "pwa" / "node_modules" / "axe-core" / "axe.min.js"


def _look_up(page: Page, text: str) -> None:
    page.fill("#manual-code", text)
    page.press("#manual-code", "Enter")


def _register_extinguisher(page: Page, code: str) -> str:
    """Fill the registration form of the unknown code just looked up; returns the new asset id."""
    page.get_by_test_id("register-asset").click()
    form = page.get_by_test_id("register-form")
    expect(form).to_be_visible()
    page.fill("#asset-code", code)
    page.select_option("#asset-location", index=1)
    page.locator("#asset-agent button[data-value='dry_powder']").click()
    page.fill("#asset-manufactured-on", "2023-05-01")
    page.fill("#asset-capacity", "4")
    page.get_by_test_id("save-registration").click()
    expect(page.get_by_test_id("asset-check")).to_contain_text(code)
    [registration] = [op for op in read_store(page, "outbox") if op["type"] == "asset.create"]
    return str(registration["payload"]["record_id"])


def _check_it_passed(page: Page) -> None:
    page.get_by_test_id("start-check").click()
    expect(page.get_by_test_id("check-draft")).to_be_visible()
    answer_all(page, "pass")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("home")).to_be_visible()


def _new_code() -> str:
    return f"NEW-{secrets.token_hex(3).upper()}"


def test_registered_asset_and_its_check_arrive_once_when_crew_registered_it_offline(
    pwa_context: BrowserContext, pwa_page: Page, live_server: LiveServer
) -> None:
    page = offline_at_scan(pwa_page, "crew")
    code = _new_code()

    _look_up(page, code)
    expect(page.get_by_test_id("scan-message")).to_contain_text("没有找到")
    asset_id = _register_extinguisher(page, code)
    # Its facts at once (GB 50444: first service 5 years after manufacture), before any sync.
    expect(page.get_by_test_id("asset-check")).to_contain_text("2028-05-01")
    expect(page.get_by_test_id("registration-state")).to_contain_text("还没有同步")
    _check_it_passed(page)
    queued = [
        (op["type"], op["payload"]["fields"].get("asset_id")) for op in read_store(page, "outbox")
    ]
    pwa_context.set_offline(False)
    sync_now_until_done(page)

    assert queued == [("asset.create", None), ("inspection.submit", asset_id)]
    token = api_token(live_server.url, "reviewer")
    site_id = session_of(page)["user"]["memberships"][0]["site_id"]
    assets = api_get(live_server.url, f"/api/assets?site_id={site_id}&q={code}", token)
    assert [(asset["id"], asset["code"], asset["agent"]) for asset in assets] == [
        (asset_id, code, "dry_powder")
    ]
    inspections = api_get(live_server.url, f"/api/inspections?asset_id={asset_id}", token)
    assert [row["result"] for row in inspections] == ["passed"]


def test_unknown_code_tells_what_to_do_and_offers_no_registration_when_inspector_looks_it_up(
    pwa_page: Page,
) -> None:
    page = offline_at_scan(pwa_page, "inspector")

    _look_up(page, _new_code())

    expect(page.get_by_test_id("scan-message")).to_contain_text("没有找到")
    expect(page.get_by_test_id("unknown-code-help")).to_contain_text("维修班组或后勤办公室")
    expect(page.get_by_test_id("register-asset")).to_have_count(0)


def test_form_names_the_missing_fact_when_crew_saves_an_extinguisher_without_its_date(
    pwa_page: Page,
) -> None:
    page = offline_at_scan(pwa_page, "crew")
    _look_up(page, _new_code())
    page.get_by_test_id("register-asset").click()
    page.select_option("#asset-location", index=1)
    page.locator("#asset-agent button[data-value='co2']").click()

    page.get_by_test_id("save-registration").click()

    expect(page.get_by_test_id("register-problem")).to_contain_text("生产日期")
    assert read_store(page, "outbox") == []


def test_registration_screen_has_no_serious_accessibility_violations_when_it_shows_a_problem(
    pwa_page: Page, built_app: Path
) -> None:
    page = offline_at_scan(pwa_page, "crew")
    _look_up(page, _new_code())
    page.get_by_test_id("register-asset").click()
    page.get_by_test_id("save-registration").click()
    expect(page.get_by_test_id("register-problem")).not_to_be_empty()

    # Evaluated, not added as a script tag: the app's security policy allows no inline script.
    page.evaluate(AXE.read_text())
    violations = page.evaluate("axe.run(document).then((results) => results.violations)")

    assert [v["id"] for v in violations if v["impact"] in {"serious", "critical"}] == []


@pytest.fixture
def label_registered_by_two_phones(
    pwa_context: BrowserContext,
    pwa_page: Page,
    second_context: BrowserContext,
    live_server: LiveServer,
) -> dict[str, Any]:
    """Two crews scan the same new label offline and each registers it; A syncs first, then B."""
    label = f"roundbook:asset:{secrets.token_urlsafe(16)}"
    phone_a = offline_at_scan(pwa_page, "crew")
    phone_b = offline_at_scan(second_context.new_page(), "crew")
    codes = {"a": _new_code(), "b": _new_code()}
    _look_up(phone_a, label)
    asset_a = _register_extinguisher(phone_a, codes["a"])
    _look_up(phone_b, label)
    asset_b = _register_extinguisher(phone_b, codes["b"])

    pwa_context.set_offline(False)
    sync_now_until_done(phone_a)
    second_context.set_offline(False)
    sync_now_until_done(phone_b)
    return {
        "label": label,
        "codes": codes,
        "asset_a": asset_a,
        "asset_b": asset_b,
        "phone_b": phone_b,
    }


def test_server_keeps_one_asset_for_the_label_when_two_phones_registered_it(
    label_registered_by_two_phones: dict[str, Any], live_server: LiveServer
) -> None:
    token = api_token(live_server.url, "reviewer")
    label = label_registered_by_two_phones["label"]

    scanned = api_get(live_server.url, f"/api/assets/by-qr/{label}", token)
    site_id = scanned["site_id"]
    later = api_get(
        live_server.url,
        f"/api/assets?site_id={site_id}&q={label_registered_by_two_phones['codes']['b']}",
        token,
    )

    assert scanned["id"] == label_registered_by_two_phones["asset_a"]
    assert later == []


def test_later_phone_says_in_words_the_label_is_taken_and_opens_the_registered_asset(
    label_registered_by_two_phones: dict[str, Any],
) -> None:
    page = label_registered_by_two_phones["phone_b"]
    code_a = label_registered_by_two_phones["codes"]["a"]

    page.goto("/app/#/settings")
    wait_ready(page)
    expect(page.get_by_test_id("settings")).to_contain_text("已经登记给另一台设备")
    page.goto(f"/app/#/asset/{label_registered_by_two_phones['asset_b']}")
    wait_ready(page)
    expect(page.get_by_test_id("registration-state")).to_contain_text("已经登记给另一台设备")
    expect(page.get_by_test_id("start-check")).to_have_count(0)
    page.get_by_test_id("open-registered-asset").click()

    expect(page.get_by_test_id("asset-check")).to_contain_text(code_a)


def test_later_phone_opens_the_registered_asset_when_it_scans_the_label_again(
    label_registered_by_two_phones: dict[str, Any],
) -> None:
    page = label_registered_by_two_phones["phone_b"]
    page.goto("/app/#/scan")
    wait_ready(page)

    _look_up(page, label_registered_by_two_phones["label"])

    expect(page.get_by_test_id("asset-check")).to_contain_text(
        label_registered_by_two_phones["codes"]["a"]
    )


def test_registered_asset_still_opens_when_the_pack_is_refreshed_before_it_synced(
    pwa_context: BrowserContext, pwa_page: Page
) -> None:
    page = offline_at_scan(pwa_page, "crew")
    code = _new_code()
    _look_up(page, code)
    asset_id = _register_extinguisher(page, code)
    # Back online, but the server does not take the push yet: the registration stays pending.
    pwa_context.route("**/api/sync/push", lambda route: route.fulfill(status=503, body="{}"))
    pwa_context.set_offline(False)
    page.goto("/app/#/settings")
    wait_ready(page)

    page.get_by_role("button", name="更新离线资料").click()
    expect(page.locator("#toast")).to_contain_text("离线资料")
    page.goto(f"/app/#/asset/{asset_id}")
    wait_ready(page)

    expect(page.get_by_test_id("asset-check")).to_contain_text(code)
    expect(page.get_by_test_id("registration-state")).to_contain_text("还没有同步")
