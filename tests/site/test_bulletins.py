"""Monthly progress bulletins (/bulletins/YYYY-MM/): each month's figures
per lead unit, recomputed here from the content files as the page defines
them (as of the month's last day, or today for the current month)."""

import calendar
import datetime
from collections import OrderedDict

import pytest
from bs4 import BeautifulSoup

from test_pages import CONTENT, DAY, Sample, day, one, squash

EXCLUDED = ("merged", "rejected", "withdrawn")


@pytest.fixture(scope="module")
def data():
    return Sample(CONTENT)


def soup_of(output, url):
    path = output / url.strip("/") / "index.html"
    assert path.is_file(), f"{url} was not generated"
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def counted(data):
    """The cases a bulletin counts: assigned to a lead unit, not merged,
    rejected or withdrawn."""
    return {c: s for c, s in data.suggestions.items()
            if day(s, "assigned") and one(s, "lead_unit") and s["state"] not in EXCLUDED}


def all_months(data):
    first = min(day(s, "assigned") for s in counted(data).values())
    y, m = first.year, first.month
    out = []
    while (y, m) <= (DAY.year, DAY.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def cutoff(y, m):
    return DAY if (y, m) == (DAY.year, DAY.month) else datetime.date(y, m, calendar.monthrange(y, m)[1])


def rate_text(part, whole):
    return "—" if not whole else f"{round(100.0 * part / whole, 1):g}%（{part}/{whole}）"


def line(data, cases, y, m):
    """(cells as printed, overdue codes) for a set of cases."""
    end, start = cutoff(y, m), datetime.date(y, m, 1)

    def on(s, key):
        return day(s, key) is not None and day(s, key) <= end

    assigned = [(c, s) for c, s in cases.items() if on(s, "assigned")]
    answered = [(c, s) for c, s in assigned if on(s, "answered")]
    on_time = [c for c, s in answered if day(s, "answered") <= data.deadline(s)]
    overdue = sorted((c for c, s in assigned if not on(s, "answered") and end > data.deadline(s)),
                     key=lambda c: (data.deadline(cases[c]), c))
    ratings = []
    for c, s in assigned:
        if on(s, "evaluated"):
            second = one(s, "second_satisfaction") if on(s, "second_reply") else None
            ratings.append(second or one(s, "satisfaction"))
    happy = sum(1 for r in ratings if r in ("满意", "基本满意"))
    cells = [len([1 for _, s in assigned if day(s, "assigned") >= start]), len(assigned),
             len([1 for _, s in answered if day(s, "answered") >= start]), len(answered), len(on_time)]
    cells = [str(n) for n in cells]
    cells += [rate_text(len(on_time), len(answered)), str(len(overdue)), rate_text(happy, len(ratings))]
    return cells, overdue


def expected(data, y, m):
    cases = counted(data)
    units = OrderedDict()
    for uid in sorted({one(s, "lead_unit") for s in cases.values()}):
        mine = {c: s for c, s in cases.items() if one(s, "lead_unit") == uid}
        cells, overdue = line(data, mine, y, m)
        if cells[1] != "0":
            units[uid] = (cells, overdue)
    return units, line(data, cases, y, m)


def test_one_bulletin_per_month_and_the_index(sample_output, data):
    months = all_months(data)
    assert len(months) > 12
    made = sorted(p.name for p in (sample_output / "bulletins").iterdir() if p.is_dir())
    assert made == [f"{y}-{m:02d}" for y, m in months]
    index = soup_of(sample_output, "/bulletins/")
    links = [a["href"] for a in index.select("main tbody a")]
    assert links == [f"/bulletins/{y}-{m:02d}/" for y, m in reversed(months)]
    home = soup_of(sample_output, "/")
    y, m = months[-1]
    assert home.find("a", href=f"/bulletins/{y}-{m:02d}/"), "the home page links the latest bulletin"


@pytest.mark.parametrize("which", ["2026-10", "2026-11", "all"])
def test_bulletin_figures(sample_output, data, which):
    months = all_months(data) if which == "all" else [tuple(map(int, which.split("-")))]
    seen_overdue = 0
    for y, m in months:
        soup = soup_of(sample_output, f"/bulletins/{y}-{m:02d}/")
        units, (total, total_overdue) = expected(data, y, m)
        rows = soup.select("table.bulletin-table tbody tr")
        assert [tr["data-unit"] for tr in rows] == list(units), (y, m)
        for tr in rows:
            cells = [squash(td.get_text()) for td in tr.find_all("td")]
            assert cells == units[tr["data-unit"]][0], (y, m, tr["data-unit"])
            assert squash(tr.th.get_text()) == one(data.units[tr["data-unit"]], "name")
        foot = [squash(td.get_text()) for td in soup.select("table.bulletin-table tfoot td")]
        assert foot == total, (y, m)
        # Overdue items by name, title linked to the code's page, grouped by unit.
        listed = [a["href"] for a in soup.select("ul.overdue-list a")]
        want = [f"/suggestions/{c}/" for uid, (_, overdue) in units.items() for c in overdue]
        assert listed == want, (y, m)
        for li in soup.select("ul.overdue-list li"):
            code = li.a["href"].split("/")[2]
            assert squash(li.a.get_text()) == squash(one(data.suggestions[code], "title"))
            assert code in li.get_text()
        seen_overdue += len(total_overdue)
        end = cutoff(y, m)
        assert f"统计截至{end.year}年{end.month}月{end.day}日" in squash(soup.select_one("p.lead").get_text())
    if which == "all":
        assert seen_overdue, "the sample should have an overdue case in some month"


def test_bulletin_states_its_definitions(sample_output):
    text = squash(soup_of(sample_output, "/bulletins/2026-11/").get_text())
    for phrase in ("本月交办：交办日期在本月内的件数", "累计交办：交办日期不晚于统计截止日的件数",
                   "按时答复率=按时答复÷累计答复", "本月尚未结束时为今天", "协办单位不重复计入",
                   "重复合并、不予受理和撤回的件不计入"):
        assert phrase in text, phrase


def test_bulletin_is_printable(sample_output):
    soup = soup_of(sample_output, "/bulletins/2026-11/")
    assert soup.find("link", href="/theme/css/print.css")
    css = (sample_output / "theme" / "css" / "print.css").read_text("utf-8")
    assert "@page" in css and "size: A4" in css


# -- the one-sweep bulletins against the month-by-month definition ------------------

import random  # noqa: E402

import statistics_reference as ref  # noqa: E402
from portal import statistics as plugin  # noqa: E402

D = datetime.date


@pytest.fixture(scope="module")
def fixture_cat(tmp_path_factory):
    return ref.fixture_catalog(tmp_path_factory.mktemp("bulletins"))


def todays(cases, extra=()):
    """Cutoffs worth trying: the case dates, the days around them, month ends and firsts."""
    days = set(extra)
    for s in cases:
        for name in ("assigned", "answered", "evaluated", "second_reply", "deadline"):
            d = getattr(s, name)
            if d:
                days.update((d, d - datetime.timedelta(days=1), d + datetime.timedelta(days=1),
                             D(d.year, d.month, 1), plugin.month_end(d.year, d.month)))
    return sorted(days)


def test_bulletins_match_the_definition_on_a_generated_fixture(fixture_cat):
    cases = fixture_cat.published_suggestions()
    today = fixture_cat.today
    made = plugin.bulletins(cases, today)
    assert len(made) > 12 and any(b.total.overdue for b in made) and any(b.total.evaluated for b in made)
    ref.assert_same(ref.bulletins(cases, today), made)
    for day in (today + datetime.timedelta(days=1), plugin.month_end(today.year, today.month),
                D(today.year + 1, 1, 1), D(today.year + 1, 6, 30), D(2020, 1, 1)):
        ref.assert_same(ref.bulletins(cases, day), plugin.bulletins(cases, day))


def edge_cases():
    Case = ref.case_class()
    a, b = ref.Unit("a"), ref.Unit("b")
    late = dict(lead_unit=a, assigned=D(2025, 1, 10), deadline=D(2025, 3, 10))
    yield "empty", []
    yield "one open, overdue", [Case("X1", **late)]
    yield "answered late", [Case("X1", **late, answered=D(2025, 5, 2))]
    yield "answered on the deadline, a month end", [
        Case("X1", lead_unit=a, assigned=D(2025, 1, 31), deadline=D(2025, 3, 31), answered=D(2025, 3, 31))]
    yield "answered in the month assigned", [Case("X1", **late, answered=D(2025, 1, 20))]
    yield "second reply", [
        Case("X1", **late, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="不满意",
             second_reply=D(2025, 4, 3), second_satisfaction="满意"),
        Case("X2", **late, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="不满意",
             second_reply=D(2025, 4, 3), second_satisfaction="不满意"),
        Case("X3", **late, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="不满意",
             second_reply=D(2025, 4, 3)),
        Case("X4", **late, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5), satisfaction="基本满意",
             second_satisfaction="满意"),
        Case("X5", **late, answered=D(2025, 2, 1), evaluated=D(2025, 2, 5)),  # no satisfaction given
    ]
    yield "left out", [
        Case("X1", **late, merged=D(2025, 2, 1)), Case("X2", **late, rejected=D(2025, 2, 1)),
        Case("X3", **late, withdrawn=D(2025, 2, 1)), Case("X4", **late),
        Case("X5", lead_unit=a, assigned=D(2025, 1, 10)),  # no deadline
        Case("X6", assigned=D(2025, 1, 10), deadline=D(2025, 3, 10)),  # no lead unit
        Case("X7", lead_unit=a, deadline=D(2025, 3, 10))]  # not assigned
    yield "only left out", [Case("X1", **late, merged=D(2025, 2, 1))]
    yield "dates out of order", [
        Case("X1", **late, answered=D(2024, 12, 1)),
        Case("X2", **late, answered=D(2025, 2, 1), evaluated=D(2024, 12, 1), satisfaction="满意"),
        Case("X3", **late, answered=D(2025, 2, 1), evaluated=D(2025, 6, 1), satisfaction="不满意",
             second_reply=D(2025, 1, 1), second_satisfaction="满意"),
        Case("X4", lead_unit=a, assigned=D(2025, 1, 10), deadline=D(2024, 12, 1))]
    yield "assigned after today", [Case("X1", **late), Case("X2", lead_unit=b, assigned=D(2027, 1, 1),
                                                           deadline=D(2027, 3, 1))]
    yield "ties and units", [
        Case(code, lead_unit=unit, assigned=D(2025, 1, day), deadline=D(2025, 2, 1))
        for code, unit, day in (("X3", b, 5), ("X1", a, 6), ("X2", b, 7), ("X1", b, 8), ("X0", a, 9), ("X2", a, 3))]


