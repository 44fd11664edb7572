"""Atom feeds, sitemap, robots.txt, canonical addresses and share metadata.

Feeds are parsed with xml.etree and their entries compared with what the
content files say (``Sample`` from test_pages), not with the plugin.
"""

import datetime
import json
import re
import struct
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from test_pages import Sample, day, ids, one

A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


@pytest.fixture(scope="module")
def sample():
    return Sample(ROOT / "content")


@pytest.fixture(scope="module")
def out(sample_output):
    return sample_output


def feed(path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{A}feed"
    entries = root.findall(f"{A}entry")
    for e in entries:
        for tag in ("id", "title", "updated"):
            assert e.find(f"{A}{tag}") is not None and e.find(f"{A}{tag}").text, tag
        assert STAMP.match(e.find(f"{A}updated").text)
    updated = root.find(f"{A}updated").text
    assert STAMP.match(updated)
    if entries:
        # Deterministic: the feed is as new as its newest entry, never "now".
        assert updated == max(e.find(f"{A}updated").text for e in entries)
    assert root.find(f"{A}id").text and root.find(f"{A}title").text
    assert root.find(f"{A}link[@rel='self']") is not None
    return root, entries


def links(entries):
    return [e.find(f"{A}link[@rel='alternate']").get("href") for e in entries]


def last_event(s):
    dates = [day(s, k) for k in ("received", "assigned", "answered", "evaluated", "second_reply",
                                 "closed", "merged", "rejected", "withdrawn")]
    for key in ("progress", "followups"):
        dates += [d for d, _ in dated_lines(s, key)]
    return max(d for d in dates if d)


def dated_lines(s, key):
    return [(datetime.date.fromisoformat(line.split("|")[0].strip()), line) for line in s.get(key, [])]


def test_answered_feed(out, sample):
    _, entries = feed(out / "feeds" / "answered.atom.xml")
    answered = sorted((c for c, s in sample.suggestions.items() if one(s, "answered")),
                      key=lambda c: (day(sample.suggestions[c], "answered"), c), reverse=True)[:50]
    assert answered
    assert links(entries) == [f"/suggestions/{c}/" for c in answered]
    for e, code in zip(entries, answered):
        s = sample.suggestions[code]
        assert one(s, "title") in e.find(f"{A}title").text
        assert e.find(f"{A}published").text == f"{one(s, 'answered')}T00:00:00+08:00"
        assert e.find(f"{A}updated").text == f"{last_event(s).isoformat()}T00:00:00+08:00"
        assert f"{one(s, 'result')}类" in e.find(f"{A}summary").text
    assert len({e.find(f"{A}id").text for e in entries}) == len(entries)


def test_deputy_feeds(out, sample):
    nonempty = 0
    for did in sample.deputies:
        _, entries = feed(out / "deputies" / did / "feed.atom.xml")
        related = [c for c, s in sample.suggestions.items()
                   if one(s, "lead") == did or did in ids(s, "cosigners") or did in ids(s, "addressed")]
        expected = sorted(related, key=lambda c: (last_event(sample.suggestions[c]), c), reverse=True)[:50]
        assert links(entries) == [f"/suggestions/{c}/" for c in expected], did
        nonempty += bool(entries)
        soup = BeautifulSoup((out / "deputies" / did / "index.html").read_text("utf-8"), "html.parser")
        alt = soup.find("link", rel="alternate", type="application/atom+xml", href=f"/deputies/{did}/feed.atom.xml")
        assert alt is not None
    assert nonempty > 5


def test_unit_feeds(out, sample):
    for uid in sample.units:
        _, entries = feed(out / "units" / uid / "feed.atom.xml")
        expected = sorted(sample.unit_codes(uid), key=lambda c: (last_event(sample.suggestions[c]), c),
                          reverse=True)[:50]
        assert links(entries) == [f"/suggestions/{c}/" for c in expected], uid
        soup = BeautifulSoup((out / "units" / uid / "index.html").read_text("utf-8"), "html.parser")
        assert soup.find("link", rel="alternate", type="application/atom+xml", href=f"/units/{uid}/feed.atom.xml")


def test_news_feed(out, sample):
    _, entries = feed(out / "feeds" / "news.atom.xml")
    news = sorted(sample.news, key=lambda n: (one(n[0], "date"), one(n[0], "slug")), reverse=True)
    assert links(entries) == [f"/news/{one(m, 'slug')}/" for m, _ in news]
    for e, (meta, body) in zip(entries, news):
        assert e.find(f"{A}title").text == one(meta, "title")
        assert e.find(f"{A}published").text.startswith(one(meta, "date")[:10])
        assert body.strip().split("\n")[0][:20] in e.find(f"{A}content").text


def test_sitewide_feed_links(out):
    soup = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    hrefs = {link["href"] for link in soup.find_all("link", rel="alternate", type="application/atom+xml")}
    assert {"/feeds/answered.atom.xml", "/feeds/news.atom.xml"} <= hrefs


def html_pages(out):
    pages = set()
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        pages.add("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return pages


def noindex_pages(out):
    """Pages that ask not to be indexed (<meta name="robots" content="noindex">)."""
    found = set()
    for url in html_pages(out):
        path = out / url.lstrip("/")
        head = (path / "index.html" if url.endswith("/") else path).read_text("utf-8").split("</head>")[0]
        if re.search(r'<meta name="robots" content="[^"]*noindex', head):
            found.add(url)
    return found


def test_sitemap_lists_every_html_page_and_nothing_else(out):
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.find(f"{SM}loc").text for u in root.findall(f"{SM}url")]
    assert len(locs) == len(set(locs)) and locs == sorted(locs)
    assert set(locs) == html_pages(out) - {"/404.html"} - noindex_pages(out)
    assert not root.findall(f".//{SM}lastmod")
    assert "/news/" in locs and "/about/" in locs and "/data/" in locs


def test_robots(out):
    lines = (out / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /api/" in lines
    assert "Sitemap: /sitemap.xml" in lines


def test_canonical_and_share_metadata_on_every_page(out):
    failures = []
    for url in sorted(html_pages(out)):
        path = out / url.lstrip("/")
        path = path / "index.html" if url.endswith("/") else path
        head = path.read_text("utf-8").split("</head>")[0]  # only the head matters here (fast)
        soup = BeautifulSoup(head + "</head>", "html.parser")
        canonical = soup.find_all("link", rel="canonical")
        if len(canonical) != 1 or canonical[0]["href"] != url:
            failures.append(f"{url}: canonical {[c.get('href') for c in canonical]}")
        og = {m["property"]: m.get("content", "") for m in soup.find_all("meta", property=True)}
        for key in ("og:title", "og:description", "og:type", "og:url", "og:image"):
            if not og.get(key):
                failures.append(f"{url}: no {key}")
        if og.get("og:url") != url:
            failures.append(f"{url}: og:url {og.get('og:url')}")
        if soup.title and og.get("og:title") != soup.title.get_text():
            failures.append(f"{url}: og:title differs from <title>")
        expected_type = "article" if url.startswith("/news/") and url != "/news/" else "website"
        if og.get("og:type") != expected_type:
            failures.append(f"{url}: og:type {og.get('og:type')}")
    assert not failures, "\n".join(failures[:30])


def test_share_image_is_a_1200x630_png(out):
    data = (out / "theme" / "img" / "share.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 630)


def test_absolute_addresses_when_siteurl_is_set(mini, tmp_path):
    """With SITEURL set (production), canonical/og addresses, the sitemap,
    robots.txt, feeds, calendars and data carry absolute URLs."""
    from portal_tools import site as portal_site
    base = "https://rd.example.org"
    out = tmp_path / "output"
    portal_site.build(path=mini, output_path=out, cache_path=tmp_path / "cache",
                      portal_intake_data=str(tmp_path / "site_data.json"), siteurl=base)
    head = (out / "deputies" / "d-001" / "index.html").read_text("utf-8").split("</head>")[0]
    soup = BeautifulSoup(head + "</head>", "html.parser")
    assert soup.find("link", rel="canonical")["href"] == f"{base}/deputies/d-001/"
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:url"] == f"{base}/deputies/d-001/" and og["og:image"] == f"{base}/theme/img/share.png"
    locs = [u.find(f"{SM}loc").text for u in ET.parse(out / "sitemap.xml").getroot()]
    assert locs and all(loc.startswith(f"{base}/") for loc in locs)
    assert f"Sitemap: {base}/sitemap.xml" in (out / "robots.txt").read_text("utf-8").splitlines()
    root, _ = feed(out / "feeds" / "answered.atom.xml")
    assert root.find(f"{A}link[@rel='self']").get("href") == f"{base}/feeds/answered.atom.xml"
    ics = (out / "reception" / "calendar.ics").read_bytes().replace(b"\r\n ", b"").decode("utf-8")
    assert f"URL:{base}/reception/" in ics and ".rd.example.org\r\n" in ics
    assert all(r["url"].startswith(f"{base}/") for r in json.loads((out / "data" / "deputies.json").read_text("utf-8")))
    discovery = json.loads((out / "open311" / "discovery.json").read_text("utf-8"))
    assert discovery["endpoints"][0]["url"] == f"{base}/open311/v2"
