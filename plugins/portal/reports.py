"""Pages for supervision and for print: the statistics page, the monthly
progress bulletins, the stations' printable reception-day notices (公示)
and the deputies' contact cards. Every file goes through ``site.page``.
"""

import hashlib
from collections import OrderedDict

from . import charts
from .qr import LazyQR, absolute
from .fingerprint import digest
from .statistics import EXCLUDED, Statistics, bulletins, month_end, months_between


class Group:
    """Many content objects as one input (see views.Group)."""

    __slots__ = ("render_digest",)

    def __init__(self, items):
        self.render_digest = digest(*(x.render_digest for x in items))


def write_all(site, cat):
    """Declares the pages; returns the latest bulletin (the home page links it)."""
    suggestions = cat.published_suggestions()
    statistics_page(site, cat, suggestions)
    latest = bulletin_pages(site, cat, suggestions)
    notice_pages(site, cat)
    card_pages(site, cat)
    return latest


# -- statistics ----------------------------------------------------------------

def statistics_page(site, cat, suggestions):
    def context():
        stats = Statistics(suggestions, cat.units.values(), cat.settings, cat.today)
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
    site.page("statistics/index.html", "statistics", inputs=[cat.today, cat.all_suggestions, *cat.units.values()],
              context=context)


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


def bulletin_pages(site, cat, suggestions):
    """One bulletin per month from the first assignment to this month. A
    month's bulletin shows the cases assigned by its last day as they stood
    then, so it depends on those cases only (and on today for this month)."""
    today = cat.today
    items = sorted((s for s in suggestions if s.assigned and s.lead_unit and s.deadline
                    and s.state not in EXCLUDED), key=lambda s: (s.assigned, s.code))
    if not items:
        site.page("bulletins/index.html", "bulletins", inputs=[], context=lambda: dict(bulletins=[]))
        return None
    months = list(months_between(items[0].assigned, today))
    units = Group(cat.units.values())
    computed = {}

    def issues():
        if "all" not in computed:  # one sweep for every page of this build that needs it
            computed["all"] = {(b.year, b.month): b for b in bulletins(suggestions, today)}
        return computed["all"]

    # Digest of the cases assigned by each month's end (a running hash: one pass).
    running, position, prefix = hashlib.blake2b(digest_size=16), 0, {}
    for year, month in months:
        current = (year, month) == (today.year, today.month)
        cutoff = today if current else month_end(year, month)
        while position < len(items) and items[position].assigned <= cutoff:
            running.update(items[position].list_static_digest.encode())
            position += 1
        prefix[(year, month)] = (running.hexdigest(), position, cutoff, current)
    for index, (year, month) in enumerate(months):
        cases, count, cutoff, current = prefix[(year, month)]
        site.page(f"bulletins/{year}-{month:02d}/index.html", "bulletin",
                  inputs=[cases, count, cutoff, current, units, index > 0, index < len(months) - 1],
                  context=lambda key=(year, month): dict(bulletin=issues()[key]))
    site.page("bulletins/index.html", "bulletins",
              inputs=[cat.all_suggestions, units, today],
              context=lambda: dict(bulletins=list(reversed(list(issues().values())))))
    return _Month(*months[-1])


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


def notice_pages(site, cat):
    settings = cat.settings
    today = cat.today
    for station in sorted(cat.stations.values(), key=lambda s: s.slug):
        months = notice_months(station)
        station_url = absolute(settings, station.url)
        submit_url = absolute(settings, f"submit/station/{station.slug}/")
        qr_station = LazyQR(station_url, f"二维码：打开{station.name}网页")
        qr_submit = LazyQR(submit_url, f"二维码：向{station.name}留言")
        # The station page links the notices of this month and the months ahead.
        # (or, when none is ahead, the latest one).
        links = [(y, m, notice_url(station, y, m)) for y, m in months]
        station.notices = [link for link in links if link[:2] >= (today.year, today.month)] or links[-1:]
        for (year, month), occasions in months.items():
            schedules = sorted({o.schedule.slug: o.schedule for o in occasions}.values(), key=lambda s: s.slug)
            deputies = sorted({d.slug: d for o in occasions for d in o.deputies}.values(), key=lambda d: d.slug)
            site.page(f"{notice_url(station, year, month)}index.html", "notice",
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
    site.pages("deputy_card", sorted(cat.deputies.values(), key=lambda d: d.slug),
               save_as=lambda d: f"{d.url}card/index.html", context=context)
