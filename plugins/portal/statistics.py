"""Statistics (办理情况) and monthly progress bulletins (办理进度通报).

The rates come from ``Tally`` (one definition each); this module groups the
suggestions and works out, for a bulletin, what was known at the end of a
month. The definitions below are printed on the pages that show the figures.
"""

import calendar
import datetime
from collections import Counter, OrderedDict, namedtuple

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
    """Rows of ``groups`` (key -> the counts of its cases' ``facts``, see tally.py)."""
    return [Row(key, label(key), url(key) if counts else None, Tally.from_counts(counts))
            for key, counts in groups.items()]


def _group(items, key):
    groups = OrderedDict()
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


class Statistics:
    """Every figure of the statistics page."""

    def __init__(self, suggestions, units, settings, today):
        # Each case's facts once, counted under its year, month, lead unit,
        # category and source; figures do not depend on the order of the cases.
        by = {"months": {}, "years": {}, "led": {}, "categories": {}, "sources": {}}
        supervised = []
        for s in suggestions:
            f = facts(s, today)
            received = s.received
            for dimension, key in (("months", (received.year, received.month)), ("years", received.year),
                                   ("led", s.lead_unit.slug if s.lead_unit else None), ("categories", s.category),
                                   ("sources", s.source)):
                if key is not None:
                    by[dimension].setdefault(key, Counter())[f] += 1
            if s.supervised:
                supervised.append(s)
        self._make(by, sorted(supervised, key=lambda s: (s.received, s.code), reverse=True), units, settings, today)

    @classmethod
    def from_counts(cls, months, leads, categories, sources, supervised, units, settings, today):
        """The statistics from the catalog's counts ({group: {facts: number}}
        by month received (YYYYMM), lead unit, category (ID), source);
        ``supervised``: the supervised cases, newest first."""
        stats = cls.__new__(cls)
        names = {slug: name for slug, name in settings["SUGGESTION_CATEGORIES"]}
        by = {"months": {(m // 100, m % 100): c for m, c in months.items()}, "years": {}, "led": leads,
              "categories": {names[slug]: c for slug, c in categories.items()}, "sources": sources}
        for month, counts in months.items():
            by["years"].setdefault(month // 100, Counter()).update(counts)
        stats._make(by, supervised, units, settings, today)
        return stats

    def _make(self, by, supervised, units, settings, today):
        """``by``: {dimension: {group: counts of facts}}."""
        self.today = today
        overall, years, months, led = Counter(), {}, {}, {}
        categories = OrderedDict((name, Counter()) for _, name in settings["SUGGESTION_CATEGORIES"])
        sources = OrderedDict((src, Counter()) for src in SOURCES)
        for key, counts in by["months"].items():
            months[key] = Counter(counts)
            overall.update(counts)
        for key, counts in by["years"].items():
            years[key] = Counter(counts)
        for key, counts in by["led"].items():
            led[key] = Counter(counts)
        for key, counts in by["categories"].items():
            categories[key].update(counts)
        for key, counts in by["sources"].items():
            if key in sources:
                sources[key].update(counts)
        self.overall = Tally.from_counts(overall)
        self.years = _rows(OrderedDict((y, years[y]) for y in sorted(years)),
                           lambda y: f"{y}年", lambda y: None)
        # Every month from the first to the last, empty ones too: the chart's time axis has no gaps.
        span = months_between(datetime.date(*min(months), 1), datetime.date(*max(months), 1)) if months else ()
        self.months = _rows(OrderedDict((key, months.get(key, Counter())) for key in span),
                            lambda k: f"{k[0]}年{k[1]}月",
                            lambda k: f"suggestions/{k[0]}/{k[1]:02d}/")
        unit_by_slug = {u.slug: u for u in units}
        self.units = _rows(OrderedDict((slug, led[slug]) for slug in sorted(led)),
                           lambda k: unit_by_slug[k].name, lambda k: unit_by_slug[k].url)
        slugs = {name: slug for slug, name in settings["SUGGESTION_CATEGORIES"]}
        self.categories = _rows(OrderedDict((k, v) for k, v in categories.items() if v),
                                lambda k: k, lambda k: f"suggestions/category/{slugs[k]}/")
        self.sources = _rows(sources, lambda k: k, lambda k: None)
        self.supervised = supervised
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


# -- the bulletins of every month, as changes by month --------------------------
#
# Each figure of a UnitLine is a count of cases that holds from one month on
# (assigned by the cutoff, answered by it ...), in one month only (assigned
# or answered in the month) or over a range of months (overdue until
# answered; its evaluation, then its second one). So each case adds +1 at the
# month it starts to count in a figure and -1 at the month it stops, and a
# running sum over the months gives each month's figure. The changes are
# worked out in SQL (``CHANGES_SQL``) from the store's columns -- the build
# keeps their sums per unit, figure and month among its counts
# (aggregates.py) -- and ``bulletins`` works them out the same way for any
# cases. tests/site/test_bulletins.py compares the result with the
# month-by-month definition (UnitLine, Bulletin).

BULLETIN_CASE = ("s.assigned IS NOT NULL AND s.lead_unit IS NOT NULL AND s.deadline IS NOT NULL "
                 f"AND s.status NOT IN {EXCLUDED!r}")
NEVER = 10 ** 7  # a month index after every month shown
FIGURES = ("am", "a", "rm", "r", "t", "e", "s", "o")  # UnitLine's, in its order (o: overdue)


def month_index(day):
    return day.year * 12 + day.month - 1


def case_months(assigned, answered, evaluated, second_reply, deadline):
    """The month indexes of a case's dates (None where there is no date), and
    whether its deadline is the last day of a month: what ``changes_sql``
    reads (the store keeps them as columns am, rm, em, sm, dm, dme)."""
    index = [month_index(d) if d else None for d in (assigned, answered, evaluated, second_reply, deadline)]
    return (*index, int(bool(deadline) and (deadline + datetime.timedelta(days=1)).day == 1))


_MONTH_COLUMNS = "am, rm, em, sm, dm, dme"


def _past_deadline_sql(today):
    """The first month whose cutoff is after the deadline (NEVER: not yet):
    its own month, or the next one for a deadline on a month's last day."""
    t, this = today.toordinal(), month_index(today)
    return (f"CASE WHEN s.deadline >= {t} THEN {NEVER} WHEN s.dm >= {this} THEN {this} "
            f"WHEN s.dme THEN s.dm + 1 ELSE s.dm END")


def _cases_sql(today, where):
    """Each bulletin case of ``where`` with the months of its figures: ka
    (assigned), kr (answered), ko (overdue from), ke (evaluated), k2 (second
    evaluation from); NEVER: not by today."""
    t = today.toordinal()

    def from_month(day, month):  # the first month whose cutoff is on or after the day
        return f"CASE WHEN s.{day} IS NULL OR s.{day} > {t} THEN {NEVER} ELSE s.{month} END"
    ke = f"CASE WHEN s.evaluated IS NULL THEN {NEVER} ELSE max(s.am, {from_month('evaluated', 'em')}) END"
    return (f"SELECT s.key, s.rowid AS id, s.lead_unit AS u, s.deadline, s.am AS ka, "
            f"{from_month('answered', 'rm')} AS kr, max(s.am, {_past_deadline_sql(today)}) AS ko, {ke} AS ke, "
            f"CASE WHEN s.second_satisfaction IS NOT NULL AND s.second_reply IS NOT NULL "
            f"THEN max({ke}, {from_month('second_reply', 'sm')}) ELSE {NEVER} END AS k2, "
            f"s.answered <= s.deadline AS on_time, s.satisfaction AS r1, s.second_satisfaction AS r2 "
            f"FROM suggestion s WHERE {BULLETIN_CASE} AND s.assigned <= {t} AND {where}")


def changes_sql(today, where="1"):
    """Rows (lead unit, figure, month index, +1 or -1) of the bulletin
    cases ``where`` (SQL on ``suggestion s``) selects, for ``today``: as
    a month's cutoff is its last day (today for this month), a date counts
    from its own month on; a deadline makes a case overdue from the first
    month whose cutoff is after it."""
    rows = [
        "SELECT u, 'a', ka, 1 FROM c",
        "SELECT u, 'am', ka, 1 FROM c", "SELECT u, 'am', ka + 1, -1 FROM c",
        f"SELECT u, 'r', max(ka, kr), 1 FROM c WHERE kr < {NEVER}",
        f"SELECT u, 't', max(ka, kr), 1 FROM c WHERE kr < {NEVER} AND on_time",
        f"SELECT u, 'rm', kr, 1 FROM c WHERE kr < {NEVER} AND kr >= ka",
        f"SELECT u, 'rm', kr + 1, -1 FROM c WHERE kr < {NEVER} AND kr >= ka",
        "SELECT u, 'o', ko, 1 FROM c WHERE ko < kr", f"SELECT u, 'o', kr, -1 FROM c WHERE ko < kr AND kr < {NEVER}",
    ]
    for rating, first, end in (("r1", "ke", "k2"), ("r2", "k2", str(NEVER))):
        for figure, condition in (("e", f"{rating} IS NOT NULL AND {rating} != ''"),
                                  ("s", f"{rating} IN {_SATISFIED!r}")):
            rows += [f"SELECT u, '{figure}', {first}, 1 FROM c WHERE {condition} AND {first} < {end}",
                     f"SELECT u, '{figure}', {end}, -1 FROM c WHERE {condition} AND {first} < {end} "
                     f"AND {end} < {NEVER}"]
    return f"WITH c AS ({_cases_sql(today, where)}) " + " UNION ALL ".join(rows)


def spans_sql(today):
    """The bulletin cases overdue at some month's cutoff: (key, row id, lead
    unit, first month, month after the last), by deadline and code."""
    return (f"SELECT key, id, u, ko, kr FROM ({_cases_sql(today, '1')}) WHERE ko < kr "
            f"ORDER BY deadline, key, id")


def overdue_lists(spans, load):
    """``overdue(unit or None, month index, number)`` for bulletins_from: the
    cases of ``spans`` (spans_sql's rows) overdue that month, read with
    ``load`` (keys or row ids -> cases) when the sequence is used."""
    by_unit = {None: spans}
    for row in spans:
        by_unit.setdefault(row[2], []).append(row)

    def overdue(unit, k, count):
        return _Lazy(count, lambda: load([row for row in by_unit.get(unit, ()) if row[3] <= k < row[4]]))
    return overdue


class _Lazy:
    """A line's overdue cases: how many is known; which ones, read when shown."""

    def __init__(self, count, load):
        self.count, self.load = count, load

    def __len__(self):
        return self.count

    def __iter__(self):
        return iter(self.load())


def bulletins_from(changes, first, units, today, overdue):
    """One bulletin per month from month index ``first`` to this month.
    ``changes``: {(lead unit ID, figure): {month index: change}};
    ``units``: {ID: unit}; ``overdue(unit ID or None, month index, number)``:
    the sequence of a line's overdue cases."""
    last = month_index(today)
    running = {key: 0 for key in changes}
    slugs = sorted({u for u, _ in changes})
    out = []
    for k in range(first, last + 1):
        totals = dict.fromkeys(FIGURES, 0)
        lines = []
        for key, by_month in changes.items():
            running[key] += by_month.get(k, 0)
        for u in slugs:
            figures = {f: running.get((u, f), 0) for f in FIGURES}
            for f in FIGURES:
                totals[f] += figures[f]
            if figures["a"]:  # units with a case assigned by the cutoff
                lines.append(UnitLine._made(units[u], *(figures[f] for f in FIGURES[:5]),
                                            overdue(u, k, figures["o"]), figures["e"], figures["s"]))
        total = UnitLine._made(None, *(totals[f] for f in FIGURES[:5]), overdue(None, k, totals["o"]),
                               totals["e"], totals["s"])
        out.append(Bulletin._made(k // 12, k % 12 + 1, today, lines, total))
    for before, after in zip(out, out[1:]):
        before.next, after.prev = after, before
    return out


def bulletins(suggestions, today):
    """One bulletin per month from the first assignment to the month of today,
    oldest first. Counted by lead unit (主办); merged, rejected and withdrawn
    cases are left out. The build's definition (``changes_sql``), worked out
    on ``suggestions`` in a scratch store."""
    import sqlite3
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE suggestion (key, lead_unit, assigned, answered, deadline, evaluated, satisfaction, "
               f"second_reply, second_satisfaction, status, {_MONTH_COLUMNS})")
    cases = list(suggestions)
    day = _ordinal
    db.executemany("INSERT INTO suggestion (rowid, key, lead_unit, assigned, answered, deadline, evaluated, "
                   f"satisfaction, second_reply, second_satisfaction, status, {_MONTH_COLUMNS}) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [(i + 1, s.code, s.lead_unit.slug if s.lead_unit else None, day(s.assigned), day(s.answered),
                     day(s.deadline), day(s.evaluated), s.satisfaction, day(s.second_reply), s.second_satisfaction,
                     s.state, *case_months(s.assigned, s.answered, s.evaluated, s.second_reply, s.deadline))
                    for i, s in enumerate(cases)])
    changes = {}
    for u, figure, k, change in db.execute(changes_sql(today)):
        by_month = changes.setdefault((u, figure), {})
        by_month[k] = by_month.get(k, 0) + change
    # From the month of the first assignment (one this month but after today too).
    first = db.execute(f"SELECT min(am) FROM suggestion s WHERE {BULLETIN_CASE}").fetchone()[0]
    if first is None:
        return []
    units = {s.lead_unit.slug: s.lead_unit for s in cases if s.lead_unit}
    spans = db.execute(spans_sql(today)).fetchall()
    overdue = overdue_lists(spans, lambda rows: [cases[row[1] - 1] for row in rows])
    made = bulletins_from(changes, first, units, today, overdue)
    for bulletin in made:  # lists, as the month-by-month definition has them
        for line in (*bulletin.lines, bulletin.total):
            line.overdue = list(line.overdue)
    return made


def _ordinal(day):
    return day.toordinal() if day else None
