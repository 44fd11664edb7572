"""A frozen copy of plugins/portal/statistics.py and tally.py as they were
before the one-pass rewrite (commit af0d9bf): the month-by-month, line by line
definitions, which test_bulletins.py and test_statistics.py compare the plugin
with, field by field. Not used by the site."""

import calendar
import datetime
from collections import OrderedDict, namedtuple


class Tally:
    def __init__(self, suggestions, today):
        items = [s for s in suggestions if s.state not in ("merged", "rejected", "withdrawn")]
        self.total = len(items)
        self.assigned = sum(1 for s in items if s.assigned)
        self.answered = sum(1 for s in items if s.answered)
        self.closed = sum(1 for s in items if s.state == "closed")
        self.on_time = sum(1 for s in items if s.answered_on_time)
        self.overdue = sum(1 for s in items if not s.answered and s.is_overdue(today))
        evaluated = [s for s in items if s.evaluated]
        self.evaluated = len(evaluated)
        self.satisfied = sum(1 for s in evaluated if s.final_satisfaction in ("满意", "基本满意"))
        self.face_to_face = sum(1 for s in items if s.answered and s.face_to_face)
        # Cases left out of every figure above, by end state.
        self.excluded = {state: sum(1 for s in suggestions if s.state == state)
                         for state in ("merged", "rejected", "withdrawn")}

    @staticmethod
    def _rate(part, whole):
        return None if not whole else round(100.0 * part / whole, 1)

    @property
    def answered_rate(self):
        """答复率: answered / accepted."""
        return self._rate(self.answered, self.total)

    @property
    def closed_rate(self):
        """办结率: closed / accepted."""
        return self._rate(self.closed, self.total)

    @property
    def on_time_rate(self):
        """按时答复率: answered by the deadline / answered."""
        return self._rate(self.on_time, self.answered)

    @property
    def satisfaction_rate(self):
        """满意率: (满意 + 基本满意) / evaluated, counting a second evaluation."""
        return self._rate(self.satisfied, self.evaluated)

    @property
    def face_to_face_rate(self):
        """面商率: answered after a face-to-face discussion / answered."""
        return self._rate(self.face_to_face, self.answered)


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


# -- comparing the plugin's results with these --------------------------------

_DERIVED = {"Tally", "UnitLine", "Bulletin", "Statistics"}


