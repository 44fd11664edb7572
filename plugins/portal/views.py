"""Every page of the portal: what it shows and which content it depends on.

Each function declares one family of pages to ``site`` (writer.py) with its
inputs: the content objects it shows, and what else it shows that may
change (today, where a page shows today's state). The template's variables
are given as a function, called only when the page is rendered: an
incremental build asks every page for its fingerprint, and renders few.

Listings are bucketed by stable keys (month, year, category, unit, state)
so adding one suggestion changes a handful of pages, never every page of a
list. No function here walks more than its own family.
"""

from collections import OrderedDict

from . import calendars, feeds, open311_mirror, opendata, reports, tracking_pages
from .fingerprint import digest
from .models import STATE_LABELS
from .tally import Tally

LEVEL_ORDER = ["全国", "省", "市", "县", "乡镇"]
LATEST_IN_BUCKET = 20


class Group:
    """Many content objects as one input: the digest of their digests
    (``attr``: which digest; ``Listed`` for lists of suggestions)."""

    __slots__ = ("render_digest",)

    def __init__(self, items, attr="render_digest"):
        self.render_digest = digest(*(getattr(x, attr) for x in items))


def Listed(suggestions):
    """Suggestions as a list shows them (catalog: list_digest)."""
    return Group(suggestions, "list_digest")


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
    settings = cat.settings
    suggestions = cat.published_suggestions()
    today = cat.today
    cat.all_suggestions = Listed(suggestions)
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
    site.page("submit/index.html", "submit", inputs=[Group(deputies), Group(stations)],
              context=lambda: dict(target=None, deputy_groups=_by(deputies, lambda d: d.group),
                                   stations=stations))
    for kind, items in (("deputy", deputies), ("station", stations)):
        site.pages("submit", items, save_as=lambda obj, kind=kind: f"submit/{kind}/{obj.slug}/index.html",
                   context=lambda obj, kind=kind: dict(target=obj, target_kind=kind,
                                                       target_key=f"{kind}:{obj.slug}"))


def home(site, cat, suggestions, latest_bulletin=None):
    answered = sorted((s for s in suggestions if s.answered),
                      key=lambda s: (s.answered, s.code), reverse=True)
    latest = answered[: cat.settings["HOME_LATEST_ANSWERED"]]
    upcoming = cat.upcoming(cat.settings["HOME_UPCOMING_DAYS"])
    bulletin = (latest_bulletin.key, latest_bulletin.title) if latest_bulletin else None
    site.page("index.html", "home",
              inputs=[cat.today, cat.all_suggestions, *upcoming, bulletin, len(cat.deputies), len(cat.stations)],
              context=lambda: dict(upcoming=upcoming, latest_answered=latest, tally=Tally(suggestions, cat.today),
                                   latest_bulletin=latest_bulletin, deputy_count=len(cat.deputies),
                                   station_count=len(cat.stations)))


def deputy_pages(site, cat, today):
    deputies = sorted(cat.deputies.values(), key=lambda d: d.slug)
    by_group = _by(sorted(deputies, key=lambda d: (d.group, d.slug)), lambda d: d.group)
    by_constituency = _by(sorted(deputies, key=lambda d: (d.constituency, d.slug)), lambda d: d.constituency)
    everyone = Group(deputies)
    for save_as, mode, grouping in (("deputies/index.html", "group", lambda: by_group),
                                    ("deputies/constituencies/index.html", "constituency", lambda: by_constituency),
                                    ("deputies/levels/index.html", "level", lambda: _by_level(deputies))):
        site.page(save_as, "deputies", inputs=[everyone],
                  context=lambda mode=mode, grouping=grouping: dict(mode=mode, groups=grouping(), deputies=deputies))

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

    site.pages("deputy", deputies, save_as=lambda d: d.save_as, context=context, key=key)


def _by_level(deputies):
    return OrderedDict((level, [d for d in deputies if level in d.levels])
                       for level in LEVEL_ORDER if any(level in d.levels for d in deputies))


def station_pages(site, cat, today):
    stations = sorted(cat.stations.values(), key=lambda s: s.slug)
    site.page("stations/index.html", "stations", inputs=[*stations, Group(cat.deputies.values())],
              context=lambda: dict(stations=stations))

    def key(station):
        return digest(station.render_digest, repr(station.notices),
                      *(d.render_digest for d in station.deputies), *(o.render_digest for o in station.occasions))

    def context(station):
        upcoming = [o for o in station.occasions if o.date >= today][:12]
        recent = [o for o in station.occasions if o.date < today and o.record][-6:]
        return dict(station=station, deputies=sorted(station.deputies, key=lambda d: d.slug),
                    upcoming=upcoming, recent=recent)

    site.pages("station", stations, save_as=lambda s: s.save_as, context=context, key=key)


