"""Every page of the sample site shows the facts its content files state.

The sample ``content/`` is built once per session. Expected values are
computed here from the content files themselves (a few lines of header
parsing and date arithmetic), never from the plugin's models, so a page
that drops, misfiles or miscounts something fails.
"""

import calendar
import datetime
import functools
import re
import runpy
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, TODAY, check

CONTENT = ROOT / "content"
CONF = runpy.run_path(str(ROOT / "pelicanconf.py"))
DAY = datetime.date.fromisoformat(TODAY)
HORIZON = DAY + datetime.timedelta(days=CONF["RECEPTION_HORIZON_DAYS"])
CATEGORY_SLUG = {name: slug for slug, name in CONF["SUGGESTION_CATEGORIES"]}
STATE_LABELS = {
    "received": "已受理", "assigned": "已交办", "in_progress": "办理中",
    "answered": "已答复", "rehandling": "重新办理", "evaluated": "已评价",
    "closed": "已办结", "merged": "重复件已合并", "rejected": "不予受理", "withdrawn": "已撤回",
}
LEVELS = ["全国", "省", "市", "县", "乡镇"]


# -- the content, read independently ---------------------------------------

def read(path):
    """(header, body): header maps lower-case keys to a list of lines."""
    text = path.read_text("utf-8-sig").replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    meta, key = {}, None
    for line in head.split("\n"):
        if line[:1] in (" ", "\t"):
            meta[key].append(line.strip())
        else:
            key, _, value = line.partition(":")
            key = key.strip().lower()
            meta[key] = [value.strip()] if value.strip() else []
    return meta, body


def one(meta, key):
    return " ".join(meta.get(key, [])) or None


def ids(meta, key):
    return [x.strip() for x in re.split(r"[,，、]", ",".join(meta.get(key, []))) if x.strip()]


def day(meta, key):
    value = one(meta, key)
    return datetime.date.fromisoformat(value) if value else None


def dated(meta, key):
    out = []
    for line in meta.get(key, []):
        parts = [p.strip() for p in line.split("|")]
        out.append((datetime.date.fromisoformat(parts[0]), parts[1:]))
    return out


def cn(d):
    return f"{d.year}年{d.month}月{d.day}日"


def add_months(d, months):
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def rate(part, whole):
    return "—" if not whole else f"{round(100.0 * part / whole, 1):g}%"


def squash(text):
    return re.sub(r"\s+", "", text)


class Sample:
    def __init__(self, root):
        self.deputies = self._load(root / "deputies", "id")
        self.stations = self._load(root / "stations", "id")
        self.units = self._load(root / "units", "id")
        self.schedules = self._load(root / "reception-days", "id")
        self.suggestions = self._load(root / "suggestions", "code")
        self.pages = {one(m, "slug"): (m, b) for m, b in
                      (read(p) for p in sorted((root / "pages").glob("*.md")))}
        self.news = [read(p) for p in sorted((root / "news").glob("*.md"))]
        self.occasions = sorted((o for sid in self.schedules for o in self._occasions(sid)),
                                key=lambda o: (o["date"], o["start"], o["schedule"]))
        for s in self.suggestions.values():
            s["state"] = self._state(s)

    @staticmethod
    def _load(folder, key):
        out = {}
        for path in sorted(folder.glob("*.md")):
            meta, body = read(path)
            meta["_body"] = body
            out[one(meta, key)] = meta
        return out

    def _occasions(self, sid):
        meta = self.schedules[sid]
        if one(meta, "date"):
            dates = [day(meta, "date")]
        else:
            rule, first, until = one(meta, "repeat"), day(meta, "from"), day(meta, "until")
            last = min(until, HORIZON) if until else HORIZON
            weekly = re.fullmatch(r"每周([一二三四五六日])", rule)
            monthly = re.fullmatch(r"每月([\d、,，]+)日", rule)
            assert weekly or monthly, f"{sid}: test does not understand repeat {rule!r}"
            if weekly:
                match = lambda d: d.weekday() == "一二三四五六日".index(weekly.group(1))  # noqa: E731
            else:
                days = {int(x) for x in re.split(r"[、,，]", monthly.group(1))}
                match = lambda d: d.day in days  # noqa: E731
            dates = [first + datetime.timedelta(n) for n in range((last - first).days + 1)
                     if match(first + datetime.timedelta(n))]
        rota = [ids({"x": [line]}, "x") for line in meta.get("rota", [])]
        occasions = {}
        for index, d in enumerate(dates):
            occasions[d] = {
                "schedule": sid, "title": one(meta, "title"), "station": one(meta, "station"),
                "start": one(meta, "start"), "end": one(meta, "end"),
                "original": d, "date": d, "cancelled": False, "moved": False, "reason": "",
                "deputies": rota[index % len(rota)] if rota else ids(meta, "deputies"),
                "record": None, "url": f"/reception/{sid}/{d.isoformat()}/",
            }
        for d, (action, reason) in dated(meta, "exceptions"):
            o = occasions[d]
            o["reason"] = reason
            if action == "取消":
                o["cancelled"] = True
            else:
                o["moved"] = True
                o["date"] = datetime.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", action).group())
        by_date = {o["date"]: o for o in occasions.values()}
        for d, (visitors, opinions, summary) in dated(meta, "records"):
            by_date[d]["record"] = (int(visitors), int(opinions), summary)
        return list(occasions.values())

    @staticmethod
    def _state(s):
        for key in ("merged", "rejected", "withdrawn", "closed"):
            if one(s, key):
                return key
        if one(s, "evaluated"):
            return "rehandling" if one(s, "satisfaction") == "不满意" and not one(s, "second_reply") \
                else "evaluated"
        if one(s, "answered"):
            return "answered"
        if s.get("progress"):
            return "in_progress"
        return "assigned" if one(s, "assigned") else "received"

    # -- derived facts ------------------------------------------------------

    def newest_first(self, codes):
        return sorted(codes, key=lambda c: (day(self.suggestions[c], "received"), c), reverse=True)

    def deadline(self, s):
        if day(s, "deadline"):
            return day(s, "deadline")
        if day(s, "assigned"):
            return add_months(day(s, "assigned"), CONF["DEADLINE_MONTHS"][one(s, "source")])
        return None

    def figures(self, codes):
        items = [self.suggestions[c] for c in codes]
        items = [s for s in items if s["state"] not in ("merged", "rejected", "withdrawn")]
        answered = [s for s in items if day(s, "answered")]
        on_time = [s for s in answered if self.deadline(s) and day(s, "answered") <= self.deadline(s)]
        evaluated = [s for s in items if day(s, "evaluated")]
        happy = [s for s in evaluated
                 if (one(s, "second_satisfaction") or one(s, "satisfaction")) in ("满意", "基本满意")]
        return {"受理": f"{len(items)}件", "已答复": f"{len(answered)}件",
                "按时答复率": rate(len(on_time), len(answered)),
                "满意率": rate(len(happy), len(evaluated))}

    def unit_codes(self, uid):
        return [c for c, s in self.suggestions.items()
                if one(s, "lead_unit") == uid or uid in ids(s, "assist_units")]


# -- the built site ------------------------------------------------------------

class Site:
    def __init__(self, output):
        self.output = output

    def file(self, url):
        path = self.output / url.lstrip("/")
        return path / "index.html" if url.endswith("/") else path

    @functools.lru_cache(maxsize=None)
    def page(self, url):
        path = self.file(url)
        assert path.is_file(), f"{url} was not generated"
        return BeautifulSoup(path.read_text("utf-8"), "html.parser")

    def html_files(self):
        return sorted(self.output.rglob("*.html"))


@pytest.fixture(scope="session")
def sample():
    problems = check(CONTENT)
    assert not problems, "the sample content does not pass `invoke check`:\n" + "\n".join(map(str, problems))
    return Sample(CONTENT)


@pytest.fixture(scope="session")
def site(sample, sample_output):
    return Site(sample_output)


def facts(soup):
    """dt text -> dd element of the page's first ``dl.facts``."""
    dl = soup.select_one("dl.facts")
    return {squash(div.dt.get_text()): div.dd for div in dl.find_all("div")}


def figures(el):
    return {squash(div.dt.get_text()): squash(div.dd.get_text())
            for div in el.select("dl.figures > div")}


