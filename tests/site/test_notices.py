"""Printable notices (公示) and deputies' contact cards.

The QR codes are read back without segno: the SVG's path is turned into a
module matrix by the small parser below, drawn into a bitmap with numpy and
Pillow, and decoded with zxing-cpp. The one-page A4 check prints the pages
with Chromium (marked ``browser``).
"""

import io
import re
from collections import OrderedDict, defaultdict

import numpy as np
import pytest
import zxingcpp
from bs4 import BeautifulSoup
from PIL import Image

from conftest import build
from test_pages import CONF, CONTENT, Sample, one, squash

PUBLIC = CONF["PORTAL_PUBLIC_URL"].rstrip("/")
WEEKDAYS = "一二三四五六日"


@pytest.fixture(scope="module")
def data():
    return Sample(CONTENT)


def soup_at(output, url):
    path = output / url.strip("/") / "index.html"
    assert path.is_file(), f"{url} was not generated"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


# -- reading a QR code back from its SVG ---------------------------------------------

def svg_matrix(svg):
    """The dark modules of a QR ``<svg>``: 0/1 array of the viewBox size.
    Understands paths of moveto / horizontal / vertical lines drawn with a
    1-unit stroke through the middle of a module row (what a QR path is),
    and ``<rect>`` modules."""
    width, height = (int(float(v)) for v in svg["viewbox"].split()[2:])
    grid = np.zeros((height, width), dtype=np.uint8)
    for path in svg.find_all("path"):
        x = y = 0.0
        tokens = re.findall(r"[MmHhVvLlZz]|-?\d*\.?\d+", path["d"])
        i, command = 0, None
        while i < len(tokens):
            if re.fullmatch(r"[A-Za-z]", tokens[i]):
                command = tokens[i]
                i += 1
                continue
            if command in "Mm":
                nx, ny = float(tokens[i]), float(tokens[i + 1])
                x, y = (nx, ny) if command == "M" else (x + nx, y + ny)
                i += 2
                command = "l" if command == "m" else "L"
            elif command in "Hh":
                nx = float(tokens[i]) if command == "H" else x + float(tokens[i])
                row = int(y)  # the stroke covers y-0.5 .. y+0.5 around the centre line
                grid[row, int(round(min(x, nx))):int(round(max(x, nx)))] = 1
                x = nx
                i += 1
            elif command in "Vv":
                ny = float(tokens[i]) if command == "V" else y + float(tokens[i])
                col = int(x)
                grid[int(round(min(y, ny))):int(round(max(y, ny))), col] = 1
                y = ny
                i += 1
            else:
                raise AssertionError(f"unexpected path command {command!r}")
    for rect in svg.find_all("rect"):
        x0, y0 = int(float(rect.get("x", 0))), int(float(rect.get("y", 0)))
        grid[y0:y0 + int(float(rect["height"])), x0:x0 + int(float(rect["width"]))] = 1
    return grid


def decode(svg):
    grid = svg_matrix(svg)
    pixels = np.kron(1 - grid, np.ones((8, 8), dtype=np.uint8)) * 255  # dark module -> black
    image = Image.fromarray(pixels.astype(np.uint8), mode="L")
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"{len(results)} codes read"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def qr_urls(soup):
    svgs = soup.select("svg.qr")
    for svg in svgs:
        assert svg["role"] == "img" and svg.get("aria-label"), "a QR code is an image with a label"
    return [decode(svg) for svg in svgs]


# -- expected notices -------------------------------------------------------------------

def notices(data):
    """station -> (year, month) -> occasions, in date order."""
    out = defaultdict(OrderedDict)
    for o in data.occasions:
        out[o["station"]].setdefault((o["date"].year, o["date"].month), []).append(o)
    return out


def test_one_notice_per_station_and_month(sample_output, data):
    expected = notices(data)
    assert sum(len(v) for v in expected.values()) > 10
    for sid in data.stations:
        folder = sample_output / "stations" / sid / "notice"
        made = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        assert made == [f"{y}-{m:02d}" for y, m in expected.get(sid, {})], sid