def _bucketed(site, base, template, items, inputs_extra=(), **context):
    """An index page with the latest items and links to one page per year."""
    years = _by(items, lambda s: s.received.year)
    counts = [(year, len(group)) for year, group in years.items()]
    site.page(f"{base}index.html", template, inputs=[*inputs_extra, Listed(items)],
              context=lambda: resolve_lazy(dict(context, items=items[:LATEST_IN_BUCKET], total=len(items),
                                                years=counts, year=None)))
    for year, group in years.items():
        site.page(f"{base}{year}/index.html", template, inputs=[*inputs_extra, counts, Listed(group)],
                  context=lambda group=group, year=year: resolve_lazy(dict(
                      context, items=group, total=len(group), years=counts, year=year)))


def unit_pages(site, cat, today):
    units = sorted(cat.units.values(), key=lambda u: u.slug)
    site.page("units/index.html", "units", inputs=[*units, cat.all_suggestions],
              context=lambda: dict(units=units, tallies={u.slug: Tally(u.suggestions, today) for u in units}))
    for unit in units:
        items = sorted(unit.suggestions, key=lambda s: (s.received, s.code), reverse=True)
        # The figures and the overdue list show every item: every page of the unit lists them.
        _bucketed(site, unit.save_as[: -len("index.html")], "unit", items, inputs_extra=[unit, Listed(items)],
                  unit=unit, tally=_Lazy(lambda items=items: Tally(items, today)),
                  overdue=_Lazy(lambda items=items: [s for s in items if not s.answered and s.is_overdue(today)]))


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


def resolve_lazy(context):
    return {k: (v.get() if isinstance(v, _Lazy) else v) for k, v in context.items()}


def reception_pages(site, cat, today):
    schedules = sorted(cat.reception.values(), key=lambda r: r.slug)
    occasions = cat.occasions
    months = _by(occasions, lambda o: (o.date.year, o.date.month))
    horizon = cat.upcoming(cat.settings["RECEPTION_HORIZON_DAYS"])
    month_keys = list(months)
    site.page("reception/index.html", "reception_index", inputs=[today, Group(schedules), month_keys],
              context=lambda: dict(upcoming=horizon, schedules=schedules, months=month_keys))
    this_month = (today.year, today.month)
    for (year, month), group in months.items():
        # The current month's grid marks today.
        site.page(f"reception/{year}/{month:02d}/index.html", "reception_month",
                  inputs=[Group(group), month_keys, today if (year, month) == this_month else None],
                  context=lambda year=year, month=month, group=group: dict(
                      year=year, month=month, occasions=group, months=month_keys,
                      weeks=calendars.month_weeks(year, month, group)))
    site.pages("reception_schedule", schedules, save_as=lambda r: r.save_as,
               context=lambda r: dict(schedule=r))
    days = [o for schedule in schedules for o in schedule.occasions]
    site.pages("reception_day", days, save_as=lambda o: o.save_as,
               context=lambda o: dict(occasion=o, schedule=o.schedule),
               key=lambda o: digest(o.render_digest, o.schedule.render_digest,
                                    *(s.render_digest for s in o.suggestions)))


def suggestion_pages(site, cat, suggestions, settings, today):
    months = _by(suggestions, lambda s: (s.received.year, s.received.month))
    by_category, by_state = _by(suggestions, lambda s: s.category_slug), _by(suggestions, lambda s: s.state)
    categories = [(slug, name, by_category.get(slug, [])) for slug, name in settings["SUGGESTION_CATEGORIES"]]
    states = [(state, label, by_state.get(state, [])) for state, label in STATE_LABELS.items()]
    units = sorted(cat.units.values(), key=lambda u: u.slug)
    supervised = [s for s in suggestions if s.supervised]
    month_counts = [(k, len(v)) for k, v in months.items()]
    site.page("suggestions/index.html", "suggestions", inputs=[cat.all_suggestions, *units],
              context=lambda: dict(
                  latest=suggestions[:LATEST_IN_BUCKET], months=month_counts,
                  categories=[(slug, name, len(items)) for slug, name, items in categories],
                  states=[(state, label, len(items)) for state, label, items in states],
                  units=units, supervised=supervised, tally=Tally(suggestions, today)))
    month_keys = list(months)
    for (year, month), group in months.items():
        site.page(f"suggestions/{year}/{month:02d}/index.html", "suggestion_list",
                  inputs=[Listed(group), month_keys],
                  context=lambda year=year, month=month, group=group: dict(
                      items=group, total=len(group), heading=f"{year}年{month}月受理的意见建议",
                      years=[], year=None, month_keys=month_keys, current=(year, month)))
    for slug, name, items in categories:
        _bucketed(site, f"suggestions/category/{slug}/", "suggestion_list", items,
                  heading=f"{name}类意见建议", month_keys=[], current=None)
    for state, label, items in states:
        _bucketed(site, f"suggestions/status/{state}/", "suggestion_list", items,
                  heading=f"{label}的意见建议", month_keys=[], current=None)
    site.pages("suggestion", suggestions, save_as=lambda s: s.save_as,
               context=lambda s: dict(s=s, overdue=s.is_overdue(today)), affinity=lambda s: s.code)
