"""The 我要留言 form end to end: `invoke up` serves the site and the intake on
one origin; a real Chromium submits with JavaScript off and on; exactly
those submissions arrive on the embedded queue."""

import json
import shutil
import sys

import pytest

from conftest import MINI, ROOT
from test_up import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def portal(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    queue_url = f"sqlite://{tmp_path / 'queue.sqlite3'}"
    monkeypatch.setenv("PORTAL_QUEUE", queue_url)
    monkeypatch.setenv("PORTAL_TOKEN_MIN_AGE", "1")  # the real rule is 3 s; keep the test quick
    server = Server("--content", str(content), "--output", str(tmp_path / "output"), log=tmp_path / "up.log")
    try:
        server.wait_ready()
        server.queue_url = queue_url
        yield server
    finally:
        server.stop()


def queued_messages(queue_url):
    sys.path.insert(0, str(ROOT / "intake"))
    from chalicelib.queues import queue_from_env
    queue = queue_from_env({"PORTAL_QUEUE": queue_url})
    messages = queue.receive(max_messages=10, visibility_timeout=60)
    return [json.loads(m.body) for m in messages]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield chromium
        chromium.close()


def test_form_without_javascript_posts_and_shows_the_code(portal, browser):
    page = browser.new_page(java_script_enabled=False)
    page.goto(portal.url("/deputies/d-001/"))
    page.get_by_role("link", name="向TA留言").click()
    assert page.locator("#f-target").input_value() == "deputy:d-001"
    page.fill("#f-content", "石门村三组到集镇的路灯坏了两个月，晚上出行不安全。")
    page.select_option("#f-category", "village")
    page.fill("#f-name", "王小明")
    page.fill("#f-phone", "13812345678")
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.wait_for_url("**/api/thanks?code=*")
    code = page.locator(".receipt .code").inner_text()
    assert page.get_by_role("heading", name="提交成功").is_visible()

    messages = queued_messages(portal.queue_url)
    assert len(messages) == 1
    msg = messages[0]
    assert msg["code"] == code
    assert msg["payload"]["target"] == "deputy:d-001"
    assert msg["payload"]["category"] == "village"
    assert msg["payload"]["phone"] == "13812345678"


def test_form_with_javascript_validates_inline_and_shows_the_code(portal, browser):
    page = browser.new_page()
    page.goto(portal.url("/submit/"))
    page.fill("#f-content", "太短")
    page.click("button[type=submit]")
    assert "至少需要10个字" in page.locator("#err-content").inner_text()
    assert page.locator("#f-content").get_attribute("aria-invalid") == "true"
    assert "已输入 2 字" in page.locator(".counter").inner_text()

    page.fill("#f-content", "白沙村饮水工程水压不足，高处农户经常停水，希望尽快解决。")
    page.check("input[name=consent]")
    page.wait_for_timeout(1200)  # the form token's minimum age
    # The draft is kept on the device until the intake confirms.
    assert "白沙村饮水" in page.evaluate("localStorage.getItem('portal-draft-submit')")
    page.click("button[type=submit]")
    page.wait_for_selector(".receipt .code")
    code = page.locator(".receipt .code").inner_text()
    assert page.evaluate("localStorage.getItem('portal-draft-submit')") is None

    messages = queued_messages(portal.queue_url)
    assert [m["code"] for m in messages] == [code]
    assert messages[0]["payload"]["content"].startswith("白沙村饮水工程")
