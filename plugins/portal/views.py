"""Every page of the portal: what it shows and which content it depends on.

Each function writes one family of pages through ``site.page``. Listings are
bucketed by stable keys (month, year, category, unit, state) so adding one
suggestion changes a handful of pages, never every page of a list.
"""

from collections import OrderedDict

from . import calendars, feeds, open311_mirror, opendata, reports, tracking_pages
from .models import STATE_LABELS
from .tally import Tally

LEVEL_ORDER = ["全国", "省", "市", "县", "乡镇"]
LATEST_IN_BUCKET = 20


def _by(items, key):
    groups = OrderedDict()
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def write_all(site, cat):
    settings = cat.settings
    suggestions = cat.published_suggestions()
    today = cat.today
    latest_bulletin = reports.write_all(site, cat)  # statistics, bulletins, notices, cards
    home(site, cat, suggestions, latest_bulletin)
    deputy_pages(site, cat, today)
    station_pages(site, cat, today)
    unit_pages(site, cat, today)
    reception_pages(site, cat, today)
    suggestion_pages(site, cat, suggestions, settings, today)
    submit_pages(site, cat)
    site.page("404.html", "404")
    site.page("search/index.html", "search")  # 站内搜索 (index: portal_tools/search.py, after the build)
    tracking_pages.write_track_page(site, cat)  # 查询进度 (status records: generator, after the sitemap)
    # Calendars, open data, Open311 mirror and feeds (issue 5).
    calendars.write_calendars(site, cat)
    opendata.write_open_data(site, cat)
    open311_mirror.write_open311(site, cat)
    feeds.write_feeds(site, cat)
    feeds.write_news_feed(site, cat, site.base.get("articles", []))


def submit_pages(site, cat):
    """The form, once general (every deputy and station to choose from) and
    once per deputy and station with that target preselected: a static page
    cannot read the query string without JavaScript. A per-target page
    offers only its target (a thousand-name list helps nobody on a phone)
    and links to the general form."""
    deputies = sorted(cat.deputies.values(), key=lambda d: (d.group, d.slug))
    stations = sorted(cat.stations.values(), key=lambda s: s.slug)
    site.page("submit/index.html", "submit", inputs=[*deputies, *stations], target=None,
              deputy_groups=_by(deputies, lambda d: d.group), stations=stations)
    for kind, items in (("deputy", deputies), ("station", stations)):
        for obj in items:
            site.page(f"submit/{kind}/{obj.slug}/index.html", "submit", inputs=[obj],
                      target=obj, target_kind=kind, target_key=f"{kind}:{obj.slug}")


def home(site, cat, suggestions, latest_bulletin=None):
    answered = sorted((s for s in suggestions if s.answered),
                      key=lambda s: (s.answered, s.code), reverse=True)
    latest = answered[: cat.settings["HOME_LATEST_ANSWERED"]]
    upcoming = cat.upcoming(cat.settings["HOME_UPCOMING_DAYS"])
    tally = Tally(suggestions, cat.today)
    site.page("index.html", "home", inputs=[*latest, *upcoming, *suggestions],
              upcoming=upcoming, latest_answered=latest, tally=tally, latest_bulletin=latest_bulletin,
              deputy_count=len(cat.deputies), station_count=len(cat.stations))


def deputy_pages(site, cat, today):
    deputies = sorted(cat.deputies.values(), key=lambda d: d.slug)
    by_group = _by(sorted(deputies, key=lambda d: (d.group, d.slug)), lambda d: d.group)
    by_constituency = _by(sorted(deputies, key=lambda d: (d.constituency, d.slug)), lambda d: d.constituency)
    by_level = OrderedDict((level, [d for d in deputies if level in d.levels])
                           for level in LEVEL_ORDER if any(level in d.levels for d in deputies))
    for save_as, mode, groups in (("deputies/index.html", "group", by_group),
                                  ("deputies/constituencies/index.html", "constituency", by_constituency),
                                  ("deputies/levels/index.html", "level", by_level)):
        site.page(save_as, "deputies", inputs=deputies, mode=mode, groups=groups, deputies=deputies)
    for deputy in deputies:
        raised = sorted(deputy.led + deputy.cosigned, key=lambda s: (s.received, s.code), reverse=True)
        addressed = sorted(deputy.addressed, key=lambda s: (s.received, s.code), reverse=True)
        upcoming = [o for o in deputy.occasions if o.date >= today and not o.cancelled]
        held = [o for o in deputy.occasions if o.date <= today and not o.cancelled]
        site.page(deputy.save_as, "deputy", inputs=[deputy, deputy.station, *raised, *addressed,
                                                     *deputy.occasions],
                  deputy=deputy, raised=raised, addressed=addressed, upcoming=upcoming[:10],
                  duty_held=len(held), tally=Tally(raised + addressed, today))