def section(soup, heading_id):
    el = soup.find("section", attrs={"aria-labelledby": heading_id})
    assert el is not None, f"no section {heading_id}"
    return el


def hrefs(el, prefix):
    return [a["href"] for a in el.find_all("a", href=True) if a["href"].startswith(prefix)]


def item_hrefs(el, prefix="/suggestions/"):
    return [li.select_one("a.item-title")["href"] for li in el.select("li.item")
            if li.select_one("a.item-title")["href"].startswith(prefix)]


def s_url(code):
    return f"/suggestions/{code}/"


# -- site-wide -----------------------------------------------------------------

PREFS_JS = "/theme/js/prefs.js"  # the reader's display switches, on every page (test_accessibility.py)


def other_scripts(soup):
    """<script> elements other than the site-wide prefs.js."""
    return [t for t in soup.find_all("script") if t.get("src") != PREFS_JS]


def test_every_page_is_plain_zh_cn_html_with_working_links(site):
    failures = []
    files = site.html_files()
    assert len(files) > 100
    for path in files:
        rel = path.relative_to(site.output).as_posix()
        soup = site.page("/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
        html = soup.find("html")
        if html is None or html.get("lang") != "zh-CN":
            failures.append(f"{rel}: no <html lang=zh-CN>")
        if not (soup.title and soup.title.get_text(strip=True)):
            failures.append(f"{rel}: no <title>")
        if len(soup.find_all("h1")) != 1:
            failures.append(f"{rel}: {len(soup.find_all('h1'))} <h1>")
        # Readable without JavaScript: no script at all, so nothing depends on one.
        # The exception is the intake issue's form (/submit/...): its own same-host
        # script only enhances a form that posts without it; so does 查询进度's
        # (/track/: a GET form the intake answers without it). And on every page the
        # reader's 大字/高对比 switches: one same-host theme/js/prefs.js in <head> that
        # only sets classes on <html>; its buttons are `hidden` in the HTML, so
        # without JavaScript nothing is offered that needs it.
        prefs = [t for t in soup.find_all("script") if t.get("src") == PREFS_JS]
        if len(prefs) != 1 or prefs[0].parent.name != "head" or prefs[0].get_text(strip=True):
            failures.append(f"{rel}: not exactly one {PREFS_JS} in <head>")
        bar = soup.select("[data-prefs]")
        if len(bar) != 1 or not bar[0].has_attr("hidden"):
            failures.append(f"{rel}: the 大字/高对比 switches are not hidden without JavaScript")
        for tag in soup.find_all(["script", "noscript", "iframe", "embed", "object"]):
            if any(tag is t for t in prefs):
                continue
            # 站内搜索 (/search/) too: a GET form; without its script the page links to the indexes.
            if rel.startswith(("submit/", "track/", "search/")) and tag.name == "script" and tag.get("src", "").startswith("/"):
                form = soup.find("form", method="post" if rel.startswith("submit/") else "get")
                if form is None or not form.get("action"):
                    failures.append(f"{rel}: the form does not work without its script")
                continue
            failures.append(f"{rel}: <{tag.name}>")
        for tag in soup.find_all(["link", "script", "img", "source", "video", "audio", "input"]):
            for attr in ("href", "src", "srcset"):
                value = tag.get(attr) or ""
                if re.match(r"(https?:)?//", value):
                    failures.append(f"{rel}: <{tag.name} {attr}={value}> loads from another host")
        # (A form's action is the intake function, not a file of the site.)
        for tag in soup.find_all(["a", "link", "img", "script"]):
            value = tag.get("href") or tag.get("src") or ""
            if not value.startswith("/") or value.startswith("//"):
                continue  # external map links (<a> only, checked above) and tel:/geo:
            target = value.split("#")[0].split("?")[0]
            resolved = site.file(target)
            if not resolved.is_file() and not (resolved / "index.html").is_file():
                # /submit/ is the intake issue's page (the form); it is being added
                # separately, so a missing /submit/ address is not a broken link here.
                if target.startswith("/submit/"):
                    continue
                failures.append(f"{rel}: link {value} does not resolve")
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures[:60])


# -- home ------------------------------------------------------------------------