@pytest.mark.parametrize("name,cases", list(edge_cases()), ids=[name for name, _ in edge_cases()])
def test_bulletins_match_the_definition_on_edge_cases(name, cases):
    for today in todays(cases, extra=(D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1))):
        ref.assert_same(ref.bulletins(cases, today), plugin.bulletins(cases, today))


def test_bulletins_match_the_definition_on_random_cases():
    rng = random.Random(7)
    units = [ref.Unit(slug) for slug in ("a", "b", "c")]
    compared = 0
    for _ in range(150):
        cases = ref.random_cases(rng, rng.choice([1, 2, 5, 30, 120]), D(2024, 1, 1), D(2025, 6, 30), units)
        for today in (D(2025, 7, 1), D(2025, 7, 31), D(2025, 2, 28), D(2024, 3, 1)):
            old = ref.bulletins(cases, today)
            ref.assert_same(old, plugin.bulletins(cases, today))
            compared += len(old)
    assert compared > 1000


def test_bulletin_and_unit_line_still_work_one_by_one(fixture_cat):
    cases = [s for s in fixture_cat.published_suggestions()
             if s.assigned and s.lead_unit and s.deadline and s.state not in EXCLUDED]
    units = {s.lead_unit.slug: s.lead_unit for s in cases}
    today = fixture_cat.today
    for year, month in [(2025, 3), (2026, 1), (today.year, today.month)]:
        ref.assert_same(ref.Bulletin(year, month, cases, units, today),
                        plugin.Bulletin(year, month, cases, units, today))
        cutoff = plugin.month_end(year, month)
        ref.assert_same(ref.UnitLine(None, cases, year, month, cutoff),
                        plugin.UnitLine(None, cases, year, month, cutoff))