def station_pages(site, cat, today):
    stations = sorted(cat.stations.values(), key=lambda s: s.slug)
    site.page("stations/index.html", "stations", inputs=stations, stations=stations)
    for station in stations:
        upcoming = [o for o in station.occasions if o.date >= today][:12]
        recent = [o for o in station.occasions if o.date < today and o.record][-6:]
        deputies = sorted(station.deputies, key=lambda d: d.slug)
        site.page(station.save_as, "station", inputs=[station, *deputies, *station.occasions],
                  station=station, deputies=deputies, upcoming=upcoming, recent=recent)


def _bucketed(site, base, template, items, inputs_extra=(), **context):
    """An index page with the latest items and links to one page per year."""
    years = _by(items, lambda s: s.received.year)
    counts = [(year, len(group)) for year, group in years.items()]
    site.page(f"{base}index.html", template, inputs=[*inputs_extra, *items],
              items=items[:LATEST_IN_BUCKET], total=len(items), years=counts, year=None, **context)
    for year, group in years.items():
        site.page(f"{base}{year}/index.html", template, inputs=[*inputs_extra, *group],
                  items=group, total=len(group), years=counts, year=year, **context)


def unit_pages(site, cat, today):
    units = sorted(cat.units.values(), key=lambda u: u.slug)
    tallies = {u.slug: Tally(u.suggestions, today) for u in units}
    site.page("units/index.html", "units", inputs=[*units, *cat.suggestions.values()],
              units=units, tallies=tallies)
    for unit in units:
        items = sorted(unit.suggestions, key=lambda s: (s.received, s.code), reverse=True)
        overdue = [s for s in items if not s.answered and s.is_overdue(today)]
        _bucketed(site, unit.save_as[: -len("index.html")], "unit", items, inputs_extra=[unit],
                  unit=unit, tally=tallies[unit.slug], overdue=overdue)


def reception_pages(site, cat, today):
    schedules = sorted(cat.reception.values(), key=lambda r: r.slug)
    occasions = cat.occasions
    months = _by(occasions, lambda o: (o.date.year, o.date.month))
    horizon = cat.upcoming(cat.settings["RECEPTION_HORIZON_DAYS"])
    site.page("reception/index.html", "reception_index", inputs=[*schedules],
              upcoming=horizon, schedules=schedules, months=list(months))
    for (year, month), group in months.items():
        site.page(f"reception/{year}/{month:02d}/index.html", "reception_month",
                  inputs=[o.schedule for o in group], year=year, month=month, occasions=group,
                  months=list(months), weeks=calendars.month_weeks(year, month, group))
    for schedule in schedules:
        site.page(schedule.save_as, "reception_schedule", inputs=[schedule, schedule.station],
                  schedule=schedule)
        for occasion in schedule.occasions:
            site.page(occasion.save_as, "reception_day",
                      inputs=[schedule, schedule.station, *occasion.deputies, *occasion.suggestions],
                      occasion=occasion, schedule=schedule)


def suggestion_pages(site, cat, suggestions, settings, today):
    months = _by(suggestions, lambda s: (s.received.year, s.received.month))
    categories = [(slug, name, [s for s in suggestions if s.category_slug == slug])
                  for slug, name in settings["SUGGESTION_CATEGORIES"]]
    states = [(state, label, [s for s in suggestions if s.state == state])
              for state, label in STATE_LABELS.items()]
    units = sorted(cat.units.values(), key=lambda u: u.slug)
    supervised = [s for s in suggestions if s.supervised]
    site.page("suggestions/index.html", "suggestions", inputs=suggestions,
              latest=suggestions[:LATEST_IN_BUCKET], months=[(k, len(v)) for k, v in months.items()],
              categories=[(slug, name, len(items)) for slug, name, items in categories],
              states=[(state, label, len(items)) for state, label, items in states],
              units=units, supervised=supervised, tally=Tally(suggestions, today))
    month_keys = list(months)
    for (year, month), group in months.items():
        site.page(f"suggestions/{year}/{month:02d}/index.html", "suggestion_list", inputs=group,
                  items=group, total=len(group), heading=f"{year}年{month}月受理的意见建议",
                  years=[], year=None, month_keys=month_keys, current=(year, month))
    for slug, name, items in categories:
        _bucketed(site, f"suggestions/category/{slug}/", "suggestion_list", items,
                  heading=f"{name}类意见建议", month_keys=[], current=None)
    for state, label, items in states:
        _bucketed(site, f"suggestions/status/{state}/", "suggestion_list", items,
                  heading=f"{label}的意见建议", month_keys=[], current=None)
    for s in suggestions:
        related = [x for x in (s.lead, *s.cosigners, *s.addressed_to, s.station, s.lead_unit,
                               *s.assist_units, s.merged_into, s.occasion and s.occasion.schedule) if x]
        site.page(s.save_as, "suggestion", inputs=[s, *related, *s.duplicates], s=s,
                  overdue=s.is_overdue(today))