def test_home_upcoming_reception_days_next_14_days(site, sample):
    last = DAY + datetime.timedelta(days=CONF["HOME_UPCOMING_DAYS"])
    expected = [o for o in sample.occasions if DAY <= o["date"] <= last]
    assert expected, "the sample should have reception days in the next two weeks"
    items = section(site.page("/"), "upcoming-h").select("li.occasion-item")
    shown = [(li.time["datetime"], li.select("p.item-meta")[1].span.get_text(strip=True),
              li.a["href"]) for li in items]
    assert shown == [(o["date"].isoformat(), one(sample.stations[o["station"]], "name"), o["url"])
                     for o in expected]
    for li, o in zip(items, expected):
        assert ("已取消" in li.get_text()) == o["cancelled"]


def test_home_latest_answered(site, sample):
    answered = sorted((c for c, s in sample.suggestions.items() if day(s, "answered")),
                      key=lambda c: (day(sample.suggestions[c], "answered"), c), reverse=True)
    latest = section(site.page("/"), "latest-h")
    assert item_hrefs(latest) == [s_url(c) for c in answered[:CONF["HOME_LATEST_ANSWERED"]]]


def test_home_key_figures(site, sample):
    soup = site.page("/")
    assert figures(section(soup, "figures-h")) == sample.figures(sample.suggestions)
    entries = soup.select_one("nav.entries")
    assert f"{len(sample.deputies)} 名代表" in entries.get_text()
    assert f"共有代表之家、联络站 {len(sample.stations)} 个" in section(soup, "figures-h").get_text()


def test_home_entry_points(site):
    entries = {a.strong.get_text(strip=True): a["href"]
               for a in site.page("/").select("nav.entries a")}
    assert entries == {"找代表": "/deputies/", "接待日": "/reception/",
                       "我要留言": "/submit/", "办理结果": "/suggestions/"}
    for target in ("/deputies/", "/reception/", "/suggestions/"):
        assert site.file(target).is_file()


# -- deputies --------------------------------------------------------------------

def grouped_cards(soup):
    groups = {}
    for sec in soup.select("main section"):
        name = sec.h2.contents[0].strip()
        groups[name] = [a["href"] for a in sec.select("li.deputy-card a.item-title")]
    return groups


@pytest.mark.parametrize("url, field", [("/deputies/", "group"),
                                        ("/deputies/constituencies/", "constituency")])
def test_deputy_index_by_group_and_constituency(site, sample, url, field):
    expected = defaultdict(set)
    for did, d in sample.deputies.items():
        expected[one(d, field)].add(f"/deputies/{did}/")
    groups = grouped_cards(site.page(url))
    every = [href for members in groups.values() for href in members]
    assert Counter(every) == Counter(f"/deputies/{did}/" for did in sample.deputies)
    assert {name: set(members) for name, members in groups.items()} == expected
    assert f"共有 {len(sample.deputies)} 名人大代表" in site.page(url).get_text()


def test_deputy_index_by_level(site, sample):
    groups = grouped_cards(site.page("/deputies/levels/"))
    expected = defaultdict(set)
    for did, d in sample.deputies.items():
        for level in ids(d, "levels"):
            expected[f"{level}人大代表"].add(f"/deputies/{did}/")
    assert {name: set(members) for name, members in groups.items()} == expected
    for members in groups.values():
        assert len(members) == len(set(members))
    assert list(groups) == [f"{lv}人大代表" for lv in LEVELS if f"{lv}人大代表" in expected]


