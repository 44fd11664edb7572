"""站内搜索: the sample site built and indexed by Pagefind (portal_tools/search.py),
served on 127.0.0.1 and searched in a real Chromium for words that occur in
specific suggestions; listing pages are never results; nothing is loaded
from another host; without JavaScript the search page links to the indexes.
Indexing is safe: a failed, crashed or incomplete run leaves the previous
index in place, and a rebuild that changed no HTML does not index again."""

import json
import re
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import ROOT, build, edit
from portal_tools import search as indexing, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

# Detail pages: the only pages that may be results.
DETAIL = re.compile(r"^/(suggestions/[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}|deputies/d-\d+|stations/[a-z0-9-]+"
                    r"|units/[a-z0-9-]+|reception/[a-z0-9-]+/\d{4}-\d{2}-\d{2}|news/[a-z0-9-]+"
                    r"|about|contact|privacy)/$")
SUGGESTION = re.compile(r"^/suggestions/([0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3})/$")
LISTINGS = ["index.html", "suggestions/index.html", "suggestions/category/transport/index.html",
            "suggestions/status/closed/index.html", "suggestions/2026/04/index.html", "deputies/index.html",
            "stations/index.html", "units/index.html", "units/county-transport/2026/index.html",
            "reception/index.html", "reception/2026/10/index.html", "reception/shimen-monthly/index.html",
            "statistics/index.html", "bulletins/index.html", "bulletins/2026-10/index.html",
            "stations/shimen/notice/2026-11/index.html", "deputies/d-001/card/index.html", "404.html",
            "track/index.html", "search/index.html", "data/index.html", "news/index.html", "submit/index.html"]


def suggestions_containing(word, output):
    """Codes of the published suggestions whose content file contains ``word``."""
    codes = set()
    for path in sorted((ROOT / "content" / "suggestions").glob("*.md")):
        if word in path.read_text("utf-8"):
            code = re.search(r"^code:\s*(\S+)", path.read_text("utf-8"), re.M).group(1)
            if (output / "suggestions" / code / "index.html").exists():
                codes.add(code)
    return codes


