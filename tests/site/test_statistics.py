"""The statistics page (/statistics/): every figure, recomputed here.

Expected values come from the content files (test_pages' header reader and
date arithmetic), never from the plugin's Tally: a wrong definition, a
misfiled case or a chart that disagrees with its table fails.
"""

import re
from collections import OrderedDict

import pytest
from bs4 import BeautifulSoup

from test_pages import CONF, CONTENT, DAY, Sample, day, one, squash

EXCLUDED = ("merged", "rejected", "withdrawn")


@pytest.fixture(scope="module")
def data():
    return Sample(CONTENT)


@pytest.fixture(scope="module")
def page(sample_output):
    return BeautifulSoup((sample_output / "statistics" / "index.html").read_text("utf-8"), "html.parser")


def rate_text(part, whole):
    return "—" if not whole else f"{round(100.0 * part / whole, 1):g}%（{part}/{whole}）"


def figures(data, codes):
    """The eight figures of one row, as the page prints them."""
    items = [data.suggestions[c] for c in codes]
    items = [s for s in items if s["state"] not in EXCLUDED]
    answered = [s for s in items if day(s, "answered")]
    closed = [s for s in items if s["state"] == "closed"]
    on_time = [s for s in answered if data.deadline(s) and day(s, "answered") <= data.deadline(s)]
    evaluated = [s for s in items if day(s, "evaluated")]
    happy = [s for s in evaluated
             if (one(s, "second_satisfaction") or one(s, "satisfaction")) in ("满意", "基本满意")]
    f2f = [s for s in answered if one(s, "face_to_face") == "是"]
    overdue = [s for s in items if not day(s, "answered") and data.deadline(s) and DAY > data.deadline(s)]
    return [str(len(items)), str(len(answered)), str(len(closed)),
            rate_text(len(closed), len(items)), rate_text(len(on_time), len(answered)),
            rate_text(len(happy), len(evaluated)), rate_text(len(f2f), len(answered)), str(len(overdue))]


def table(soup, table_id):
    """label -> [cell texts] in page order."""
    el = soup.find("table", id=table_id)
    assert el is not None, table_id
    return OrderedDict((squash(tr.th.get_text()), [squash(td.get_text()) for td in tr.find_all("td")])
                       for tr in el.tbody.find_all("tr"))


def months(first, last):
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def expected_groups(data):
    codes = sorted(data.suggestions, key=lambda c: (day(data.suggestions[c], "received"), c))
    received = {c: day(data.suggestions[c], "received") for c in codes}
    years = OrderedDict()
    for c in codes:
        years.setdefault(f"{received[c].year}年", []).append(c)
    by_month = OrderedDict((f"{y}年{m}月", []) for y, m in months(received[codes[0]], received[codes[-1]]))
    for c in codes:
        by_month[f"{received[c].year}年{received[c].month}月"].append(c)
    units = OrderedDict()
    for uid in sorted(data.units):
        led = [c for c in codes if one(data.suggestions[c], "lead_unit") == uid]
        if led:
            units[one(data.units[uid], "name")] = led
    categories = OrderedDict()
    for _, name in CONF["SUGGESTION_CATEGORIES"]:
        mine = [c for c in codes if one(data.suggestions[c], "category") == name]
        if mine:
            categories[name] = mine
    sources = OrderedDict((src, [c for c in codes if one(data.suggestions[c], "source") == src])
                          for src in ("群众意见", "代表建议"))
    return {"t-years": years, "t-months": by_month, "t-units": units, "t-categories": categories,
            "t-sources": sources}


def test_overall_figures(page, data):
    shown = {squash(div.dt.get_text()): squash(div.dd.get_text()) for div in page.select("dl.stat-figures > div")}
    f = figures(data, data.suggestions)
    assert shown == {"受理": f[0] + "件", "已答复": f[1] + "件", "已办结": f[2] + "件", "逾期未答复": f[7] + "件",
                     "办结率": f[3], "按时答复率": f[4], "满意率": f[5], "面商率": f[6]}
    # The sample exercises every rate (none is a bare "—").
    assert all(value != "—" for value in f[3:7])


@pytest.mark.parametrize("table_id", ["t-years", "t-months", "t-units", "t-categories", "t-sources"])
def test_group_tables(page, data, table_id):
    expected = expected_groups(data)[table_id]
    shown = table(page, table_id)
    assert list(shown) == list(expected)
    for label, codes in expected.items():
        assert shown[label] == figures(data, codes), (table_id, label)
    # Rows add up to the whole (each case is in exactly one row).
    if table_id != "t-units":
        assert sum(int(cells[0]) for cells in shown.values()) == int(figures(data, data.suggestions)[0])