def test_deputy_pages(site, sample):
    for did, d in sample.deputies.items():
        soup = site.page(f"/deputies/{did}/")
        assert soup.h1.get_text(strip=True) == one(d, "name")
        f = facts(soup)
        assert squash(f["代表层级"].get_text()) == "、".join(ids(d, "levels"))
        for label, key in (("届别", "term"), ("选区", "constituency"), ("代表小组", "group"),
                           ("职业", "occupation"), ("民族", "ethnicity"), ("性别", "gender")):
            assert squash(f[label].get_text()) == squash(one(d, key)), (did, label)
        station = sample.stations[one(d, "station")]
        assert f["所在联络站"].a["href"] == f"/stations/{one(d, 'station')}/"
        assert f["所在联络站"].get_text(strip=True) == one(station, "name")
        if one(d, "households") and int(one(d, "households")):
            assert squash(f["联系群众"].get_text()) == f"{one(d, 'households')}户"
        # Suggestions: led, co-signed, addressed.
        led = [c for c, s in sample.suggestions.items() if one(s, "lead") == did]
        cosigned = [c for c, s in sample.suggestions.items() if did in ids(s, "cosigners")]
        addressed = [c for c, s in sample.suggestions.items() if did in ids(s, "addressed")]
        mine = [o for o in sample.occasions if did in o["deputies"]]
        held = [o for o in mine if o["date"] <= DAY and not o["cancelled"]]
        assert figures(section(soup, "perf-h")) == {
            "领衔提出建议": f"{len(led)}件", "附议建议": f"{len(cosigned)}件",
            "收到群众意见": f"{len(addressed)}件", "参加接待选民": f"{len(held)}次"}, did
        assert item_hrefs(section(soup, "raised-h")) == [s_url(c) for c in sample.newest_first(led + cosigned)]
        assert item_hrefs(section(soup, "addr-h")) == [s_url(c) for c in sample.newest_first(addressed)]
        upcoming = [o for o in mine if o["date"] >= DAY and not o["cancelled"]][:10]
        duty = section(soup, "duty-h").select("li.occasion-item")
        assert [(li.a["href"], li.time["datetime"]) for li in duty] == \
            [(o["url"], o["date"].isoformat()) for o in upcoming], did


def test_some_deputies_have_upcoming_duty(site, sample):
    on_duty = {d for o in sample.occasions if o["date"] >= DAY and not o["cancelled"] for d in o["deputies"]}
    assert on_duty
    for did in on_duty:
        assert section(site.page(f"/deputies/{did}/"), "duty-h").select("li.occasion-item")


def test_same_name_deputies_have_distinct_pages(site, sample):
    by_name = defaultdict(list)
    for did, d in sample.deputies.items():
        by_name[one(d, "name")].append(did)
    twins = {name: dids for name, dids in by_name.items() if len(dids) > 1}
    assert twins, "the sample should have two deputies with the same name"
    index = site.page("/deputies/")
    for name, dids in twins.items():
        pages = [site.file(f"/deputies/{did}/") for did in dids]
        assert len(set(pages)) == len(dids) and all(p.is_file() for p in pages)
        assert len({p.read_bytes() for p in pages}) == len(dids)
        for did in dids:
            assert site.page(f"/deputies/{did}/").h1.get_text(strip=True) == name
        listed = [a["href"] for a in index.select("a.item-title") if a.get_text(strip=True) == name]
        assert sorted(listed) == sorted(f"/deputies/{did}/" for did in dids)


# -- stations ----------------------------------------------------------------------

def test_stations_index(site, sample):
    items = site.page("/stations/").select("main li.item")
    assert [li.a["href"] for li in items] == [f"/stations/{sid}/" for sid in sorted(sample.stations)]
    for li in items:
        sid = li.a["href"].split("/")[2]
        st = sample.stations[sid]
        text = squash(li.get_text())
        members = [did for did, d in sample.deputies.items() if one(d, "station") == sid]
        for value in (one(st, "name"), one(st, "address"), one(st, "hours"), f"{len(members)}名代表"):
            assert squash(value) in text, (sid, value)


def test_station_pages(site, sample):
    for sid, st in sample.stations.items():
        soup = site.page(f"/stations/{sid}/")
        assert soup.h1.get_text(strip=True) == one(st, "name")
        f = facts(soup)
        assert squash(f["地址"].get_text()) == squash(one(st, "address"))
        assert squash(f["开放时间"].get_text()) == squash(one(st, "hours"))
        assert f["联系电话"].get_text(strip=True) == one(st, "phone")
        assert f["联系电话"].a["href"] == "tel:" + one(st, "phone").replace("-", "")
        members = {f"/deputies/{did}/" for did, d in sample.deputies.items() if one(d, "station") == sid}
        cards = [a["href"] for a in section(soup, "dep-h").select("a.item-title")]
        assert len(cards) == len(members) and set(cards) == members
        lat, lon = (float(x) for x in re.split(r"[,，]", one(st, "coordinates")))
        map_links = [a["href"] for a in f["位置"].find_all("a")]
        amap = [h for h in map_links if h.startswith("https://")]
        assert amap, sid
        numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", amap[0])]
        assert lat in numbers and lon in numbers, amap[0]
        assert f"geo:{lat},{lon}" in map_links or any(
            [float(x) for x in re.findall(r"-?\d+\.\d+", h)] == [lat, lon] for h in map_links if h.startswith("geo:"))
        assert not soup.find_all("iframe") and not other_scripts(soup)


