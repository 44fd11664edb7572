"""iCalendar feeds and the month grid show the reception days the content
files announce.

Expected values come from the content files (``Sample`` in test_pages, which
reads them without the plugin); the .ics files are parsed with the
``icalendar`` package, the pages with BeautifulSoup.
"""

import datetime
from collections import defaultdict

import pytest
from bs4 import BeautifulSoup

icalendar = pytest.importorskip("icalendar")

from conftest import ROOT, TODAY, build  # noqa: E402
from test_pages import Sample, one  # noqa: E402


@pytest.fixture(scope="module")
def sample():
    return Sample(ROOT / "content")


@pytest.fixture(scope="module")
def out(sample_output):
    return sample_output


def events(path):
    raw = path.read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    return raw, cal, [c for c in cal.walk("VEVENT")]


def uid_of(o):
    return f"{o['schedule']}-{o['original'].strftime('%Y%m%d')}"


def check_events(found, expected, sample):
    assert len(found) == len(expected)
    by_uid = {str(e["UID"]).split(".")[0]: e for e in found}
    assert len(by_uid) == len(found), "UIDs are not unique"
    for o in expected:
        e = by_uid[uid_of(o)]
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert e["DTSTART"].params["TZID"] == "Asia/Shanghai"
        assert e["DTEND"].params["TZID"] == "Asia/Shanghai"
        assert start.utcoffset() == datetime.timedelta(hours=8)
        assert start.date() == o["date"], o
        assert start.strftime("%H:%M") == o["start"] and end.strftime("%H:%M") == o["end"]
        assert str(e["STATUS"]) == ("CANCELLED" if o["cancelled"] else "CONFIRMED")
        assert int(e["SEQUENCE"]) == (1 if (o["moved"] or o["cancelled"]) else 0)
        assert str(e["URL"]).endswith(o["url"])
        assert str(e["SUMMARY"]).endswith(o["title"])
        station = sample.stations[o["station"]]
        assert one(station, "name") in str(e["LOCATION"])
        description = str(e["DESCRIPTION"])
        for did in o["deputies"]:
            assert one(sample.deputies[did], "name") in description
        theme = one(sample.schedules[o["schedule"]], "theme")
        if theme:
            assert theme in description
        if o["cancelled"] or o["moved"]:
            assert o["reason"] in description
        # DTSTAMP: deterministic, derived from the originally announced day.
        assert e.decoded("DTSTAMP") == datetime.datetime.combine(
            o["original"], datetime.time(), datetime.timezone(datetime.timedelta(hours=8)))


def test_all_reception_days_calendar(out, sample):
    raw, cal, found = events(out / "reception" / "calendar.ics")
    tz = cal.walk("VTIMEZONE")
    assert len(tz) == 1 and str(tz[0]["TZID"]) == "Asia/Shanghai"
    assert [c.decoded("TZOFFSETTO") for c in tz[0].walk("STANDARD")] == [datetime.timedelta(hours=8)]
    check_events(found, sample.occasions, sample)
    assert any(o["moved"] for o in sample.occasions) and any(o["cancelled"] for o in sample.occasions)


def test_station_calendars(out, sample):
    for sid in sample.stations:
        _, _, found = events(out / "stations" / sid / "calendar.ics")
        check_events(found, [o for o in sample.occasions if o["station"] == sid], sample)


def test_deputy_calendars(out, sample):
    on_duty = 0
    for did in sample.deputies:
        _, _, found = events(out / "deputies" / did / "calendar.ics")
        expected = [o for o in sample.occasions if did in o["deputies"]]
        on_duty += bool(expected)
        check_events(found, expected, sample)
    assert on_duty > 10


def test_ics_format_crlf_folding(out, sample):
    for path in [out / "reception" / "calendar.ics", *(out / "stations").glob("*/calendar.ics")]:
        raw = path.read_bytes()
        assert raw.endswith(b"END:VCALENDAR\r\n")
        assert b"\n" not in raw.replace(b"\r\n", b""), f"{path}: bare LF"
        lines = raw.split(b"\r\n")[:-1]
        assert all(len(line) <= 75 for line in lines), f"{path}: a line over 75 octets"
        assert any(line.startswith(b" ") for line in lines), "long lines are folded"
        for line in lines:
            line.decode("utf-8")  # folding never splits a UTF-8 character