def test_group_links(page, data):
    slugs = {name: slug for slug, name in CONF["SUGGESTION_CATEGORIES"]}
    for tr in page.find("table", id="t-categories").tbody.find_all("tr"):
        assert tr.th.a["href"] == f"/suggestions/category/{slugs[squash(tr.th.get_text())]}/"
    names = {one(u, "name"): uid for uid, u in data.units.items()}
    for tr in page.find("table", id="t-units").tbody.find_all("tr"):
        assert tr.th.a["href"] == f"/units/{names[squash(tr.th.get_text())]}/"


def test_definitions_are_stated(page, data):
    defs = {squash(div.dt.get_text()): squash(div.dd.get_text()) for div in page.select("dl.definitions > div")}
    assert defs["办结率"] == "已办结的件数÷受理件数"
    assert defs["按时答复率"].endswith("÷已答复件数") and "办理期限" in defs["按时答复率"]
    assert defs["满意率"].endswith("÷已评价件数") and "基本满意" in defs["满意率"] and "二次答复" in defs["满意率"]
    assert defs["面商率"].endswith("÷已答复件数") and "面商" in defs["面商率"]
    counts = {key: sum(1 for s in data.suggestions.values() if s["state"] == key) for key in EXCLUDED}
    note = defs["受理件数"]
    for key, label in (("merged", "重复合并"), ("rejected", "不予受理"), ("withdrawn", "撤回")):
        assert f"{label}{counts[key]}件" in note, note


def chart(page, chart_id):
    svg = page.find("svg", id=None, attrs={"aria-labelledby": re.compile(f"^{chart_id}-t")})
    assert svg is not None, chart_id
    assert svg["role"] == "img"
    title = svg.find("title")
    assert title["id"] == f"{chart_id}-t" and title.get_text(strip=True)
    labels = [t.get_text() for t in svg.select("text.label")]
    values = [t.get_text() for t in svg.select("text.value")]
    return labels, values


def column(page, table_id, index):
    return [cells[index] for cells in table(page, table_id).values()]


def test_charts_show_the_tables_numbers(page, data):
    labels, values = chart(page, "chart-months")
    assert values == column(page, "t-months", 0)
    assert labels == [f"{label.split('年')[1]}" for label in table(page, "t-months")]
    labels, values = chart(page, "chart-units")
    assert labels == list(table(page, "t-units")) and values == column(page, "t-units", 4)
    labels, values = chart(page, "chart-categories")
    assert labels == list(table(page, "t-categories")) and values == column(page, "t-categories", 0)
    # And those tables hold the independently computed numbers (checked above);
    # here the chart's numbers directly against the content once more.
    groups = expected_groups(data)
    assert values == [figures(data, codes)[0] for codes in groups["t-categories"].values()]
    # No colour-only information: every bar carries its value as text, and no script draws it.
    for svg in page.select("svg.chart"):
        assert len(svg.select("text.value")) == len(svg.select("g.bar"))
    # (The only script is the site-wide 大字/高对比 switch, theme/js/prefs.js.)
    assert [t.get("src") for t in page.find_all("script")] == ["/theme/js/prefs.js"]


def test_bar_lengths_follow_the_values(page):
    svg = page.find("svg", attrs={"aria-labelledby": re.compile("^chart-categories-t")})
    lengths = [int(g.rect["width"]) if g.rect else 0 for g in svg.select("g.bar")]
    values = [int(t.get_text()) for t in svg.select("text.value")]
    top = max(values)
    assert lengths == [round(320 * v / top) for v in values]


def test_supervised_items(page, data):
    codes = sorted((c for c, s in data.suggestions.items() if one(s, "supervised") == "是"),
                   key=lambda c: (day(data.suggestions[c], "received"), c), reverse=True)
    assert codes
    rows = page.select("table.supervised tbody tr")
    assert [tr.a["href"] for tr in rows] == [f"/suggestions/{c}/" for c in codes]
    labels = {"received": "已受理", "assigned": "已交办", "in_progress": "办理中", "answered": "已答复",
              "rehandling": "重新办理", "evaluated": "已评价", "closed": "已办结"}
    for tr, c in zip(rows, codes):
        s = data.suggestions[c]
        cells = [squash(td.get_text()) for td in tr.find_all("td")]
        assert squash(tr.th.get_text()) == squash(one(s, "title"))
        assert cells[2] == squash(one(s, "supervisor"))
        assert cells[3].startswith(labels[s["state"]])
        assert cells[1] == (one(data.units[one(s, "lead_unit")], "name") if one(s, "lead_unit") else "—")


