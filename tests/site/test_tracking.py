"""查询进度: every case (published or not) has a PII-free status record at a
key derived from its code; the page looks it up with JavaScript (Chromium)
or, without, through the intake's /api/track redirect."""

import hashlib
import json
import shutil
import sys

import pytest

from conftest import MINI, ROOT, TODAY, build

from portal import tracking_pages
from portal.problems import ContentError

sys.path.insert(0, str(ROOT / "intake"))
from chalicelib import track, tracking  # noqa: E402


def make_code(body):
    return tracking.format_code(body + tracking.check_symbol(body))


FRESH = make_code("ABCDEFGH")      # pulled, not yet handled
WORKING = make_code("K7M3PQXC")    # assigned, progress notes, not published
PUBLISHED = "396-K6Z-Y99"          # tests/data/mini/suggestions/a.md


def case_text(code, name="赵丽娟", phone="139 0000 1111", extra=""):
    return (f"code: {code}\ntitle: 自来水浑浊\nsource: 群众意见\ncategory: 饮水安全\n"
            f"received: 2026-11-10\n{extra}name: {name}\nphone: {phone}\ncontact: 是\nanonymous: 否\n"
            "channel: web-form\nreceived_at: 2026-11-10T09:00:00+08:00\nmessage_id: m-9\n\n"
            f"家里的自来水浑浊。\n\n## 原文\n\n我叫{name}，电话{phone}，自来水浑浊。\n")


WORKING_EXTRA = ("assigned: 2026-11-11\nlead_unit: jt\nprogress:\n"
                 "    2026-11-15 | 已取水样送检。\n")


@pytest.fixture
def tracked(tmp_path, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"{FRESH}.md").write_text(case_text(FRESH), "utf-8")
    (inbox / f"{WORKING}.md").write_text(case_text(WORKING, name="欧阳晓峰", phone="13712345678",
                                                   extra=WORKING_EXTRA), "utf-8")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    out = tmp_path / "output"
    build(content, out)
    return out


def record(out, code):
    return json.loads((out / "track" / "s" / f"{track.status_key(code)}.json").read_text("utf-8"))


def test_status_key_is_a_slow_salted_hash_of_the_normalised_code():
    expected = hashlib.pbkdf2_hmac("sha256", b"K7M-3PQ-XCB", track.SALT.encode(), 1000).hex()[:32]
    assert track.SALT and track.ITERATIONS == 1000
    assert track.status_key(WORKING) == expected == tracking_pages.status_key(WORKING)
    assert len({track.status_key(c) for c in (FRESH, WORKING, PUBLISHED)}) == 3


def test_every_case_gets_a_record_without_personal_data(tracked):
    fresh = record(tracked, FRESH)
    assert fresh["state"] == "received" and fresh["state_label"] == "已受理"
    assert fresh["timeline"] == [{"date": "2026-11-10", "kind": "received", "label": "受理", "note": ""}]
    assert fresh["published"] is None and fresh["title"] is None

    working = record(tracked, WORKING)
    assert working["state"] == "in_progress" and working["deadline"] == "2026-12-11"
    assert [(e["label"], e["date"], e["note"]) for e in working["timeline"]] == [
        ("受理", "2026-11-10", ""), ("交办", "2026-11-11", "主办：县交通运输局；办理期限：2026年12月11日"),
        ("办理进度", "2026-11-15", "已取水样送检。")]

    published = record(tracked, PUBLISHED)
    assert published["state"] == "closed" and published["published"] == f"/suggestions/{PUBLISHED}/"
    assert published["title"] == "石门村通组道路硬化"

    files = sorted((tracked / "track" / "s").iterdir())
    assert len(files) == 6  # JSON + HTML for 3 cases
    for path in files:
        text = path.read_text("utf-8")
        for secret in ("赵丽娟", "欧阳晓峰", "13900001111", "139 0000 1111", "13712345678", "自来水浑浊。",
                       FRESH, WORKING, "m-9"):
            assert secret not in text, (secret, path)