def assert_same(old, new, path="result"):
    """``new`` is ``old`` field by field: the same attributes in the same order,
    equal numbers (of the same type), strings and dates, lists of the same
    length in the same order, and the very same content objects. A bulletin's
    ``prev`` / ``next`` are compared by key."""
    if type(old).__name__ in _DERIVED:
        assert type(new).__name__ == type(old).__name__, path
        old_vars, new_vars = vars(old), vars(new)
        assert list(old_vars) == list(new_vars), path
        for name, value in old_vars.items():
            if name in ("prev", "next"):
                assert getattr(value, "key", None) == getattr(new_vars[name], "key", None), f"{path}.{name}"
            else:
                assert_same(value, new_vars[name], f"{path}.{name}")
    elif isinstance(old, tuple) and hasattr(old, "_fields"):  # Row
        assert type(new).__name__ == type(old).__name__ and old._fields == new._fields, path
        for name in old._fields:
            assert_same(getattr(old, name), getattr(new, name), f"{path}.{name}")
    elif isinstance(old, (list, tuple)):
        assert type(new) is type(old) and len(new) == len(old), (path, len(old), len(new))
        for i, (a, b) in enumerate(zip(old, new)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(old, dict):
        assert type(new) is type(old) and list(new) == list(old), path
        for key in old:
            assert_same(old[key], new[key], f"{path}[{key!r}]")
    elif old is None or isinstance(old, (bool, int, float, str, datetime.date)):
        assert type(new) is type(old) and new == old, (path, old, new)
    else:  # a content object (suggestion, unit): the same one
        assert new is old, path


# -- stand-in cases for edge cases ----------------------------------------------

def case_class():
    """A minimal suggestion with the model's own definitions (is_overdue,
    answered_on_time, final_satisfaction, the state)."""
    from portal.models import Suggestion

    class Case:
        is_overdue = Suggestion.is_overdue
        answered_on_time = Suggestion.answered_on_time
        final_satisfaction = Suggestion.final_satisfaction
        _state = Suggestion._state
        FIELDS = dict(received=None, assigned=None, deadline=None, answered=None, evaluated=None, satisfaction=None,
                      second_reply=None, second_satisfaction=None, closed=None, merged=None, rejected=None,
                      withdrawn=None, progress=(), face_to_face=False, supervised=False, lead_unit=None,
                      category="其他", source="群众意见")

        def __init__(self, code, **fields):
            self.code = code
            for key, value in {**self.FIELDS, **fields}.items():
                setattr(self, key, value)
            if self.received is None:
                self.received = self.assigned or datetime.date(2024, 1, 1)
            self.state = self._state()

        def __repr__(self):
            return f"Case({self.code})"

    return Case


class Unit:
    def __init__(self, slug):
        self.slug, self.name, self.url = slug, f"单位{slug}", f"units/{slug}/"


def random_cases(rng, n, first, last, units):
    """``n`` cases with dates between ``first`` and ``last``: mostly lifelike,
    some with missing or out-of-order dates, duplicate deadlines, every end state."""
    Case = case_class()
    span = (last - first).days

    def day(after=None, spread=120):
        if rng.random() < 0.05:  # anywhere, out of order too
            return first + datetime.timedelta(days=rng.randint(0, span))
        base = after or first + datetime.timedelta(days=rng.randint(0, span))
        return base + datetime.timedelta(days=rng.randint(0, spread))

    categories = ["交通出行", "饮水安全", "教育", "其他"]
    out = []
    for i in range(n):
        f = {"received": day(), "category": rng.choice(categories),
             "source": rng.choice(["群众意见", "代表建议"]), "supervised": rng.random() < 0.1}
        if rng.random() < 0.85:
            f["assigned"] = day(f["received"], 20)
            f["lead_unit"] = rng.choice(units) if rng.random() < 0.97 else None
            if rng.random() < 0.97:
                f["deadline"] = rng.choice([f["assigned"] + datetime.timedelta(days=d) for d in (30, 61, 90, 92)])
            if rng.random() < 0.75:
                f["answered"] = day(f["assigned"], 150)
                f["face_to_face"] = rng.random() < 0.5
                if rng.random() < 0.7:
                    f["evaluated"] = day(f["answered"], 40)
                    f["satisfaction"] = rng.choice(["满意", "基本满意", "不满意", "不满意", None])
                    if f["satisfaction"] == "不满意" and rng.random() < 0.7:
                        f["second_reply"] = day(f["evaluated"], 60)
                        f["second_satisfaction"] = rng.choice(["满意", "基本满意", "不满意", None])
                    if rng.random() < 0.6:
                        f["closed"] = day(f.get("second_reply") or f["evaluated"], 30)
        end = rng.random()
        if end < 0.03:
            f["merged"] = day(f["received"])
        elif end < 0.06:
            f["rejected"] = day(f["received"])
        elif end < 0.09:
            f["withdrawn"] = day(f["received"])
        out.append(Case(f"C{rng.randint(0, n):05d}", **f))  # some codes repeat: ties keep their order
    return out


def fixture_catalog(root):
    """The catalog of a generated small fixture under ``root`` (today: PORTAL_TODAY)."""
    from portal.catalog import Catalog
    from portal_tools import fixture, site
    fixture.generate("small", root / "content")
    settings = site.load_settings(path=root / "content", cache_path=root / "cache")
    (root / "cache").mkdir(exist_ok=True)
    cat = Catalog(settings, {})
    cat.load()
    return cat
