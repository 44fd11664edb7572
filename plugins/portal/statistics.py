"""Statistics (办理情况) and monthly progress bulletins (办理进度通报).

The rates come from ``Tally`` (one definition each); this module groups the
suggestions and works out, for a bulletin, what was known at the end of a
month. The definitions below are printed on the pages that show the figures.
"""

import calendar
import datetime
from bisect import bisect_left, bisect_right
from collections import OrderedDict, namedtuple

from .tally import Tally, facts

EXCLUDED = ("merged", "rejected", "withdrawn")
EXCLUDED_LABELS = {"merged": "重复合并", "rejected": "不予受理", "withdrawn": "撤回"}
SOURCES = ("群众意见", "代表建议")

# (name, numerator, denominator) as stated on the statistics page.
RATE_DEFINITIONS = [
    ("办结率", "已办结的件数", "受理件数"),
    ("按时答复率", "在办理期限内（答复日期不晚于办理期限）答复的件数", "已答复件数"),
    ("满意率", "提出人评价为“满意”或“基本满意”的件数（评价“不满意”后经二次答复的，以二次答复后的评价为准）",
     "已评价件数"),
    ("面商率", "答复前与提出人当面沟通（面商）的件数", "已答复件数"),
]

Row = namedtuple("Row", "key label url tally")


def _rows(groups, label, url):
    """Rows of ``groups`` (key -> the ``facts`` of its cases, see tally.py)."""
    return [Row(key, label(key), url(key) if values else None, Tally.from_facts(values))
            for key, values in groups.items()]


def _group(items, key):
    groups = OrderedDict()
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


class Statistics:
    """Every figure of the statistics page."""

    def __init__(self, suggestions, units, settings, today):
        self.today = today
        # Each case's facts once, filed under its year, month, lead unit,
        # category and source in one pass; a group's Tally counts its facts
        # (figures do not depend on the order of the cases).
        all_facts, years, months, led = [], {}, {}, {}
        categories = OrderedDict((name, []) for _, name in settings["SUGGESTION_CATEGORIES"])
        sources = OrderedDict((src, []) for src in SOURCES)
        supervised = []
        for s in suggestions:
            f = facts(s, today)
            all_facts.append(f)
            received = s.received
            year = years.get(received.year)
            if year is None:
                year = years[received.year] = []
            year.append(f)
            key = (received.year, received.month)
            month = months.get(key)
            if month is None:
                month = months[key] = []
            month.append(f)
            if s.lead_unit:
                unit = led.get(s.lead_unit.slug)
                if unit is None:
                    unit = led[s.lead_unit.slug] = []
                unit.append(f)
            categories[s.category].append(f)
            if s.source in sources:
                sources[s.source].append(f)
            if s.supervised:
                supervised.append(s)
        self.overall = Tally.from_facts(all_facts)
        self.years = _rows(OrderedDict((y, years[y]) for y in sorted(years)),
                           lambda y: f"{y}年", lambda y: None)
        # Every month from the first to the last, empty ones too: the chart's time axis has no gaps.
        span = months_between(datetime.date(*min(months), 1), datetime.date(*max(months), 1)) if months else ()
        self.months = _rows(OrderedDict((key, months.get(key, [])) for key in span),
                            lambda k: f"{k[0]}年{k[1]}月",
                            lambda k: f"suggestions/{k[0]}/{k[1]:02d}/")
        unit_by_slug = {u.slug: u for u in units}
        self.units = _rows(OrderedDict((slug, led[slug]) for slug in sorted(led)),
                           lambda k: unit_by_slug[k].name, lambda k: unit_by_slug[k].url)
        slugs = {name: slug for slug, name in settings["SUGGESTION_CATEGORIES"]}
        self.categories = _rows(OrderedDict((k, v) for k, v in categories.items() if v),
                                lambda k: k, lambda k: f"suggestions/category/{slugs[k]}/")
        self.sources = _rows(sources, lambda k: k, lambda k: None)
        self.supervised = sorted(supervised, key=lambda s: (s.received, s.code), reverse=True)
        self.excluded = [(EXCLUDED_LABELS[k], n) for k, n in self.overall.excluded.items()]
        self.definitions = RATE_DEFINITIONS


# -- monthly bulletins --------------------------------------------------------

