"""Every page of the portal: what it shows, which content it depends on,
and which owner it belongs to.

Each function declares one family of pages to ``site`` (writer.py) with
its inputs -- the content objects it shows, and what else it shows that may
change (today, where a page shows today's state) -- and its owner
(catalog.py). A build declares only the owners whose content changed
(``cat.affected``, ``"suggestions" in cat.changes``); the other owners'
files stay as they are. An owner's pages are always declared together.
The template's variables are given as a function, called only when the
page is rendered: most declared pages turn out unchanged and are skipped.

Listings are bucketed by stable keys (month, year, category, unit, state)
so adding one suggestion changes a handful of pages, never every page of a
list; what a list shows of its items and how many there are come from the
catalog's store, and only the items a page shows are read.
"""

from collections import OrderedDict

from . import calendars, feeds, open311_mirror, opendata, reports, tracking_pages
from .catalog import Group, combined
from .fingerprint import digest
from .models import STATE_LABELS
from .tally import Tally

LEVEL_ORDER = ["全国", "省", "市", "县", "乡镇"]
LATEST_IN_BUCKET = 20


def _by(items, key):
    groups = OrderedDict()
    for item in items:
        k = key(item)
        group = groups.get(k)
        if group is None:
            group = groups[k] = []
        group.append(item)
    return groups


def write_all(site, cat):
    reports.write_all(site, cat)  # statistics, bulletins, notices, cards
    home(site, cat)
    deputy_pages(site, cat)
    station_pages(site, cat)
    unit_pages(site, cat)
    reception_pages(site, cat)
    suggestion_pages(site, cat)
    submit_pages(site, cat)
    site.page("404.html", "404", owner="site")
    site.page("search/index.html", "search", owner="site")  # 站内搜索 (index: portal_tools/search.py, after the build)
    tracking_pages.write_track_page(site, cat)  # 查询进度 (status records: generator, after the sitemap)
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
    if "deputies" in cat.changes:
        deputies = sorted(cat.deputies.values(), key=lambda d: (d.group, d.slug))
        stations = sorted(cat.stations.values(), key=lambda s: s.slug)
        site.page("submit/index.html", "submit", inputs=[Group(deputies), Group(stations)], owner="deputies",
                  context=lambda: dict(target=None, deputy_groups=_by(deputies, lambda d: d.group),
                                       stations=stations))
    for kind, items in (("deputy", cat.affected("deputies")), ("station", cat.affected("stations"))):
        site.pages("submit", items, save_as=lambda obj, kind=kind: f"submit/{kind}/{obj.slug}/index.html",
                   context=lambda obj, kind=kind: dict(target=obj, target_kind=kind,
                                                       target_key=f"{kind}:{obj.slug}"),
                   owner=lambda obj, kind=kind: f"{kind}:{obj.slug}")


def home(site, cat):
    if "home" not in cat.changes:
        return
    latest = cat.latest_answered(cat.settings["HOME_LATEST_ANSWERED"], entries=True)
    upcoming = cat.upcoming(cat.settings["HOME_UPCOMING_DAYS"])
    latest_bulletin = reports.latest_bulletin(cat)
    bulletin = (latest_bulletin.key, latest_bulletin.title) if latest_bulletin else None
    deputy_count, station_count = len(cat.deputies), len(cat.stations)
    site.page("index.html", "home", owner="home",
              inputs=[cat.today, cat.all_suggestions, *upcoming, bulletin, deputy_count, station_count],
              context=lambda: dict(upcoming=upcoming, latest_answered=latest, tally=cat.tally(),
                                   latest_bulletin=latest_bulletin, deputy_count=deputy_count,
                                   station_count=station_count))


def deputy_pages(site, cat):
    today = cat.today
    if "deputies" in cat.changes:
        deputies = sorted(cat.deputies.values(), key=lambda d: d.slug)
        by_group = _by(sorted(deputies, key=lambda d: (d.group, d.slug)), lambda d: d.group)
        by_constituency = _by(sorted(deputies, key=lambda d: (d.constituency, d.slug)), lambda d: d.constituency)
        everyone = Group(deputies)
        for save_as, mode, grouping in (("deputies/index.html", "group", lambda: by_group),
                                        ("deputies/constituencies/index.html", "constituency",
                                         lambda: by_constituency),
                                        ("deputies/levels/index.html", "level", lambda: _by_level(deputies))):
            site.page(save_as, "deputies", inputs=[everyone], owner="deputies",
                      context=lambda mode=mode, grouping=grouping: dict(mode=mode, groups=grouping(),
                                                                         deputies=deputies))

    def raised(deputy):
        return sorted(deputy.led + deputy.cosigned, key=lambda s: (s.received, s.code), reverse=True)

    def addressed(deputy):
        return sorted(deputy.addressed, key=lambda s: (s.received, s.code), reverse=True)

    def key(deputy):
        # Suggestions and reception days by digest; today only through the days' states.
        return digest(deputy.render_digest, *(s.render_digest for s in deputy.led),
                      "|", *(s.render_digest for s in deputy.cosigned),
                      "|", *(s.render_digest for s in deputy.addressed),
                      "|", *(o.render_digest for o in deputy.occasions))

    def context(deputy):
        mine, to_me = raised(deputy), addressed(deputy)
        upcoming = [o for o in deputy.occasions if o.date >= today and not o.cancelled]
        held = [o for o in deputy.occasions if o.date <= today and not o.cancelled]
        return dict(deputy=deputy, raised=mine, addressed=to_me, upcoming=upcoming[:10],
                    duty_held=len(held), tally=Tally(mine + to_me, today))

    site.pages("deputy", cat.affected("deputies"), save_as=lambda d: d.save_as, context=context, key=key,
               owner=lambda d: f"deputy:{d.slug}")