def test_notice_contents(sample_output, data):
    seen = set()
    for sid, months in notices(data).items():
        st = data.stations[sid]
        for (y, m), occasions in months.items():
            soup = soup_at(sample_output, f"/stations/{sid}/notice/{y}-{m:02d}/")
            h1 = squash(soup.h1.get_text())
            assert h1 == squash(one(st, "name")) + f"{y}年{m}月接待选民日公示"
            rows = soup.select("table.sheet-table tbody tr")
            assert [tr.time["datetime"] for tr in rows] == [o["date"].isoformat() for o in occasions]
            for tr, o in zip(rows, occasions):
                cells = [squash(td.get_text()) for td in tr.find_all("td")]
                assert cells[0] == f"星期{WEEKDAYS[o['date'].weekday()]}"
                assert cells[1] == f"{o['start']}—{o['end']}"
                assert cells[2] == "、".join(one(data.deputies[d], "name") for d in o["deputies"])
                if o["cancelled"]:
                    seen.add("cancelled")
                    assert "已取消" in cells[3] and squash(o["reason"]) in cells[3]
                elif o["moved"]:
                    seen.add("moved")
                    assert "改期" in cells[3]
                    assert f"原定{o['original'].month}月{o['original'].day}日" in cells[3]
                else:
                    assert "已取消" not in cells[3] and "改期" not in cells[3]
            facts = {squash(d.dt.get_text()): squash(d.dd.get_text()) for d in soup.select("dl.sheet-facts > div")}
            assert facts["地址"] == squash(one(st, "address"))
            assert facts["开放时间"] == squash(one(st, "hours"))
            assert facts["联系电话"] == one(st, "phone")
            # Printed: no navigation, black on white, one A4 page (checked in the browser test).
            assert soup.find("link", href="/theme/css/print.css")
            assert "print-sheet" in soup.body["class"]
    assert seen == {"cancelled", "moved"}, "the sample should have a cancelled and a moved day"


def test_notice_qr_codes_open_the_station_and_its_form(sample_output, data):
    for sid, months in notices(data).items():
        for y, m in months:
            soup = soup_at(sample_output, f"/stations/{sid}/notice/{y}-{m:02d}/")
            urls = [f"{PUBLIC}/stations/{sid}/", f"{PUBLIC}/submit/station/{sid}/"]
            assert qr_urls(soup) == urls
            # The address is printed too, for those who type it.
            assert [squash(s.get_text()) for s in soup.select(".qr-url")] == urls


def test_station_pages_link_their_notices(sample_output, data):
    today = (2026, 11)
    for sid, months in notices(data).items():
        soup = soup_at(sample_output, f"/stations/{sid}/")
        links = [a["href"] for a in soup.select(".print-links a")]
        ahead = [f"/stations/{sid}/notice/{y}-{m:02d}/" for y, m in months if (y, m) >= today][:3]
        latest = [f"/stations/{sid}/notice/{y}-{m:02d}/" for y, m in months][-1:]
        assert links == (ahead or latest), sid
        assert "打印公示" in soup.select_one(".print-links").get_text()


def test_deputy_cards(sample_output, data):
    for did, d in data.deputies.items():
        page = soup_at(sample_output, f"/deputies/{did}/")
        link = page.find("a", href=f"/deputies/{did}/card/")
        assert link and link.get_text(strip=True) == "打印联系卡"
        card = soup_at(sample_output, f"/deputies/{did}/card/")
        assert squash(card.h1.get_text()).startswith(one(d, "name"))
        st = data.stations[one(d, "station")]
        text = squash(card.select_one("article").get_text())
        for value in (one(d, "constituency"), one(d, "group"), one(st, "name"), one(st, "address"), one(st, "phone")):
            assert squash(value) in text, (did, value)
        assert qr_urls(card) == [f"{PUBLIC}/deputies/{did}/"]


def test_absolute_siteurl_wins_and_a_missing_address_is_reported(mini, tmp_path):
    out = tmp_path / "out"
    import portal_tools.site as site_tools
    site_tools.build(path=mini, output_path=out, siteurl="https://rd.example.org", portal_intake_data="")
    card = soup_at(out, "/deputies/d-001/card/")
    assert qr_urls(card) == ["https://rd.example.org/deputies/d-001/"]
    with pytest.raises(Exception) as err:
        site_tools.build(path=mini, output_path=tmp_path / "out2", portal_public_url="-", portal_intake_data="")
    assert "PORTAL_PUBLIC_URL" in str(err.value)


# -- print: one A4 page ---------------------------------------------------------------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pdf_pages(data):
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(data)).pages)