# -- reception days -------------------------------------------------------------------

def test_reception_index(site, sample):
    soup = site.page("/reception/")
    upcoming = [o for o in sample.occasions if DAY <= o["date"] <= HORIZON]
    assert [li.a["href"] for li in section(soup, "up-h").select("li.occasion-item")] == \
        [o["url"] for o in upcoming]
    months = {(o["date"].year, o["date"].month) for o in sample.occasions}
    assert set(hrefs(section(soup, "arc-h"), "/reception/")) == \
        {f"/reception/{y}/{m:02d}/" for y, m in months}
    assert set(hrefs(section(soup, "sch-h"), "/reception/")) == \
        {f"/reception/{sid}/" for sid in sample.schedules}


def test_reception_month_archives(site, sample):
    months = defaultdict(list)
    for o in sample.occasions:
        months[(o["date"].year, o["date"].month)].append(o)
    for (y, m), group in months.items():
        soup = site.page(f"/reception/{y}/{m:02d}/")
        items = soup.select("main li.occasion-item")
        assert [(li.a["href"], li.time["datetime"]) for li in items] == \
            [(o["url"], o["date"].isoformat()) for o in group], (y, m)
        for li, o in zip(items, group):
            assert ("已取消" in li.get_text()) == o["cancelled"]


def test_reception_day_pages(site, sample):
    kinds = Counter()
    for o in sample.occasions:
        soup = site.page(o["url"])
        text = squash(soup.select_one("main").get_text())
        assert soup.h1.get_text(strip=True) == o["title"]
        f = facts(soup)
        assert f["日期"].time["datetime"] == o["date"].isoformat()
        assert squash(f["时间"].get_text()) == f"{o['start']}—{o['end']}"
        assert f["地点"].a["href"] == f"/stations/{o['station']}/"
        assert [a["href"] for a in f["接待代表"].find_all("a")] == [f"/deputies/{d}/" for d in o["deputies"]]
        if o["cancelled"]:
            kinds["cancelled"] += 1
            assert soup.select_one(".badge.cancelled").get_text(strip=True) == "已取消"
            assert squash(o["reason"]) in squash(soup.select_one("p.notice").get_text())
        else:
            assert "已取消" not in text
        if o["moved"]:
            kinds["moved"] += 1
            notice = squash(soup.select_one("p.notice").get_text())
            assert cn(o["original"]) in notice and cn(o["date"]) in notice and squash(o["reason"]) in notice
        if o["record"]:
            kinds["record"] += 1
            visitors, opinions, summary = o["record"]
            assert figures(section(soup, "rec-h")) == {"接待群众": f"{visitors}人次", "收集意见": f"{opinions}条"}
            assert squash(summary) in text
        else:
            assert soup.find(id="rec-h") is None
    assert kinds["cancelled"] and kinds["moved"] and kinds["record"], kinds


# -- suggestions --------------------------------------------------------------------

def test_suggestions_index_buckets(site, sample):
    soup = site.page("/suggestions/")
    months = Counter((day(s, "received").year, day(s, "received").month) for s in sample.suggestions.values())
    shown = {a["href"]: squash(a.get_text()) for a in section(soup, "mon-h").find_all("a")}
    assert shown == {f"/suggestions/{y}/{m:02d}/": f"{y}年{m}月（{n}）" for (y, m), n in months.items()}
    cats = Counter(one(s, "category") for s in sample.suggestions.values())
    shown = {a["href"]: squash(a.get_text()) for a in section(soup, "cat-h").find_all("a")}
    assert shown == {f"/suggestions/category/{CATEGORY_SLUG[c]}/": f"{c}（{n}）" for c, n in cats.items()}
    states = Counter(s["state"] for s in sample.suggestions.values())
    shown = {a["href"]: squash(a.get_text()) for a in section(soup, "st-h").find_all("a")}
    assert shown == {f"/suggestions/status/{st}/": f"{STATE_LABELS[st]}（{n}）" for st, n in states.items()}
    assert figures(soup) == sample.figures(sample.suggestions)
    supervised = [c for c, s in sample.suggestions.items() if one(s, "supervised") == "是"]
    assert item_hrefs(section(soup, "sup-h")) == [s_url(c) for c in sample.newest_first(supervised)]
    assert item_hrefs(section(soup, "latest-h")) == \
        [s_url(c) for c in sample.newest_first(sample.suggestions)[:20]]