def month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def months_between(first, last):
    """(year, month) from the month of ``first`` to the month of ``last``."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _on(day, cutoff):
    return day is not None and day <= cutoff


def satisfaction_as_of(s, cutoff):
    """The proposer's evaluation known at ``cutoff``: the second one once the
    second reply (二次答复) is dated on or before it."""
    if not _on(s.evaluated, cutoff):
        return None
    if s.second_satisfaction and _on(s.second_reply, cutoff):
        return s.second_satisfaction
    return s.satisfaction


_SATISFIED = ("满意", "基本满意")


class UnitLine:
    """One handling unit's figures in a bulletin (or the total line)."""

    def __init__(self, unit, items, year, month, cutoff):
        start = datetime.date(year, month, 1)
        assigned_month = assigned_total = answered_month = answered = on_time = evaluated = satisfied = 0
        overdue = []
        for s in items:
            if not _on(s.assigned, cutoff):
                continue
            assigned_total += 1
            if s.assigned >= start:
                assigned_month += 1
            if _on(s.answered, cutoff):
                answered += 1
                if s.answered >= start:
                    answered_month += 1
                if s.answered <= s.deadline:
                    on_time += 1
            elif cutoff > s.deadline:
                overdue.append(s)
            rating = satisfaction_as_of(s, cutoff)
            if rating:
                evaluated += 1
                if rating in _SATISFIED:
                    satisfied += 1
        overdue.sort(key=lambda s: (s.deadline, s.code))
        self._set(unit, assigned_month, assigned_total, answered_month, answered, on_time, overdue,
                  evaluated, satisfied)

    @classmethod
    def _made(cls, unit, *figures):
        line = cls.__new__(cls)
        line._set(unit, *figures)
        return line

    def _set(self, unit, assigned_month, assigned_total, answered_month, answered, on_time, overdue,
             evaluated, satisfied):
        self.unit = unit
        self.assigned_month = assigned_month  # assigned in the month (by the cutoff)
        self.assigned_total = assigned_total  # assigned by the cutoff
        self.answered_month = answered_month  # of those, answered in the month
        self.answered = answered              # of those, answered by the cutoff
        self.on_time = on_time                # of those, answered by the deadline
        self.overdue = overdue                # not answered by the cutoff, deadline passed; by (deadline, code)
        self.evaluated = evaluated            # with an evaluation known at the cutoff (satisfaction_as_of)
        self.satisfied = satisfied            # of those, 满意 or 基本满意
        self.on_time_rate = Tally._rate(on_time, answered)
        self.satisfaction_rate = Tally._rate(satisfied, evaluated)


class Bulletin:
    def __init__(self, year, month, items, units, today):
        self._head(year, month, today)
        by_unit = _group(sorted(items, key=lambda s: s.lead_unit.slug), lambda s: s.lead_unit.slug)
        lines = [UnitLine(units[slug], group, year, month, self.cutoff) for slug, group in by_unit.items()]
        self.lines = [line for line in lines if line.assigned_total]
        self.total = UnitLine(None, items, year, month, self.cutoff)
        self.prev = self.next = None

    @classmethod
    def _made(cls, year, month, today, lines, total):
        bulletin = cls.__new__(cls)
        bulletin._head(year, month, today)
        bulletin.lines, bulletin.total = lines, total
        bulletin.prev = bulletin.next = None
        return bulletin

    def _head(self, year, month, today):
        self.year, self.month = year, month
        self.current = (year, month) == (today.year, today.month)
        self.cutoff = today if self.current else month_end(year, month)
        self.key = f"{year}-{month:02d}"
        self.url = f"bulletins/{self.key}/"
        self.title = f"{year}年{month}月意见建议办理进度通报"

    def days_overdue(self, s):
        return (self.cutoff - s.deadline).days


# The figures of a UnitLine, as indexes into the sweep's counters.
_ASSIGNED_MONTH, _ASSIGNED, _ANSWERED_MONTH, _ANSWERED, _ON_TIME, _EVALUATED, _SATISFIED_N = range(7)


