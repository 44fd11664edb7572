"""Statistics (办理情况) and monthly progress bulletins (办理进度通报).

The rates come from ``Tally`` (one definition each); this module groups the
suggestions and works out, for a bulletin, what was known at the end of a
month. The definitions below are printed on the pages that show the figures.
"""

import calendar
import datetime
from collections import OrderedDict, namedtuple

from .tally import Tally

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


def _rows(groups, label, url, today):
    return [Row(key, label(key), url(key) if items else None, Tally(items, today))
            for key, items in groups.items()]


def _group(items, key):
    groups = OrderedDict()
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


class Statistics:
    """Every figure of the statistics page."""

    def __init__(self, suggestions, units, settings, today):
        self.today = today
        self.overall = Tally(suggestions, today)
        by_received = sorted(suggestions, key=lambda s: (s.received, s.code))
        self.years = _rows(_group(by_received, lambda s: s.received.year),
                           lambda y: f"{y}年", lambda y: None, today)
        months = OrderedDict((key, []) for key in (months_between(by_received[0].received, by_received[-1].received)
                                                   if by_received else ()))
        for s in by_received:
            months[(s.received.year, s.received.month)].append(s)
        # Every month from the first to the last, empty ones too: the chart's time axis has no gaps.
        self.months = _rows(months,
                            lambda k: f"{k[0]}年{k[1]}月",
                            lambda k: f"suggestions/{k[0]}/{k[1]:02d}/", today)
        led = _group(sorted((s for s in suggestions if s.lead_unit), key=lambda s: s.lead_unit.slug),
                     lambda s: s.lead_unit.slug)
        unit_by_slug = {u.slug: u for u in units}
        self.units = _rows(led, lambda k: unit_by_slug[k].name, lambda k: unit_by_slug[k].url, today)
        categories = OrderedDict((name, []) for _, name in settings["SUGGESTION_CATEGORIES"])
        for s in suggestions:
            categories[s.category].append(s)
        slugs = {name: slug for slug, name in settings["SUGGESTION_CATEGORIES"]}
        self.categories = _rows(OrderedDict((k, v) for k, v in categories.items() if v),
                                lambda k: k, lambda k: f"suggestions/category/{slugs[k]}/", today)
        self.sources = _rows(OrderedDict((src, [s for s in suggestions if s.source == src])
                                         for src in SOURCES), lambda k: k, lambda k: None, today)
        self.supervised = sorted((s for s in suggestions if s.supervised),
                                 key=lambda s: (s.received, s.code), reverse=True)
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


class UnitLine:
    """One handling unit's figures in a bulletin (or the total line)."""

    def __init__(self, unit, items, year, month, cutoff):
        self.unit = unit
        start = datetime.date(year, month, 1)
        assigned = [s for s in items if _on(s.assigned, cutoff)]
        self.assigned_month = sum(1 for s in assigned if s.assigned >= start)
        self.assigned_total = len(assigned)
        answered = [s for s in assigned if _on(s.answered, cutoff)]
        self.answered_month = sum(1 for s in answered if s.answered >= start)
        self.answered = len(answered)
        self.on_time = sum(1 for s in answered if s.answered <= s.deadline)
        self.overdue = sorted((s for s in assigned if not _on(s.answered, cutoff) and cutoff > s.deadline),
                              key=lambda s: (s.deadline, s.code))
        ratings = [satisfaction_as_of(s, cutoff) for s in assigned]
        self.evaluated = sum(1 for r in ratings if r)
        self.satisfied = sum(1 for r in ratings if r in ("满意", "基本满意"))
        self.on_time_rate = Tally._rate(self.on_time, self.answered)
        self.satisfaction_rate = Tally._rate(self.satisfied, self.evaluated)

class Bulletin:
    def __init__(self, year, month, items, units, today):
        self.year, self.month = year, month
        self.current = (year, month) == (today.year, today.month)
        self.cutoff = today if self.current else month_end(year, month)
        self.key = f"{year}-{month:02d}"
        self.url = f"bulletins/{self.key}/"
        self.title = f"{year}年{month}月意见建议办理进度通报"
        by_unit = _group(sorted(items, key=lambda s: s.lead_unit.slug), lambda s: s.lead_unit.slug)
        lines = [UnitLine(units[slug], group, year, month, self.cutoff) for slug, group in by_unit.items()]
        self.lines = [line for line in lines if line.assigned_total]
        self.total = UnitLine(None, items, year, month, self.cutoff)
        self.prev = self.next = None

    def days_overdue(self, s):
        return (self.cutoff - s.deadline).days


def bulletins(suggestions, today):
    """One bulletin per month from the first assignment to the month of today,
    oldest first. Counted by lead unit (主办); merged, rejected and withdrawn
    cases are left out."""
    items = [s for s in suggestions if s.assigned and s.lead_unit and s.deadline
             and s.state not in EXCLUDED]
    if not items:
        return []
    units = {s.lead_unit.slug: s.lead_unit for s in items}
    first = min(s.assigned for s in items)
    out = [Bulletin(y, m, items, units, today) for y, m in months_between(first, today)]
    for before, after in zip(out, out[1:]):
        before.next, after.prev = after, before
    return out
