"""A QR label seen through Chromium's fake camera opens the right asset, offline."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.pwa.conftest import PROJECT_DIR, LiveServer
from tests.pwa.phone import open_app, read_store, sign_in, wait_for_service_worker, wait_ready

FRAME_SIZE = (640, 480)
FRAME_COUNT = 5
ASSET_CODE = "MHQ-001"


def _label_png(text: str, out: Path) -> Path:
    subprocess.run(
        ["node", "tools/make-qr-label.mjs", text, str(out)],
        cwd=PROJECT_DIR / "pwa",
        check=True,
        capture_output=True,
    )
    return out


def _y4m_video(image: Path, out: Path) -> Path:
    """A still camera pointed at the label, as the Y4M file Chromium's fake camera plays."""
    frame = Image.new("RGB", FRAME_SIZE, "white")
    label = Image.open(image).convert("RGB")
    frame.paste(label, ((FRAME_SIZE[0] - label.width) // 2, (FRAME_SIZE[1] - label.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (FRAME_SIZE[0] // 2, FRAME_SIZE[1] // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{FRAME_SIZE[0]} H{FRAME_SIZE[1]} F10:1 Ip A1:1 C420jpeg\n".encode()
    out.write_bytes(header + b"".join(b"FRAME\n" + planes for _ in range(FRAME_COUNT)))
    return out


def test_camera_scan_opens_the_labelled_asset_when_offline(
    camera_browser: tuple[Browser, Path], live_server: LiveServer, tmp_path: Path
) -> None:
    browser, video = camera_browser
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.grant_permissions(["camera"])
    page: Page = context.new_page()
    open_app(page)
    sign_in(page, "crew")
    wait_for_service_worker(page)
    label = next(a["qr_label"] for a in read_store(page, "assets") if a["code"] == ASSET_CODE)
    _y4m_video(_label_png(label, tmp_path / "label.png"), video)
    context.set_offline(True)
    page.goto("/app/#/scan")
    wait_ready(page)

    page.get_by_test_id("start-camera").click()

    expect(page.get_by_test_id("asset-check")).to_contain_text(ASSET_CODE, timeout=20000)
    context.close()