def test_linked_from_bulletins_and_home(sample_output):
    home = BeautifulSoup((sample_output / "index.html").read_text("utf-8"), "html.parser")
    assert home.find("a", href="/statistics/")


# -- the one-pass Statistics and Tally against their definitions ----------------------

import datetime  # noqa: E402
import random  # noqa: E402

import statistics_reference as ref  # noqa: E402
from portal import statistics as plugin  # noqa: E402
from portal.tally import Tally  # noqa: E402

D = datetime.date


@pytest.fixture(scope="module")
def fixture_cat(tmp_path_factory):
    return ref.fixture_catalog(tmp_path_factory.mktemp("statistics"))


def test_statistics_and_tallies_match_the_definition_on_a_generated_fixture(fixture_cat):
    cat = fixture_cat
    cases = cat.published_suggestions()
    units = list(cat.units.values())
    for today in (cat.today, cat.today + datetime.timedelta(days=400)):
        ref.assert_same(ref.Statistics(cases, units, cat.settings, today),
                        plugin.Statistics(cases, units, cat.settings, today))
        ref.assert_same(ref.Tally(cases, today), Tally(cases, today))
        for unit in units:  # as the unit pages count them (lead and assisting)
            ref.assert_same(ref.Tally(unit.suggestions, today), Tally(unit.suggestions, today))
        for deputy in cat.deputies.values():  # as the deputy pages count them
            mine = deputy.led + deputy.cosigned + deputy.addressed
            ref.assert_same(ref.Tally(mine, today), Tally(mine, today))
    stats = plugin.Statistics(cases, units, cat.settings, cat.today)
    assert stats.overall.overdue and stats.overall.satisfied and all(stats.overall.excluded.values())


SETTINGS = {"SUGGESTION_CATEGORIES": [("transport", "交通出行"), ("water", "饮水安全"), ("education", "教育"),
                                      ("health", "医疗卫生"), ("other", "其他")]}


def test_statistics_and_tallies_match_the_definition_on_edge_cases():
    Case = ref.case_class()
    a, b = ref.Unit("a"), ref.Unit("b")
    today = D(2025, 6, 15)
    base = dict(lead_unit=a, assigned=D(2025, 1, 10), deadline=D(2025, 3, 10))
    sets = [
        [],
        [Case("X1", **base)],
        [Case("X1", **base, answered=D(2025, 4, 1))],  # answered late
        [Case("X1", **base, answered=D(2025, 3, 10), face_to_face=True)],  # on the deadline
        [Case("X1", **base, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="不满意",
              second_reply=D(2025, 3, 1), second_satisfaction="满意"),
         Case("X2", **base, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="不满意"),
         Case("X3", **base, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="基本满意",
              closed=D(2025, 2, 6))],
        [Case("X1", merged=D(2025, 1, 2)), Case("X2", rejected=D(2025, 1, 2)),
         Case("X3", **base, withdrawn=D(2025, 2, 2))],  # only left-out cases
        [Case("X1", lead_unit=b, assigned=D(2025, 1, 10)), Case("X2", received=D(2024, 12, 31), supervised=True),
         Case("X3", received=D(2025, 5, 1), source="代表建议", category="教育", supervised=True),
         Case("X3", received=D(2025, 5, 1), category="交通出行", supervised=True)],  # gaps between months, ties
    ]
    for cases in sets:
        ref.assert_same(ref.Statistics(cases, [a, b], SETTINGS, today),
                        plugin.Statistics(cases, [a, b], SETTINGS, today))
        ref.assert_same(ref.Tally(cases, today), Tally(cases, today))


def test_statistics_and_tallies_match_the_definition_on_random_cases():
    rng = random.Random(11)
    units = [ref.Unit(slug) for slug in ("a", "b", "c")]
    for _ in range(150):
        cases = ref.random_cases(rng, rng.choice([1, 2, 5, 30, 120]), D(2024, 1, 1), D(2025, 6, 30), units)
        for today in (D(2025, 7, 1), D(2024, 6, 30)):
            ref.assert_same(ref.Statistics(cases, units, SETTINGS, today),
                            plugin.Statistics(cases, units, SETTINGS, today))
            ref.assert_same(ref.Tally(cases, today), Tally(cases, today))