def test_suggestion_month_pages(site, sample):
    months = defaultdict(list)
    for code, s in sample.suggestions.items():
        months[(day(s, "received").year, day(s, "received").month)].append(code)
    for (y, m), codes in months.items():
        soup = site.page(f"/suggestions/{y}/{m:02d}/")
        assert item_hrefs(soup.select_one("main")) == [s_url(c) for c in sample.newest_first(codes)]
        assert f"共 {len(codes)} 件" in soup.get_text()


def check_bucket(site, sample, base, codes):
    """A bucketed list: the index shows the newest 20, one page per year all of them."""
    ordered = sample.newest_first(codes)
    index = site.page(base)
    assert item_hrefs(index.select_one("main")) == [s_url(c) for c in ordered[:20]], base
    years = defaultdict(list)
    for c in ordered:
        years[day(sample.suggestions[c], "received").year].append(c)
    for year, group in years.items():
        page = site.page(f"{base}{year}/")
        assert item_hrefs(page.select_one("main")) == [s_url(c) for c in group], (base, year)
        assert f"{base}{year}/" in hrefs(index, base)


def test_suggestion_category_pages(site, sample):
    for slug, name in CONF["SUGGESTION_CATEGORIES"]:
        codes = [c for c, s in sample.suggestions.items() if one(s, "category") == name]
        check_bucket(site, sample, f"/suggestions/category/{slug}/", codes)


def test_suggestion_status_pages(site, sample):
    for state in STATE_LABELS:
        codes = [c for c, s in sample.suggestions.items() if s["state"] == state]
        check_bucket(site, sample, f"/suggestions/status/{state}/", codes)


def reply_paragraphs(markdown_text):
    for para in re.split(r"\n\s*\n", markdown_text.strip()):
        para = re.sub(r"^\s*(\d+\.|[-*+>])\s+", "", para, flags=re.M)
        para = squash(re.sub(r"[*_`#]", "", para))
        if para:
            yield para


