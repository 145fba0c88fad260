"""The pages work under their Content-Security-Policy: Chromium reports no violation while used.

Violations are collected from the `securitypolicyviolation` event of every document (an init
script, which the policy does not govern) and from Chromium's console messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from tests.pwa.conftest import LiveServer
from tests.pwa.phone import (
    answer_all,
    fail_item_with_note_and_photo,
    open_app,
    read_store,
    sign_in,
    sign_in_then_go_offline,
    sync_now_until_done,
    wait_for_service_worker,
    wait_ready,
)
from tests.pwa.test_camera_scan import _label_png, _y4m_video

LISTEN_FOR_VIOLATIONS_JS = """
document.addEventListener('securitypolicyviolation', (event) => {
    window.reportPolicyViolation({
        directive: event.effectiveDirective, blocked: event.blockedURI,
        source: event.sourceFile, line: event.lineNumber, page: document.location.href,
    });
});
"""
CONSOLE_MARKERS = ("Content Security Policy", "Permissions-Policy", "Permissions policy")


class ViolationLog(list[Any]):
    """What Chromium reported against the policies of the pages in one context."""

    def watch(self, context: BrowserContext) -> None:
        """Listen in every page of the context, from before its first script runs."""
        context.expose_binding(
            "reportPolicyViolation", lambda _source, violation: self.append(violation)
        )
        context.add_init_script(LISTEN_FOR_VIOLATIONS_JS)
        context.on("console", self._note_console)

    def _note_console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in CONSOLE_MARKERS):
            self.append({"console": message.text})

    def directives(self, page: Page, expected: int) -> list[str]:
        """The directives of reported events, once `expected` arrived (events come a bit late)."""
        for _ in range(50):
            reported = [v["directive"] for v in self if "directive" in v]
            if len(reported) >= expected:
                return reported
            page.wait_for_timeout(100)
        return reported


@pytest.fixture
def violations(pwa_context: BrowserContext) -> ViolationLog:
    """Violations reported on the fresh phone of the test."""
    log = ViolationLog()
    log.watch(pwa_context)
    return log


def _policy_of(page: Page, path: str) -> str:
    response = page.request.get(path)
    return str(response.headers.get("content-security-policy", ""))


def _inject_inline_script(page: Page) -> Any:
    """What an attacker's markup in a record would try: an inline script."""
    return page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injectedScriptRan = true';
            document.head.append(script);
            return window.injectedScriptRan === true;
        }"""
    )


def _check_asset_by_code_with_a_photo(page: Page, code: str) -> None:
    page.goto("/app/#/scan")
    wait_ready(page)
    page.fill("#manual-code", code)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_test_id("asset-check")).to_contain_text(code)
    page.get_by_test_id("start-check").click()
    expect(page.get_by_test_id("check-draft")).to_be_visible()
    answer_all(page, "pass")
    fail_item_with_note_and_photo(page, 0, "压力表指针在红区")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("home")).to_be_visible()


def test_field_app_reports_no_violation_when_signing_in_scanning_capturing_and_syncing(
    pwa_page: Page, violations: ViolationLog
) -> None:
    open_app(pwa_page)
    sign_in(pwa_page, "crew")
    wait_for_service_worker(pwa_page)

    _check_asset_by_code_with_a_photo(pwa_page, "MHQ-001")
    sync_now_until_done(pwa_page)

    assert "'wasm-unsafe-eval'" in _policy_of(pwa_page, "/app/")
    assert [photo["state"] for photo in read_store(pwa_page, "photos")] == ["synced"]
    assert violations == []
    assert pwa_page.errors == []  # type: ignore[attr-defined]


def test_field_app_refuses_an_injected_inline_script_when_the_policy_applies(
    pwa_page: Page, violations: ViolationLog
) -> None:
    open_app(pwa_page)

    ran = _inject_inline_script(pwa_page)

    assert ran is False
    assert violations.directives(pwa_page, expected=1) == ["script-src-elem"]


def test_field_app_reports_no_violation_when_reopened_offline_from_the_service_worker(
    pwa_page: Page, violations: ViolationLog
) -> None:
    sign_in_then_go_offline(pwa_page, "crew")

    pwa_page.reload()
    wait_ready(pwa_page)
    ran = _inject_inline_script(pwa_page)

    assert ran is False  # the precached shell keeps its policy when served offline
    assert violations.directives(pwa_page, expected=1) == ["script-src-elem"]


@pytest.fixture
def camera_context(
    camera_browser: tuple[Browser, Path], live_server: LiveServer
) -> Iterator[tuple[BrowserContext, Path]]:
    """A phone whose camera films whatever label the test writes to the video file."""
    browser, video = camera_browser
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.grant_permissions(["camera"])
    yield context, video
    context.close()


def test_camera_scan_reports_no_violation_when_the_wasm_decoder_reads_a_label(
    camera_context: tuple[BrowserContext, Path], tmp_path: Path
) -> None:
    context, video = camera_context
    log = ViolationLog()
    log.watch(context)
    page = context.new_page()
    open_app(page)
    sign_in(page, "crew")
    label = next(a["qr_label"] for a in read_store(page, "assets") if a["code"] == "MHQ-001")
    _y4m_video(_label_png(label, tmp_path / "label.png"), video)
    page.goto("/app/#/scan")
    wait_ready(page)

    page.get_by_test_id("start-camera").click()

    expect(page.get_by_test_id("asset-check")).to_contain_text("MHQ-001", timeout=20000)
    assert log == []


def test_start_page_reports_no_violation_when_opened(
    pwa_page: Page, violations: ViolationLog
) -> None:
    pwa_page.goto("/")

    expect(pwa_page.locator("a.card").first).to_be_visible()

    # Its stylesheet applied: the cards are white boxes, not plain links.
    background = pwa_page.locator("a.card").first.evaluate(
        "(card) => getComputedStyle(card).backgroundColor"
    )
    assert background == "rgb(255, 255, 255)"
    assert violations == []


def test_api_docs_render_and_try_an_endpoint_with_no_violation_when_opened(
    pwa_page: Page, violations: ViolationLog
) -> None:
    pwa_page.goto("/api/docs")
    expect(pwa_page.locator(".swagger-ui .info .title")).to_contain_text("Roundbook API")

    health = pwa_page.locator(".opblock-summary-path", has_text="/api/health").first
    health.click()
    pwa_page.get_by_role("button", name="Try it out").click()
    pwa_page.get_by_role("button", name="Execute").click()

    expect(
        pwa_page.locator(".live-responses-table .response .response-col_status")
    ).to_contain_text("200")
    assert violations == [], json.dumps(violations, ensure_ascii=False)