@pytest.fixture(scope="module")
def served(sample_output):
    """The built and indexed sample site on a free 127.0.0.1 port."""
    assert (sample_output / "pagefind" / "pagefind.js").is_file()
    server = serve.make_server("127.0.0.1", 0, sample_output)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_for(browser, served):
    """A page factory; every request to another host is recorded and refused."""
    contexts, foreign = [], []

    def make(**kw):
        ctx = browser.new_context(**kw)
        contexts.append(ctx)

        def guard(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()
        ctx.route("**/*", guard)
        return ctx.new_page()

    make.foreign = foreign
    yield make
    for ctx in contexts:
        ctx.close()
    assert foreign == [], f"requests to other hosts: {foreign}"


def wait_done(page):
    page.wait_for_function("document.getElementById('search-results').getAttribute('aria-busy') === 'false'")


def all_results(page):
    """Every result's path, after pressing 显示更多结果 until it goes away."""
    wait_done(page)
    more = page.locator("[data-search-more]")
    while more.is_visible():
        more.click()
        wait_done(page)
    return page.eval_on_selector_all("#search-results a.item-title",
                                     "els => els.map(e => new URL(e.href).pathname)")


def search(page, served, word):
    page.goto(f"{served}/search/?q={quote(word)}")
    return all_results(page)


@pytest.mark.parametrize("word", ["道路", "饮水"])
def test_search_finds_exactly_the_suggestions_with_the_word_and_no_listing(served, page_for, sample_output, word):
    page = page_for()
    found = search(page, served, word)
    expected = suggestions_containing(word, sample_output)
    assert len(expected) >= 3
    assert {m.group(1) for p in found if (m := SUGGESTION.match(p))} == expected
    assert [p for p in found if not DETAIL.match(p)] == []       # no listing, statistics, bulletin … pages
    assert len(found) == len(set(found))
    status = page.locator("#search-status").inner_text()
    assert f"找到 {len(found)} 条" in status and word in status
    # Each result shows its type and an excerpt with the word highlighted.
    first = page.locator("#search-results li").first
    assert first.locator(".item-meta").inner_text() in {"意见建议", "代表", "联络站", "接待选民日", "承办单位",
                                                        "工作动态", "平台说明"}
    assert word in page.locator("#search-results mark").first.inner_text()


def test_other_detail_pages_are_found_too(served, page_for):
    found = search(page_for(), served, "饮水")
    # A deputy's biography, a unit's description, a reception day's record.
    assert {"/deputies/d-041/", "/units/county-water/", "/reception/shimen-monthly/2026-03-21/"} <= set(found)


def test_the_header_box_searches_from_any_page(served, page_for):
    page = page_for()
    page.goto(served + "/deputies/d-001/")
    box = page.get_by_role("search", name="全站搜索").get_by_label("搜索全站")
    box.fill("道路")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert "/suggestions/SSJ-463-KFX/" in all_results(page)
    assert page.locator("#search-q").input_value() == "道路"
    assert "道路" in page.title()
    # A second search on the results page itself.
    page.fill("#search-q", "没有这个词组合甲乙丙")
    page.click(".search-form button[type=submit]")
    wait_done(page)
    assert "没有找到" in page.locator("#search-status").inner_text()
    assert page.locator("#search-results li").count() == 0
    assert page.locator("[data-search-nojs]").is_hidden()


def test_without_javascript_the_search_page_links_to_the_indexes(served, page_for):
    page = page_for(java_script_enabled=False)
    page.goto(served + "/")
    page.fill("#site-q", "道路")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    notice = page.locator("[data-search-nojs]")
    assert notice.is_visible()
    assert "需要浏览器启用 JavaScript" in notice.inner_text()
    hrefs = notice.locator("a").evaluate_all("els => els.map(e => new URL(e.href).pathname)")
    assert {"/suggestions/", "/deputies/", "/units/"} <= set(hrefs)
    assert page.locator("#search-results li").count() == 0


def test_only_detail_pages_are_indexed(sample_output):
    marked = [p for p in sample_output.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()]
    entry = json.loads((sample_output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(marked)
    for rel in LISTINGS:
        path = sample_output / rel
        assert path.exists(), rel
        assert b"data-pagefind-body" not in path.read_bytes(), rel
    for rel in marked:
        assert DETAIL.match("/" + rel.relative_to(sample_output).parent.as_posix() + "/"), rel
    # Pagefind's ready-made UI bundles are not published (the portal has its own script).
    assert not list((sample_output / "pagefind").glob("pagefind-*ui*"))


# -- safe indexing -------------------------------------------------------------

FAKE = """
import os, signal, sys
out = sys.argv[sys.argv.index("--output-path") + 1]
os.makedirs(os.path.join(out, "fragment"), exist_ok=True)
open(os.path.join(out, "pagefind.js"), "w").write("// half written")
open(os.path.join(out, "fragment", "x.pf_fragment"), "wb").write(b"\\0")
mode = os.environ["FAKE_PAGEFIND"]
if mode == "fail":
    print("error: something went wrong", file=sys.stderr)
    sys.exit(1)
if mode == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
# "incomplete": exits 0 without an entry file
"""


def tree(root):
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture
def indexed(mini, tmp_path):
    out = tmp_path / "output"
    settings = build(mini, out)
    assert settings["PORTAL_SEARCH_RESULT"].status == "indexed"
    assert settings["PORTAL_SEARCH_RESULT"].pages > 0
    return mini, out


@pytest.mark.parametrize("mode", ["fail", "kill", "incomplete"])
def test_a_failed_indexing_leaves_the_previous_index_in_place(indexed, tmp_path, monkeypatch, mode):
    content, out = indexed
    before = tree(out / "pagefind")
    news = sorted((content / "news").glob("*.md"))[0]
    news.write_text(news.read_text("utf-8") + "\n搜索测试新增的一句话。\n", "utf-8")
    fake = tmp_path / "fake_pagefind.py"
    fake.write_text(FAKE, "utf-8")
    monkeypatch.setattr(indexing, "COMMAND", [sys.executable, str(fake)])
    monkeypatch.setenv("FAKE_PAGEFIND", mode)

    with pytest.raises(indexing.SearchIndexError) as err:
        build(content, out)
    assert "search index not updated" in err.value.report()
    # The site itself is built ...
    assert any("搜索测试新增的一句话" in p.read_text("utf-8") for p in (out / "news").rglob("*.html"))
    # ... the live index is exactly the previous one, and no scratch directory is left.
    assert tree(out / "pagefind") == before
    assert not (out / indexing.NEW_DIR).exists() and not (out / indexing.OLD_DIR).exists()

    # The next build (Pagefind working again) indexes: the failure was not recorded as done.
    monkeypatch.setattr(indexing, "COMMAND", [sys.executable, "-m", "pagefind"])
    result = build(content, out)["PORTAL_SEARCH_RESULT"]
    assert result.status == "indexed"
    assert tree(out / "pagefind") != before
    assert not (out / indexing.NEW_DIR).exists()


def test_an_interrupted_swap_is_repaired(indexed):
    content, out = indexed
    before = tree(out / "pagefind")
    # As if the process died between the two renames of the fallback swap.
    (out / "pagefind").rename(out / indexing.OLD_DIR)
    result = indexing.update_index(out, out.parent / "cache")
    assert result.status == "unchanged"
    assert tree(out / "pagefind") == before and not (out / indexing.OLD_DIR).exists()


def test_a_no_op_rebuild_does_not_reindex(indexed, tmp_path, monkeypatch):
    content, out = indexed
    before = tree(out / "pagefind")
    inode = (out / "pagefind").stat().st_ino
    # Were Pagefind run, it would fail.
    monkeypatch.setattr(indexing, "COMMAND", [sys.executable, "-c", "raise SystemExit(3)"])
    result = build(content, out)["PORTAL_SEARCH_RESULT"]
    assert result.status == "unchanged"
    assert tree(out / "pagefind") == before and (out / "pagefind").stat().st_ino == inode

    # One changed page is enough to index again.
    monkeypatch.setattr(indexing, "COMMAND", [sys.executable, "-m", "pagefind"])
    news = sorted((content / "news").glob("*.md"))[0]
    edit(news, "\n\n", "\n\n改动一句。\n\n")
    result = build(content, out)["PORTAL_SEARCH_RESULT"]
    assert result.status == "indexed"
    assert (out / "pagefind").stat().st_ino != inode


# -- accessibility of the search page (the same axe-core check as test_accessibility.py) --

@pytest.mark.parametrize("viewport,prefs", [({"width": 390, "height": 844}, None),
                                            ({"width": 1280, "height": 900}, "high"),
                                            ({"width": 320, "height": 700}, "large")])
def test_the_search_page_with_results_has_no_axe_violations(served, browser, viewport, prefs):
    axe = pytest.importorskip("axe_playwright_python")
    source = (Path(axe.__file__).parent / "axe.min.js").read_text("utf-8")
    ctx = browser.new_context(viewport=viewport)
    try:
        if prefs:  # the reader's 大字 / 高对比 choice, as theme/js/prefs.js stores it
            ctx.add_init_script("try { localStorage.setItem('portal-prefs', JSON.stringify("
                                + json.dumps({"large": prefs == "large", "contrast": prefs == "high"})
                                + ")); } catch (e) {}")
        page = ctx.new_page()
        page.goto(f"{served}/search/?q={quote('饮水')}")
        wait_done(page)
        page.add_script_tag(content=source)
        violations = page.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values:"
            " ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))")
        assert violations == []
        # No sideways scrolling (WCAG reflow).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        ctx.close()