def test_status_pages_work_without_javascript_and_are_not_listed(tracked):
    page = (tracked / "track" / "s" / f"{track.status_key(WORKING)}.html").read_text("utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "办理中" in page and "已取水样送检。" in page and "2026年11月15日" in page
    sitemap = (tracked / "sitemap.xml").read_text("utf-8")
    assert "/track/s/" not in sitemap and "/track/</loc>" in sitemap

    form = (tracked / "track" / "index.html").read_text("utf-8")
    assert 'action="/api/track"' in form and 'name="code"' in form
    assert f'data-salt="{track.SALT}"' in form and 'data-iterations="1000"' in form
    assert "/theme/js/track.js" in form and (tracked / "theme" / "js" / "track.js").exists()


def test_without_an_inbox_only_published_suggestions_get_records(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INBOX", str(tmp_path / "missing"))
    out = tmp_path / "output"
    build(mini, out)
    assert sorted(p.name for p in (out / "track" / "s").iterdir()) == [
        f"{track.status_key(PUBLISHED)}.html", f"{track.status_key(PUBLISHED)}.json"]


def test_personal_data_in_a_progress_note_stops_the_build(mini, tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    extra = WORKING_EXTRA.replace("已取水样送检。", "已电话联系欧阳晓峰（13712345678）。")
    path = inbox / f"{WORKING}.md"
    path.write_text(case_text(WORKING, name="欧阳晓峰", phone="13712345678", extra=extra), "utf-8")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    with pytest.raises(ContentError) as caught:
        build(mini, tmp_path / "output")
    text = "\n".join(str(p) for p in caught.value.problems)
    assert f"{WORKING}.md: progress: 2026-11-15 的“办理进度”含有姓名" in text
    assert "【欧阳晓峰】" in text and "【13712345678】" in text


# -- the page in a real browser ------------------------------------------------

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def portal(tmp_path, monkeypatch):
    """`invoke up`: the built site and the intake on one origin (127.0.0.1)."""
    from test_up import Server
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"{WORKING}.md").write_text(case_text(WORKING, name="欧阳晓峰", phone="13712345678",
                                                   extra=WORKING_EXTRA), "utf-8")
    monkeypatch.setenv("PORTAL_INBOX", str(inbox))
    monkeypatch.setenv("PORTAL_QUEUE", f"sqlite://{tmp_path / 'queue.sqlite3'}")
    monkeypatch.setenv("PORTAL_TODAY", TODAY)
    server = Server("--content", str(content), "--output", str(tmp_path / "output"), log=tmp_path / "up.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield chromium
        chromium.close()


def typo(code):
    """The same code with one symbol changed: the check symbol no longer fits."""
    raw = code.replace("-", "")
    wrong = "0" if raw[3] != "0" else "1"
    return tracking.format_code(raw[:3] + wrong + raw[4:])


@pytest.mark.browser
@pytest.mark.slow
def test_javascript_lookup_shows_the_timeline_and_explains_a_typo(portal, browser):
    page = browser.new_page()
    page.goto(portal.url("/track/"))
    page.fill("#f-code", "k7m 3pq xcb")  # lower case, spaces: normalised like the intake does
    page.click("button[type=submit]")
    result = page.locator("#track-result")
    result.locator(".timeline").wait_for()
    assert page.url.endswith("/track/")  # looked up in place, no navigation
    assert "办理中" in result.inner_text()
    items = result.locator(".timeline li").all_inner_texts()
    assert [" ".join(i.split()) for i in items] == [
        "2026年11月10日 受理", "2026年11月11日 交办 主办：县交通运输局；办理期限：2026年12月11日",
        "2026年11月15日 办理进度 已取水样送检。"]
    assert page.input_value("#f-code") == WORKING

    page.fill("#f-code", typo(WORKING))
    page.click("button[type=submit]")
    status = page.locator("#track-status")
    assert "校验不符" in status.inner_text() and "校验位" in status.inner_text()
    assert result.is_hidden()
    assert page.get_attribute("#f-code", "aria-invalid") == "true"

    # The receipt's link /track/?code=… looks the code up at once.
    page.goto(portal.url(f"/track/?code={PUBLISHED}"))
    page.locator("#track-result .timeline").wait_for()
    assert "已办结" in page.locator("#track-result").inner_text()
    assert page.locator("#track-result a.button").get_attribute("href") == f"/suggestions/{PUBLISHED}/"

    # A valid code without a record yet.
    page.goto(portal.url("/track/"))
    page.fill("#f-code", FRESH)
    page.click("button[type=submit]")
    page.wait_for_function("document.getElementById('track-status').textContent.includes('暂未查到')")


@pytest.mark.browser
@pytest.mark.slow
def test_without_javascript_the_intake_redirects_to_the_status_page(portal, browser):
    page = browser.new_page(java_script_enabled=False)
    page.goto(portal.url("/track/"))
    page.fill("#f-code", WORKING.lower())
    page.click("button[type=submit]")
    page.wait_for_url(f"**/track/s/{track.status_key(WORKING)}.html")
    assert "已取水样送检。" in page.inner_text("main")

    page.goto(portal.url("/track/"))
    page.fill("#f-code", typo(WORKING))
    page.click("button[type=submit]")
    assert "校验不符" in page.inner_text("body")
    assert page.input_value("#f-code") == typo(WORKING)  # what was typed is kept