def _by_level(deputies):
    return OrderedDict((level, [d for d in deputies if level in d.levels])
                       for level in LEVEL_ORDER if any(level in d.levels for d in deputies))


def station_pages(site, cat):
    today = cat.today
    if "stations" in cat.changes:
        stations = sorted(cat.stations.values(), key=lambda s: s.slug)
        site.page("stations/index.html", "stations", owner="stations",
                  inputs=[*stations, Group(cat.deputies.values())], context=lambda: dict(stations=stations))

    def key(station):
        return digest(station.render_digest, repr(reports.station_notices(station, today)),
                      *(d.render_digest for d in station.deputies), *(o.render_digest for o in station.occasions))

    def context(station):
        upcoming = [o for o in station.occasions if o.date >= today][:12]
        recent = [o for o in station.occasions if o.date < today and o.record][-6:]
        station.notices = reports.station_notices(station, today)
        return dict(station=station, deputies=sorted(station.deputies, key=lambda d: d.slug),
                    upcoming=upcoming, recent=recent)

    site.pages("station", cat.affected("stations"), save_as=lambda s: s.save_as, context=context, key=key,
               owner=lambda s: f"station:{s.slug}")


def _bucketed(site, base, template, selection, years, owner, inputs_extra=(), **context):
    """An index page with the latest items and links to one page per year:
    ``selection`` (catalog.Selection) reads the items, ``years`` counts
    them ({year: (number, fingerprint)}, catalog.counts)."""
    counts = [(year, count) for year, (count, _) in years.items()]
    total, fingerprint = combined(years)
    site.page(f"{base}index.html", template, inputs=[*inputs_extra, fingerprint], owner=owner,
              context=lambda: resolve_lazy(dict(context, items=selection.entries(limit=LATEST_IN_BUCKET),
                                                total=total, years=counts, year=None)))
    for year, (count, fingerprint) in years.items():
        site.page(f"{base}{year}/index.html", template, inputs=[*inputs_extra, counts, fingerprint], owner=owner,
                  context=lambda year=year, count=count: resolve_lazy(dict(
                      context, items=selection.entries("AND s.month / 100 = ?", (year,)), total=count, years=counts,
                      year=year), year_page=True))


def unit_pages(site, cat):
    today = cat.today
    if "suggestions" in cat.changes:
        units = sorted(cat.units.values(), key=lambda u: u.slug)

        def tallies():
            counts = cat.facts("uy")
            return {u.slug: Tally.from_counts(counts.get(u.slug, {})) for u in units}
        site.page("units/index.html", "units", inputs=[*units, cat.all_suggestions], owner="suggestions",
                  context=lambda: dict(units=units, tallies=tallies()))
    for unit in cat.affected("units"):
        # A case the unit both leads and assists is listed (and counted) twice.
        cases = cat.selection("u.unit = ?", (unit.slug,), join="JOIN suggestion_unit u ON u.key = s.key")
        years = cat.counts("uy", unit.slug)
        # The figures and the overdue list show every item: every page of the unit lists them.
        _bucketed(site, unit.save_as[: -len("index.html")], "unit", cases, years, f"unit:{unit.slug}",
                  inputs_extra=[unit, combined(years)], unit=unit,
                  tally=_Lazy(lambda unit=unit: Tally.from_counts(cat.facts("uy").get(unit.slug, {}))),
                  overdue=_OnIndex(lambda cases=cases: cases.entries("AND s.answered IS NULL AND s.open_deadline < ?",
                                                                     (today.toordinal(),))))


class _Lazy:
    """A template variable worked out on first use (pages skipped never pay)."""

    def __init__(self, make):
        self.make = make
        self.value = None
        self.done = False

    def get(self):
        if not self.done:
            self.value, self.done = self.make(), True
        return self.value


class _OnIndex(_Lazy):
    """A _Lazy the index page of a unit shows, and its year pages do not."""