def bulletins(suggestions, today):
    """One bulletin per month from the first assignment to the month of today,
    oldest first. Counted by lead unit (主办); merged, rejected and withdrawn
    cases are left out.

    Every figure is UnitLine's, worked out for all months in one sweep: a case
    counts in a figure from one month on (assigned, answered by the cutoff...),
    in one month only (assigned or answered in the month), or over a range of
    months (overdue until answered; its evaluation, then its second one), so
    each case adds +1/-1 at the ends of its ranges and a running sum over the
    months gives each month's number. tests/site/test_bulletins.py compares the
    result with the month-by-month definition."""
    items = [s for s in suggestions if s.assigned and s.lead_unit and s.deadline
             and s.state not in EXCLUDED]
    if not items:
        return []
    units = {s.lead_unit.slug: s.lead_unit for s in items}
    first = min(s.assigned for s in items)
    months = list(months_between(first, today))
    n = len(months)
    if not n:
        return []
    # The cutoffs increase month by month (the last one may be today), so "on or
    # before the cutoff of month k" is k >= bisect_left(cutoffs, day).
    cutoffs = [today if (y, m) == (today.year, today.month) else month_end(y, m) for y, m in months]
    starts = [datetime.date(y, m, 1) for y, m in months]
    slugs = sorted(units)
    # [figure][month] changes for each unit and for the total (key None).
    changes = {key: [[0] * (n + 1) for _ in range(7)] for key in (*slugs, None)}
    spans = []  # (deadline, code, case, lead unit, first month overdue, first month not)

    for s in items:
        k_assigned = bisect_left(cutoffs, s.assigned)
        if k_assigned == n:
            continue  # assigned after the last cutoff: in no bulletin
        unit_changes, total_changes = changes[s.lead_unit.slug], changes[None]

        def count(figure, first, end=n):
            if first < end:
                for ch in (unit_changes[figure], total_changes[figure]):
                    ch[first] += 1
                    ch[end] -= 1

        # Assigned by the cutoff from the month of s.assigned on; assigned in the
        # month in that month only (it starts on or before s.assigned: the
        # months run without gaps from the month of the first assignment).
        count(_ASSIGNED, k_assigned)
        count(_ASSIGNED_MONTH, k_assigned, k_assigned + 1)
        answered = s.answered
        if answered is not None:
            k_answered = bisect_left(cutoffs, answered)
            k = max(k_assigned, k_answered)
            count(_ANSWERED, k)
            if answered <= s.deadline:
                count(_ON_TIME, k)
            # Answered in the month: the month of the answer, if it is one of
            # the bulletins' months (not before the first) and assigned by then.
            if k_answered < n and k_answered >= k_assigned and starts[k_answered] <= answered:
                count(_ANSWERED_MONTH, k_answered, k_answered + 1)
        else:
            k_answered = n
        k_overdue = max(k_assigned, bisect_right(cutoffs, s.deadline))  # cutoff > deadline
        if k_overdue < k_answered:
            spans.append((s.deadline, s.code, s, s.lead_unit.slug, k_overdue, k_answered))
        # satisfaction_as_of: the evaluation once evaluated by the cutoff, the
        # second one once the second reply is dated by the cutoff too.
        if s.evaluated is not None:
            k_rated = max(k_assigned, bisect_left(cutoffs, s.evaluated))
            k_second = n
            if s.second_satisfaction and s.second_reply is not None:
                k_second = max(k_rated, bisect_left(cutoffs, s.second_reply))
            for rating, first, end in ((s.satisfaction, k_rated, k_second), (s.second_satisfaction, k_second, n)):
                if rating:
                    count(_EVALUATED, first, end)
                    if rating in _SATISFIED:
                        count(_SATISFIED_N, first, end)

    overdue = {key: [[] for _ in range(n)] for key in (*slugs, None)}
    spans.sort(key=lambda span: (span[0], span[1]))  # stable: as UnitLine's sorted()
    for _, _, s, slug, first, end in spans:
        for k in range(first, end):
            overdue[slug][k].append(s)
            overdue[None][k].append(s)

    running = {key: [0] * 7 for key in changes}
    out = []
    for k, (year, month) in enumerate(months):
        lines, total = [], None
        for key, figures in running.items():
            for figure, ch in enumerate(changes[key]):
                figures[figure] += ch[k]
            if key is None:
                total = UnitLine._made(None, *figures[:5], overdue[None][k], *figures[5:])
            elif figures[_ASSIGNED]:  # units with a case assigned by the cutoff
                lines.append(UnitLine._made(units[key], *figures[:5], overdue[key][k], *figures[5:]))
        out.append(Bulletin._made(year, month, today, lines, total))
    for before, after in zip(out, out[1:]):
        before.next, after.prev = after, before
    return out
