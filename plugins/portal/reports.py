"""Pages for supervision and for print: the statistics page, the monthly
progress bulletins, the stations' printable reception-day notices (公示)
and the deputies' contact cards. Every file goes through ``site.page``.

The statistics and the bulletins count every case: they are worked out
from the catalog's store (counts by group in SQL; for the bulletins, the
dates of every assigned case), and only the cases they list are read.
"""

import datetime
from collections import OrderedDict

from . import charts
from .catalog import Group
from .qr import LazyQR, absolute
from .statistics import Statistics, bulletins_from, month_end, months_between, overdue_lists, spans_sql


def write_all(site, cat):
    if "suggestions" in cat.changes:
        statistics_page(site, cat)
        bulletin_pages(site, cat)
    notice_pages(site, cat)
    card_pages(site, cat)


# -- statistics ----------------------------------------------------------------

def statistics_page(site, cat):
    units = sorted(cat.units.values(), key=lambda u: u.slug)

    def context():
        stats = Statistics.from_counts(cat.facts("month"), cat.facts("lead"), cat.facts("cy"), cat.facts("source"),
                                       cat.supervised(), units, cat.settings, cat.today)
        month_rows = []
        for index, row in enumerate(stats.months):
            year, month = row.key
            first = index == 0 or month == 1
            month_rows.append((f"{month}月", f"{year}年" if first else "", row.tally.total, str(row.tally.total)))
        chart = {
            "months": charts.columns("chart-months", "各月受理件数（按受理月份）", month_rows),
            "units": charts.hbar("chart-units", "各主办单位按时答复率",
                                 [(r.label, r.tally.on_time_rate,
                                   _rate_text(r.tally.on_time_rate, r.tally.on_time, r.tally.answered))
                                  for r in stats.units],
                                 maximum=100),
            "categories": charts.hbar("chart-categories", "各类别受理件数",
                                      [(r.label, r.tally.total, str(r.tally.total)) for r in stats.categories]),
        }
        return dict(stats=stats, charts=chart)
    # Today: the page says "as of" and counts what is overdue.
    site.page("statistics/index.html", "statistics", inputs=[cat.today, cat.all_suggestions, *units],
              owner="suggestions", context=context)


def _rate_text(rate, part, whole):
    """As the tables print it: 85.7%（6/7）, or — without a denominator."""
    return "—" if rate is None else f"{rate:g}%（{part}/{whole}）"


# -- bulletins ---------------------------------------------------------------------

class _Month:
    """What a bulletin page links to: another month's bulletin."""

    def __init__(self, year, month):
        self.year, self.month = year, month
        self.key = f"{year}-{month:02d}"
        self.url = f"bulletins/{self.key}/"
        self.title = f"{year}年{month}月意见建议办理进度通报"


def latest_bulletin(cat):
    """This month's bulletin (the home page links it), if any case was assigned."""
    found = cat.db.execute("SELECT 1 FROM agg WHERE dim = 'assigned' LIMIT 1").fetchone()
    return _Month(cat.today.year, cat.today.month) if found else None


def _bulletins(cat):
    """Every month's bulletin, from the catalog's counts (aggregates.py)."""
    changes = {}
    for unit, figure, k, change in cat.db.execute("SELECT g1, g2, facts, sum(h) FROM agg WHERE dim = 'b' "
                                                  "GROUP BY 1, 2, 3"):
        changes.setdefault((unit, figure), {})[k] = change
    (first,) = cat.db.execute("SELECT min(g1) FROM agg WHERE dim = 'assigned'").fetchone()
    spans = cat.db.execute(spans_sql(cat.today)).fetchall()
    overdue = overdue_lists(spans, lambda rows: cat.suggestions.many([row[0] for row in rows]))
    units = {u.slug: u for u in cat.units.values()}
    return bulletins_from(changes, first, units, cat.today, overdue)