def resolve_lazy(context, year_page=False):
    """The values of ``context``; on a year's page, what only the index
    shows (``only_on_index``) is left out: its template does not show it."""
    return {k: ([] if year_page and isinstance(v, _OnIndex) else v.get() if isinstance(v, _Lazy) else v)
            for k, v in context.items()}


def reception_pages(site, cat):
    today = cat.today
    if "reception" in cat.changes:
        schedules = sorted(cat.reception.values(), key=lambda r: r.slug)
        occasions = cat.occasions
        months = _by(occasions, lambda o: (o.date.year, o.date.month))
        horizon = cat.upcoming(cat.settings["RECEPTION_HORIZON_DAYS"])
        month_keys = list(months)
        # The list shows each schedule's title, times and station, not its days' states.
        site.page("reception/index.html", "reception_index", owner="reception",
                  inputs=[today, Group(digest(r.digest, r.station.render_digest if r.station else "", r.slug)
                                       for r in schedules), *horizon, month_keys],
                  context=lambda: dict(upcoming=horizon, schedules=schedules, months=month_keys))
        this_month = (today.year, today.month)
        for (year, month), group in months.items():
            # The current month's grid marks today.
            site.page(f"reception/{year}/{month:02d}/index.html", "reception_month", owner="reception",
                      inputs=[Group(group), month_keys, today if (year, month) == this_month else None],
                      context=lambda year=year, month=month, group=group: dict(
                          year=year, month=month, occasions=group, months=month_keys,
                          weeks=calendars.month_weeks(year, month, group)))
    site.pages("reception_schedule", cat.affected("reception"), save_as=lambda r: r.save_as,
               context=lambda r: dict(schedule=r), owner=lambda r: f"schedule:{r.slug}")
    site.pages("reception_day", cat.affected_occasions(), save_as=lambda o: o.save_as,
               context=lambda o: dict(occasion=o, schedule=o.schedule),
               key=lambda o: digest(o.render_digest, o.schedule.render_digest,
                                    *(s.render_digest for s in o.suggestions)),
               owner=lambda o: f"occasion:{o.schedule.slug}/{o.slug}")


def suggestion_pages(site, cat):
    settings, today = cat.settings, cat.today
    if "suggestions" in cat.changes:
        every = cat.selection()
        months = OrderedDict((month, groups[""]) for month, groups in cat.counts("month").items())
        month_keys = [(month // 100, month % 100) for month in months]
        by_category, by_state = cat.counts("cy"), cat.counts("sy")
        units = sorted(cat.units.values(), key=lambda u: u.slug)

        def index():
            unit_counts = dict(cat.db.execute("SELECT unit, count(*) FROM suggestion_unit GROUP BY unit"))
            return dict(latest=every.entries(limit=LATEST_IN_BUCKET),
                        months=[(key, count) for key, (count, _) in zip(month_keys, months.values())],
                        categories=[(slug, name, combined(by_category.get(slug, {}))[0])
                                    for slug, name in settings["SUGGESTION_CATEGORIES"]],
                        states=[(state, label, combined(by_state.get(state, {}))[0])
                                for state, label in STATE_LABELS.items()],
                        units=units, unit_counts=unit_counts, tally=cat.tally(),
                        supervised=cat.selection("s.supervised").entries())
        site.page("suggestions/index.html", "suggestions", inputs=[cat.all_suggestions, *units], owner="suggestions",
                  context=index)
        for (year, month), (count, fingerprint) in zip(month_keys, months.values()):
            site.page(f"suggestions/{year}/{month:02d}/index.html", "suggestion_list", owner="suggestions",
                      inputs=[fingerprint, month_keys],
                      context=lambda year=year, month=month, count=count: dict(
                          items=every.entries("AND s.month = ?", (year * 100 + month,)), total=count,
                          heading=f"{year}年{month}月受理的意见建议",
                          years=[], year=None, month_keys=month_keys, current=(year, month)))
        for slug, name in settings["SUGGESTION_CATEGORIES"]:
            _bucketed(site, f"suggestions/category/{slug}/", "suggestion_list",
                      cat.selection("s.category_slug = ?", (slug,)), by_category.get(slug, {}), "suggestions",
                      heading=f"{name}类意见建议", month_keys=[], current=None)
        for state, label in STATE_LABELS.items():
            _bucketed(site, f"suggestions/status/{state}/", "suggestion_list", cat.selection("s.status = ?", (state,)),
                      by_state.get(state, {}), "suggestions", heading=f"{label}的意见建议", month_keys=[],
                      current=None)
    site.pages("suggestion", cat.affected("suggestions"), save_as=lambda s: s.save_as,
               context=lambda s: dict(s=s, overdue=s.is_overdue(today)), affinity=lambda s: s.code,
               owner=lambda s: f"suggestion:{s.code}")
