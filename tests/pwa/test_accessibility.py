"""axe-core finds no serious or critical accessibility problem on the main screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.pwa.phone import open_app, sign_in, start_ward_round, wait_ready

AXE = Path(__file__).resolve().parents[2] / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def _blocking_violations(page: Page) -> list[str]:
    # Evaluated through DevTools: an injected <script> would be refused by the app's CSP.
    page.evaluate(AXE.read_text())
    violations = page.evaluate("axe.run(document).then((results) => results.violations)")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['target']}"
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
    ]


@pytest.fixture
def signed_in(pwa_page: Page, built_app: Path) -> Page:
    """The crew member, signed in, on the home screen."""
    open_app(pwa_page)
    sign_in(pwa_page, "crew")
    return pwa_page


def test_sign_in_screen_has_no_serious_violations_when_checked(
    pwa_page: Page, built_app: Path
) -> None:
    open_app(pwa_page)

    assert _blocking_violations(pwa_page) == []


@pytest.mark.parametrize(
    ("path", "screen"),
    [("#/home", "home"), ("#/scan", "scan"), ("#/settings", "settings"), ("#/round", "locations")],
)
def test_screen_has_no_serious_violations_when_checked(
    signed_in: Page, path: str, screen: str
) -> None:
    signed_in.goto(f"/app/{path}")
    wait_ready(signed_in)
    expect(signed_in.get_by_test_id(screen)).to_be_visible()

    assert _blocking_violations(signed_in) == []


def test_checklist_with_a_failed_item_has_no_serious_violations_when_checked(
    signed_in: Page,
) -> None:
    start_ward_round(signed_in, "ZY-5-W")
    signed_in.locator("li.item").first.locator("button[data-value='fail']").click()
    expect(signed_in.locator("li.item.failing")).to_have_count(1)

    assert _blocking_violations(signed_in) == []


def test_asset_check_has_no_serious_violations_when_checked(signed_in: Page) -> None:
    signed_in.goto("/app/#/scan")
    wait_ready(signed_in)
    signed_in.fill("#manual-code", "MHQ-001")
    signed_in.locator("form button[type=submit]").click()
    expect(signed_in.get_by_test_id("asset-check")).to_be_visible()

    assert _blocking_violations(signed_in) == []
