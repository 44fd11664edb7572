"""Pages for supervision and for print: the statistics page, the monthly
progress bulletins, the stations' printable reception-day notices (公示)
and the deputies' contact cards. Every file goes through ``site.page``.
"""

from collections import OrderedDict

from . import charts
from .qr import LazyQR, absolute
from .statistics import Statistics, bulletins


def write_all(site, cat):
    """Writes the pages; returns the latest bulletin (the home page links it)."""
    suggestions = cat.published_suggestions()
    statistics_page(site, cat, suggestions)
    latest = bulletin_pages(site, cat, suggestions)
    notice_pages(site, cat)
    card_pages(site, cat)
    return latest


# -- statistics ----------------------------------------------------------------

def statistics_page(site, cat, suggestions):
    stats = Statistics(suggestions, cat.units.values(), cat.settings, cat.today)
    month_rows = []
    for index, row in enumerate(stats.months):
        year, month = row.key
        first = index == 0 or month == 1
        month_rows.append((f"{month}月", f"{year}年" if first else "", row.tally.total, str(row.tally.total)))
    chart = {
        "months": charts.columns("chart-months", "各月受理件数（按受理月份）", month_rows),
        "units": charts.hbar("chart-units", "各主办单位按时答复率",
                             [(r.label, r.tally.on_time_rate, _rate_text(r.tally.on_time_rate, r.tally.on_time, r.tally.answered))
                              for r in stats.units],
                             maximum=100),
        "categories": charts.hbar("chart-categories", "各类别受理件数",
                                  [(r.label, r.tally.total, str(r.tally.total)) for r in stats.categories]),
    }
    site.page("statistics/index.html", "statistics", inputs=[*suggestions, *cat.units.values()],
              stats=stats, charts=chart)


def _rate_text(rate, part, whole):
    """As the tables print it: 85.7%（6/7）, or — without a denominator."""
    return "—" if rate is None else f"{rate:g}%（{part}/{whole}）"


# -- bulletins ---------------------------------------------------------------------

def bulletin_pages(site, cat, suggestions):
    issues = bulletins(suggestions, cat.today)
    units = list(cat.units.values())
    for issue in issues:
        site.page(f"{issue.url}index.html", "bulletin", inputs=[*suggestions, *units], bulletin=issue)
    site.page("bulletins/index.html", "bulletins", inputs=[*suggestions, *units],
              bulletins=list(reversed(issues)))
    return issues[-1] if issues else None


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
                      inputs=[station, *schedules, *deputies],
                      station=station, year=year, month=month, occasions=occasions,
                      station_url=station_url, submit_url=submit_url,
                      qr_station=qr_station, qr_submit=qr_submit)


def card_pages(site, cat):
    for deputy in sorted(cat.deputies.values(), key=lambda d: d.slug):
        url = absolute(cat.settings, deputy.url)
        site.page(f"{deputy.url}card/index.html", "deputy_card", inputs=[deputy, deputy.station],
                  deputy=deputy, deputy_url=url, qr=LazyQR(url, f"二维码：打开{deputy.name}代表的网页"))