def bulletin_pages(site, cat):
    """One bulletin per month from the first assignment to this month. A
    month's bulletin shows the cases assigned by its last day as they stood
    then, so it depends on those cases only (and on today for this month)."""
    today = cat.today
    assigned = [(month, groups[""]) for month, groups in reversed(cat.counts("assigned").items())]
    if not assigned:
        site.page("bulletins/index.html", "bulletins", inputs=[], owner="suggestions",
                  context=lambda: dict(bulletins=[]))
        return
    first = assigned[0][0]  # a month index
    months = list(months_between(datetime.date(first // 12, first % 12 + 1, 1), today))
    units = Group(cat.units.values())
    computed = {}

    def issues():
        if "all" not in computed:  # worked out once for every page of this build that needs it
            computed["all"] = {(b.year, b.month): b for b in _bulletins(cat)}
        return computed["all"]

    # What a month's bulletin counts: the cases assigned by its end (sums of the counts by month).
    count, total, position, prefix = 0, 0, 0, {}
    for year, month in months:
        while position < len(assigned) and assigned[position][0] <= year * 12 + month - 1:
            n, fingerprint = assigned[position][1]
            count, total = count + n, total + int(fingerprint.partition(":")[2])
            position += 1
        current = (year, month) == (today.year, today.month)
        cutoff = (today if current else month_end(year, month)).toordinal()
        prefix[(year, month)] = (f"{count}:{total}", count, cutoff, current)
    for index, (year, month) in enumerate(months):
        cases, count, cutoff, current = prefix[(year, month)]
        site.page(f"bulletins/{year}-{month:02d}/index.html", "bulletin", owner="suggestions", affinity="bulletins",
                  inputs=[cases, count, cutoff, current, units, index > 0, index < len(months) - 1],
                  context=lambda key=(year, month): dict(bulletin=issues()[key]))
    site.page("bulletins/index.html", "bulletins", owner="suggestions", affinity="bulletins",
              inputs=[cat.all_suggestions, units, today],
              context=lambda: dict(bulletins=list(reversed(list(issues().values())))))


# -- printable notices and cards --------------------------------------------------------------

def notice_months(station):
    """(year, month) -> the station's reception days in that month, by the
    day they take place (a moved day in the month it moved to)."""
    months = OrderedDict()
    for occasion in sorted(station.occasions, key=lambda o: o.sort_key):
        months.setdefault((occasion.date.year, occasion.date.month), []).append(occasion)
    return months


def notice_url(station, year, month):
    return f"stations/{station.slug}/notice/{year}-{month:02d}/"


def station_notices(station, today):
    """The notices the station page links: this month's and the months
    ahead (or, when none is ahead, the latest one)."""
    links = [(y, m, notice_url(station, y, m)) for y, m in notice_months(station)]
    return [link for link in links if link[:2] >= (today.year, today.month)] or links[-1:]


def notice_pages(site, cat):
    settings = cat.settings
    for station in cat.affected("stations"):
        months = notice_months(station)
        station_url = absolute(settings, station.url)
        submit_url = absolute(settings, f"submit/station/{station.slug}/")
        qr_station = LazyQR(station_url, f"二维码：打开{station.name}网页")
        qr_submit = LazyQR(submit_url, f"二维码：向{station.name}留言")
        for (year, month), occasions in months.items():
            schedules = sorted({o.schedule.slug: o.schedule for o in occasions}.values(), key=lambda s: s.slug)
            deputies = sorted({d.slug: d for o in occasions for d in o.deputies}.values(), key=lambda d: d.slug)
            site.page(f"{notice_url(station, year, month)}index.html", "notice", owner=f"station:{station.slug}",
                      inputs=[station, *(o.static_digest for o in occasions), *deputies,
                              qr_station, qr_submit],
                      context=lambda year=year, month=month, occasions=occasions, station=station,
                      station_url=station_url, submit_url=submit_url, qr_station=qr_station,
                      qr_submit=qr_submit, schedules=schedules: dict(
                          station=station, year=year, month=month, occasions=occasions,
                          station_url=station_url, submit_url=submit_url,
                          qr_station=qr_station, qr_submit=qr_submit))


def card_pages(site, cat):
    def context(deputy):
        url = absolute(cat.settings, deputy.url)
        return dict(deputy=deputy, deputy_url=url, qr=LazyQR(url, f"二维码：打开{deputy.name}代表的网页"))
    site.pages("deputy_card", cat.affected("deputies"), save_as=lambda d: f"{d.url}card/index.html",
               context=context, owner=lambda d: f"deputy:{d.slug}")