@pytest.mark.parametrize("line", [
    "",
    "DTSTART;TZID=Asia/Shanghai:20260101T090000",
    "x" * 75,
    "x" * 76,
    "x" * 300,
    "DESCRIPTION:" + "群众反映道路问题，" * 20,
    "SUMMARY:" + "😀" * 40,  # 4-octet characters
    "LOCATION:" + "中a😀é" * 30,  # every width, at every offset
], ids=["empty", "short", "75", "76", "300", "chinese", "4-octet", "mixed"])
def test_fold_cuts_at_75_octets_between_characters(line):
    from portal.calendars import fold

    physical = fold(line).encode("utf-8").split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    assert all(part.startswith(b" ") for part in physical[1:])
    for i, part in enumerate(physical[:-1]):  # each line as full as a whole character allows
        next_char = physical[i + 1][1:].decode("utf-8")[:1].encode("utf-8")
        assert len(part) + len(next_char) > 75
    for part in physical:
        part.decode("utf-8")  # never a split character
    assert b"".join([physical[0]] + [part[1:] for part in physical[1:]]).decode("utf-8") == line


def test_moved_day_keeps_its_uid_and_a_rebuild_gives_the_same_bytes(mini, tmp_path):
    """Moving one day of a schedule changes that event in place (same UID,
    new date, SEQUENCE 1); building twice gives identical bytes."""
    first, second, moved = tmp_path / "a" / "output", tmp_path / "b" / "output", tmp_path / "c" / "output"
    build(mini, first)
    build(mini, second)
    for rel in ("reception/calendar.ics", "stations/qs/calendar.ics"):
        assert (first / rel).read_bytes() == (second / rel).read_bytes()
    _, _, before = events(first / "reception" / "calendar.ics")
    schedule = Sample(mini).schedules
    sid = next(iter(schedule))
    target = next(e for e in before if str(e["UID"]).startswith(sid) and str(e["STATUS"]) == "CONFIRMED"
                  and int(e["SEQUENCE"]) == 0 and e.decoded("DTSTART").date() > datetime.date.fromisoformat(TODAY))
    day = target.decoded("DTSTART").date()
    new_day = day + datetime.timedelta(days=1)
    path = next(mini.glob("reception-days/*.md"))
    text = path.read_text("utf-8")
    head, _, body = text.partition("\n\n")
    line = f"{day.isoformat()} | 改至 {new_day.isoformat()} | 测试改期"
    if "\nexceptions:" in head:
        head = head.replace("\nexceptions:", f"\nexceptions: {line}\n   ", 1)
    else:
        head += f"\nexceptions: {line}"
    path.write_text(head + "\n\n" + body, "utf-8")
    build(mini, moved)
    _, _, after = events(moved / "reception" / "calendar.ics")
    assert len(after) == len(before)
    same = [e for e in after if str(e["UID"]) == str(target["UID"])]
    assert len(same) == 1
    assert same[0].decoded("DTSTART").date() == new_day
    assert int(same[0]["SEQUENCE"]) == 1
    assert "测试改期" in str(same[0]["DESCRIPTION"])


# -- month grid and links ---------------------------------------------------------

def test_month_grid(sample_output, sample):
    months = defaultdict(list)
    for o in sample.occasions:
        months[(o["date"].year, o["date"].month)].append(o)
    for (y, m), group in months.items():
        soup = BeautifulSoup((sample_output / "reception" / str(y) / f"{m:02d}" / "index.html").read_text("utf-8"),
                             "html.parser")
        table = soup.select_one("table.month-grid")
        assert table is not None and table.caption
        assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == list("一二三四五六日")
        rows = table.tbody.find_all("tr")
        cells = [td for tr in rows for td in tr.find_all("td")]
        assert all(len(tr.find_all("td")) == 7 for tr in rows)
        dated = {td.time["datetime"]: td for td in cells if td.time}
        first = datetime.date(y, m, 1)
        # Monday-first weeks: the first day sits under its weekday.
        assert cells.index(dated[first.isoformat()]) == first.weekday()
        assert len(dated) == (datetime.date(y + m // 12, m % 12 + 1, 1) - first).days
        for iso, td in dated.items():
            expected = [o for o in group if o["date"].isoformat() == iso]
            links = td.select("li a")
            assert [a["href"] for a in links] == [o["url"] for o in expected], iso
            for a, o in zip(links, expected):
                assert ("已取消" in a.get_text()) == o["cancelled"]
                assert (a.find("s") is not None) == o["cancelled"]
        # The accessible list stays below the grid.
        assert [li.a["href"] for li in soup.select("main li.occasion-item")] == [o["url"] for o in group]


def test_subscribe_links(sample_output, sample):
    def page(url):
        return BeautifulSoup((sample_output / url.strip("/") / "index.html").read_text("utf-8"), "html.parser")

    pages = {"/reception/": "/reception/calendar.ics"}
    pages.update({f"/stations/{s}/": f"/stations/{s}/calendar.ics" for s in sample.stations})
    pages.update({f"/deputies/{d}/": f"/deputies/{d}/calendar.ics" for d in list(sample.deputies)[:5]})
    for url, ics in pages.items():
        soup = page(url)
        link = soup.find("a", string="订阅日历")
        assert link is not None and link["href"] == ics, url
        assert (sample_output / ics.lstrip("/")).is_file()
        assert soup.find("link", rel="alternate", type="text/calendar")["href"] == ics