def test_suggestion_pages(site, sample):
    seen = Counter()
    for code, s in sample.suggestions.items():
        soup = site.page(s_url(code))
        main = soup.select_one("main")
        text = squash(main.get_text())
        assert soup.h1.get_text(strip=True) == one(s, "title")
        f = facts(soup)
        assert f["受理编号"].get_text(strip=True) == code
        assert f["类别"].a["href"] == f"/suggestions/category/{CATEGORY_SLUG[one(s, 'category')]}/"
        # Timeline: every dated event, oldest first.
        times = [t["datetime"] for t in main.select("ol.timeline time")]
        assert times == sorted(times), code
        expected = [day(s, k) for k in ("received", "assigned", "answered", "evaluated", "second_reply",
                                        "closed", "merged", "rejected", "withdrawn") if day(s, k)]
        expected += [d for d, _ in dated(s, "progress") + dated(s, "followups")]
        assert Counter(times) == Counter(d.isoformat() for d in expected), code
        # Reply text, result class, satisfaction.
        body, _, reply = s["_body"].partition("## 答复")
        reply = reply.split("## 二次答复")[0]
        if one(s, "answered"):
            seen["answered"] += 1
            shown = squash(main.select_one(".reply").get_text())
            for para in reply_paragraphs(reply):
                assert para in shown, (code, para)
            result = one(s, "result")
            assert f"{result}类：{CONF['RESULT_CLASSES'][result]}" in squash(
                main.select_one(".badge.result").get_text())
        else:
            assert main.select_one(".reply") is None
        final = one(s, "second_satisfaction") or one(s, "satisfaction")
        badge = main.select_one(".badge.satisfaction")
        assert (badge.get_text(strip=True) if badge else None) == (final and f"评价：{final}"), code
        assert main.select_one(f".badge.state-{s['state']}").get_text(strip=True) == STATE_LABELS[s["state"]]
        if one(s, "supervised") == "是":
            seen["supervised"] += 1
            assert main.select_one(".badge.supervised").get_text(strip=True) == "重点督办"
            assert f["督办领导"].get_text(strip=True) == one(s, "supervisor")
        else:
            assert main.select_one(".badge.supervised") is None
        if one(s, "merged_into"):
            seen["merged"] += 1
            notice = [p for p in main.select("p.notice") if "重复" in p.get_text()][0]
            assert notice.a["href"] == s_url(one(s, "merged_into"))
            assert one(s, "merged_into") in notice.get_text()
            target = site.page(s_url(one(s, "merged_into")))
            assert s_url(code) in hrefs(target.select_one("article"), "/suggestions/")
        if one(s, "rejected"):
            seen["rejected"] += 1
            assert squash(one(s, "reject_reason")) in text
            assert "不予受理的理由" in text
        # The submitter appears only as surname + 某, or 匿名.
        source = squash(f["来源"].get_text())
        if one(s, "source") == "群众意见":
            match = re.fullmatch(r"群众意见（提出人：(.+)）", source)
            assert match and re.fullmatch(r"匿名|[\u4e00-\u9fff]{1,2}某", match.group(1)), (code, source)
            assert match.group(1) == (one(s, "submitter") or "匿名")
        else:
            assert source == "代表建议"
            assert f["领衔代表"].a["href"] == f"/deputies/{one(s, 'lead')}/"
        for label, key in (("主办单位", "lead_unit"),):
            if one(s, key):
                assert f[label].a["href"] == f"/units/{one(s, key)}/"
    assert all(seen[k] for k in ("answered", "supervised", "merged", "rejected")), seen


def test_unit_pages(site, sample):
    index = site.page("/units/")
    rows = {tr.th.a["href"]: [squash(td.get_text()) for td in tr.find_all("td")]
            for tr in index.select("tbody tr")}
    assert set(rows) == {f"/units/{uid}/" for uid in sample.units}
    for uid, unit in sample.units.items():
        codes = sample.unit_codes(uid)
        base = f"/units/{uid}/"
        soup = site.page(base)
        assert soup.h1.get_text(strip=True) == one(unit, "name")
        expected = sample.figures(codes)
        assert figures(soup) == expected, uid
        assert rows[base][:2] == [expected["受理"][:-1], expected["已答复"][:-1]]
        assert f"共{len(codes)}件" in squash(section(soup, "list-h").h2.get_text())
        items = section(soup, "list-h")
        assert item_hrefs(items) == [s_url(c) for c in sample.newest_first(codes)[:20]]
        years = defaultdict(list)
        for c in sample.newest_first(codes):
            years[day(sample.suggestions[c], "received").year].append(c)
        for year, group in years.items():
            page = site.page(f"{base}{year}/")
            assert item_hrefs(section(page, "list-h")) == [s_url(c) for c in group]


# -- ordinary pages, news, 404 -----------------------------------------------------------

@pytest.mark.parametrize("slug", ["about", "contact", "privacy"])
def test_ordinary_pages(site, sample, slug):
    meta, body = sample.pages[slug]
    soup = site.page(f"/{slug}/")
    assert soup.h1.get_text(strip=True) == one(meta, "title")
    first = next(reply_paragraphs(body))
    assert first in squash(soup.select_one("article").get_text())
    assert soup.find("a", href=f"/{slug}/")  # the footer links to it


def test_news(site, sample):
    listed = [a["href"] for a in site.page("/news/").select("main a.item-title")]
    assert sorted(listed) == sorted(f"/news/{one(m, 'slug')}/" for m, _ in sample.news)
    for meta, _ in sample.news:
        assert site.page(f"/news/{one(meta, 'slug')}/").h1.get_text(strip=True) == one(meta, "title")


def test_404_page(site):
    soup = site.page("/404.html")
    assert soup.h1.get_text(strip=True) == "页面不存在"
    links = {a["href"] for a in soup.select("main a")}
    assert {"/", "/deputies/", "/reception/", "/suggestions/"} <= links
