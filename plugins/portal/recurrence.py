"""Reception-day schedules: parsing ``repeat`` and expanding it into dates.

Two kinds of schedule, written the way a township notice would:
``每周五`` (every Friday) and ``每月1、11、21日`` (those days of every month).
"""

import datetime
import re

WEEKDAYS = "一二三四五六日"
_WEEKLY = re.compile(r"^每(?:周|星期)([一二三四五六日天])$")
_MONTHLY = re.compile(r"^每月\s*((?:\d{1,2}\s*日?\s*[、,，\s]\s*)*\d{1,2})\s*日?$")


class Rule:
    """A parsed schedule: ``weekday`` (0 = Monday) or ``monthdays``."""

    def __init__(self, weekday=None, monthdays=()):
        self.weekday = weekday
        self.monthdays = tuple(monthdays)

    def matches(self, day):
        if self.weekday is not None:
            return day.weekday() == self.weekday
        return day.day in self.monthdays

    def describe(self):
        if self.weekday is not None:
            return f"每周{WEEKDAYS[self.weekday]}"
        return "每月" + "、".join(str(d) for d in self.monthdays) + "日"


def parse_rule(text):
    """Return a Rule, or None if ``text`` is not a schedule we understand."""
    text = (text or "").strip()
    match = _WEEKLY.match(text)
    if match:
        name = match.group(1).replace("天", "日")
        return Rule(weekday=WEEKDAYS.index(name))
    match = _MONTHLY.match(text)
    if match:
        days = sorted({int(d) for d in re.findall(r"\d{1,2}", match.group(1))})
        if days and all(1 <= d <= 31 for d in days):
            return Rule(monthdays=days)
    return None


def expand(rule, first, last):
    """Every date from ``first`` to ``last`` (inclusive) that the rule names.
    Days that a month lacks (the 31st of April) are simply skipped."""
    if last < first:
        return []
    if rule.weekday is not None:
        day = first + datetime.timedelta(days=(rule.weekday - first.weekday()) % 7)
        step = datetime.timedelta(days=7)
        dates = []
        while day <= last:
            dates.append(day)
            day += step
        return dates
    dates = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        for d in rule.monthdays:
            try:
                day = datetime.date(year, month, d)
            except ValueError:
                continue
            if first <= day <= last:
                dates.append(day)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates
