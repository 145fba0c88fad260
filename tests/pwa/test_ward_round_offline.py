"""A ward round captured with no network is kept on the phone, whatever happens to the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.pwa.phone import (
    answer_all,
    fail_first_item_with_note_and_photo,
    fail_item_with_note_and_photo,
    open_app,
    outbox_counts,
    read_store,
    sign_in,
    sign_in_then_go_offline,
    start_ward_round,
    wait_ready,
)

WARD = "ZY-5-W"


@pytest.fixture
def offline_round(pwa_page: Page) -> Page:
    """An inspector who signed in online, then did a round with one failed item offline."""
    sign_in_then_go_offline(pwa_page, "inspector")
    start_ward_round(pwa_page, WARD)
    answer_all(pwa_page, "pass")
    fail_first_item_with_note_and_photo(pwa_page, "墙角积灰")
    pwa_page.get_by_test_id("submit").click()
    expect(pwa_page.get_by_test_id("home")).to_be_visible()
    return pwa_page


def test_ward_round_goes_to_the_outbox_when_submitted_offline(offline_round: Page) -> None:
    counts = outbox_counts(offline_round)

    # The inspection, then the finding raised by the failed item; the photo travels separately.
    assert counts == {"ops": 2, "photos": 1}


def test_outbox_survives_when_the_page_reloads_offline(offline_round: Page) -> None:
    offline_round.reload()
    wait_ready(offline_round)

    assert outbox_counts(offline_round) == {"ops": 2, "photos": 1}
    expect(offline_round.get_by_test_id("recent").locator("[data-status='pending']")).to_have_count(
        2
    )
    assert offline_round.errors == []


def test_sync_bar_shows_pending_counts_when_offline(offline_round: Page) -> None:
    pending = offline_round.get_by_test_id("sync-pending")

    expect(pending).to_have_text("待同步 2 条记录、1 张照片")
    expect(offline_round.get_by_test_id("sync-problem")).to_contain_text("没有网络")


def test_draft_survives_when_the_page_reloads_offline(pwa_page: Page) -> None:
    sign_in_then_go_offline(pwa_page, "inspector")
    start_ward_round(pwa_page, WARD)
    pass_button = pwa_page.locator("li.item").first.locator("button[data-value='pass']")
    pass_button.click()
    # The button shows as chosen once the draft is saved.
    expect(pass_button).to_have_attribute("aria-pressed", "true")
    draft_url = pwa_page.url

    pwa_page.reload()
    wait_ready(pwa_page)

    assert pwa_page.url == draft_url
    expect(
        pwa_page.locator("li.item").first.locator("button[data-value='pass']")
    ).to_have_attribute("aria-pressed", "true")


def test_sign_out_is_refused_with_counts_when_work_is_unsynced(offline_round: Page) -> None:
    offline_round.goto("/app/#/settings")
    wait_ready(offline_round)

    offline_round.get_by_test_id("sign-out").click()

    expect(offline_round.get_by_test_id("sign-out-refused")).to_contain_text("2 条记录、1 张照片")
    assert outbox_counts(offline_round) == {"ops": 2, "photos": 1}


def test_could_not_inspect_is_queued_as_a_result_when_chosen(
    pwa_context: BrowserContext, pwa_page: Page
) -> None:
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    pwa_context.set_offline(True)
    start_ward_round(pwa_page, WARD)
    pwa_page.get_by_text("无法检查", exact=True).click()
    pwa_page.get_by_role("button", name="隔离病房").click()

    pwa_page.get_by_role("button", name="记录为无法检查").click()

    expect(pwa_page.get_by_test_id("home")).to_be_visible()
    [op] = read_store(pwa_page, "outbox")
    assert op["payload"]["fields"]["not_inspected_reason"] == "isolation"
    assert op["payload"]["fields"]["result"] == "not_inspected"


def test_round_with_two_photos_goes_to_the_outbox_with_both_when_submitted(
    pwa_context: BrowserContext, pwa_page: Page
) -> None:
    open_app(pwa_page)
    sign_in(pwa_page, "inspector")
    pwa_context.set_offline(True)
    start_ward_round(pwa_page, "ZY-6-E")
    answer_all(pwa_page, "pass")
    fail_item_with_note_and_photo(pwa_page, 0, "墙角积灰", (2400, 1800))
    fail_item_with_note_and_photo(pwa_page, 1, "洗手液用完", (1500, 2000))

    pwa_page.get_by_test_id("submit").click()

    expect(pwa_page.get_by_test_id("home")).to_be_visible()
    # The inspection and one finding per failed item; both photos wait to upload.
    assert outbox_counts(pwa_page) == {"ops": 3, "photos": 2}