@pytest.mark.browser
def test_notices_and_cards_print_on_one_a4_page(sample_output, data):
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(sample_output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # Every notice and the longest cards are measured in the print layout at A4's printable
    # width; the tallest notice of each station and two cards are then
    # printed to PDF, which must have exactly one page.
    urls = [f"/stations/{sid}/notice/{y}-{m:02d}/" for sid, months in notices(data).items() for y, m in months]
    # Cards share one layout; the ones with the longest texts stand for all.
    def card_text(did):
        d = data.deputies[did]
        st = data.stations[one(d, "station")]
        return sum(len(one(x, k) or "") for x, k in ((d, "occupation"), (d, "constituency"), (d, "group"),
                                                     (st, "name"), (st, "address"), (st, "hours")))
    urls += [f"/deputies/{did}/card/" for did in sorted(data.deputies, key=card_text)[-3:]]
    heights, too_long = {}, []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            # 210 mm - 2 x 12 mm margins = 186 mm = 703 CSS px.
            page = browser.new_page(viewport={"width": 703, "height": 400})
            page.emulate_media(media="print")
            for url in urls:
                page.goto(base + url)
                # Print view: no site navigation or footer, the QR codes shown.
                assert not page.is_visible("nav.site-nav") and not page.is_visible("footer.site-footer"), url
                assert page.is_visible("svg.qr"), url
                heights[url] = page.evaluate("document.documentElement.scrollHeight")
            tallest = {}
            for url, height in heights.items():
                key = url.split("/")[1:3] if "/notice/" in url else ["cards"]
                if height > heights.get(tallest.get(tuple(key)), -1):
                    tallest[tuple(key)] = url
            for url in sorted(set(tallest.values()) | {"/deputies/d-001/card/"}):
                page.goto(base + url)
                pdf = page.pdf(format="A4", prefer_css_page_size=True)
                if pdf_pages(pdf) != 1:
                    too_long.append((url, pdf_pages(pdf)))
            browser.close()
    finally:
        server.shutdown()
    # 297 mm - 2 x 12 mm = 273 mm = 1031 CSS px of printable height.
    too_long += [(url, f"{h}px") for url, h in heights.items() if h > 1031]
    assert not too_long, too_long


def print_pages(output, urls):
    """url -> number of A4 pages Chromium prints it on."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            for url in urls:
                page.goto(f"http://127.0.0.1:{server.server_address[1]}{url}")
                out[url] = pdf_pages(page.pdf(format="A4", prefer_css_page_size=True))
            browser.close()
    finally:
        server.shutdown()
    return out


@pytest.mark.browser
def test_a_month_with_a_reception_day_every_weekday_still_fits_one_page(mini, tmp_path):
    for weekday in "一二三四":
        (mini / "reception-days" / f"extra-{weekday}.md").write_text(
            f"id: extra-{'abcd'['一二三四'.index(weekday)]}\ntitle: 每周{weekday}加开接待\nstation: qs\n"
            f"deputies: d-001, d-002\nstart: 14:30\nend: 17:30\ntheme: 冬春农田水利建设和农村道路养护\n"
            f"repeat: 每周{weekday}\nfrom: 2026-12-01\nuntil: 2026-12-31\n", "utf-8")
    out = tmp_path / "output"
    build(mini, out)
    soup = soup_at(out, "/stations/qs/notice/2026-12/")
    assert len(soup.select("table.sheet-table tbody tr")) >= 20
    assert print_pages(out, ["/stations/qs/notice/2026-12/"]) == {"/stations/qs/notice/2026-12/": 1}


def test_qr_codes_decode_and_are_deterministic():
    """Codes of every size the site makes (and a long one) read back as their
    URL, and the same URL always gives the same SVG (fixed mask, qr.MASK)."""
    from portal.qr import qr_svg
    urls = [f"{PUBLIC}/deputies/d-{i:04d}/" for i in (1, 772, 1000)]
    urls += [f"{PUBLIC}/stations/s-012/", f"{PUBLIC}/submit/station/s-012/", "https://rd.example.org/d/1/",
             f"{PUBLIC}/submit/station/{'s' * 150}/"]
    for url in urls:
        svg = qr_svg.__wrapped__(url=url, label="二维码")
        assert svg == qr_svg.__wrapped__(url=url, label="二维码")
        assert decode(BeautifulSoup(svg, "html.parser").svg) == url
