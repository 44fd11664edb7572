"""iCalendar (RFC 5545) feeds of reception days, and the month grid.

Three kinds of feed, all written by hand (no build-time dependency):

- ``reception/calendar.ics``: every reception day;
- ``stations/<id>/calendar.ics``: the days held at one station;
- ``deputies/<id>/calendar.ics``: the days one deputy is on duty.

Every concrete day is one VEVENT whose UID is made of the schedule's ID and
the day's *original* date, so a moved day keeps its UID and a subscribed
calendar updates the event in place (new time, ``SEQUENCE:1``) instead of
showing it twice. A cancelled day stays in the feed as ``STATUS:CANCELLED``
so subscribers see it disappear from their calendar rather than keep a stale
copy.

The output is deterministic: nothing depends on when the site was built.
"""

import calendar
import datetime
from urllib.parse import urlsplit

from .fingerprint import digest

TZID = "Asia/Shanghai"
_OFFSET = datetime.timedelta(hours=8)  # China has no daylight saving time

# Asia/Shanghai has been UTC+8 all year since 1991; one STANDARD component
# describes it for every date the portal shows.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "X-LIC-LOCATION:Asia/Shanghai",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value):
    """TEXT value escaping (RFC 5545 3.3.11)."""
    return (str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line):
    """Fold a content line to at most 75 octets per physical line (RFC 5545
    3.1), never splitting a UTF-8 character; continuation lines begin with
    one space, which counts toward their 75 octets."""
    if len(line) <= 18:  # 18 characters are at most 72 octets
        return line
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    # Cut the bytes, each cut moved back off a character's continuation
    # bytes (10xxxxxx): a calendar's many lines, not one character at a time.
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def local(day, time):
    return f"{day:%Y%m%d}T{time:%H%M%S}"


def uid_domain(settings):
    """The host part of UIDs: the site's host, so two portals' UIDs differ."""
    return urlsplit(settings.get("SITEURL") or "").hostname or "renda-portal.invalid"


def uid(occasion, settings):
    """Schedule ID + original date + the site's host: stable across builds,
    unchanged when the day is moved. (Not the ``id@host`` form RFC 5545
    suggests: the build's PII guard rightly refuses anything that looks
    like an e-mail address in the output.)"""
    return f"{occasion.schedule.slug}-{occasion.original_date:%Y%m%d}.{uid_domain(settings)}"


def absolute(settings, url):
    return f"{settings.get('SITEURL') or ''}/{url}"


def event_lines(occasion, settings):
    schedule, station = occasion.schedule, occasion.station
    # DTSTAMP must be a UTC date-time. A build time would change every event
    # on every build (defeating the write-only-changed output and making
    # subscribers re-sync for nothing), and the content carries no edit
    # times, so we derive it from the event itself: midnight (Beijing time)
    # of the day as originally announced. SEQUENCE, not DTSTAMP, tells a
    # client that the event changed: 0 as announced, 1 once the day is moved
    # or cancelled (a schedule line allows only one exception per day).
    stamp = datetime.datetime.combine(occasion.original_date, datetime.time()) - _OFFSET
    sequence = 1 if (occasion.moved or occasion.cancelled) else 0
    names = "、".join(d.name for d in occasion.deputies)
    description = [f"接待代表：{names}"]
    if schedule.theme:
        description.append(f"主题：{schedule.theme}")
    if occasion.cancelled:
        description.append(f"本次接待已取消：{occasion.reason}")
    elif occasion.moved:
        description.append(f"由{occasion.original_date.month}月{occasion.original_date.day}日"
                           f"改至本日：{occasion.reason}")
    if station:
        description.append(f"地点：{station.name}，{station.address}；电话：{station.phone}")
    url = absolute(settings, occasion.url)
    description.append(f"详情：{url}")
    summary = schedule.title if not occasion.cancelled else f"【已取消】{schedule.title}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(occasion, settings)}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%S}Z",
        f"SEQUENCE:{sequence}",
        f"DTSTART;TZID={TZID}:{local(occasion.date, occasion.start)}",
        f"DTEND;TZID={TZID}:{local(occasion.date, occasion.end)}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if station:
        lines.append(f"LOCATION:{escape_text(f'{station.name}（{station.address}）')}")
        if station.latitude is not None:
            lines.append(f"GEO:{station.latitude};{station.longitude}")
    lines += [
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if occasion.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def ics(occasions, name, settings):
    """The bytes of one calendar with ``occasions`` in stable order."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{escape_text(settings.get('SITENAME') or 'portal')}//renda-portal//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for occasion in sorted(occasions, key=lambda o: (o.original_date, o.schedule.slug)):
        lines += event_lines(occasion, settings)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def _key(occasions, *owners):
    """A calendar shows its days as scheduled (not today's state of them)."""
    return digest(*(o.static_digest for o in occasions), *(x.render_digest for x in owners))


def write_calendars(site, cat):
    settings = cat.settings
    sitename = settings.get("SITENAME") or ""
    if "reception" in cat.changes:
        site.file("reception/calendar.ics", lambda: ics(cat.occasions, f"{sitename}接待选民日", settings),
                  inputs=[_key(cat.occasions)], owner="reception")
    site.files(cat.affected("stations"),
               save_as=lambda station: f"{station.save_as[: -len('index.html')]}calendar.ics",
               make=lambda station: ics(station.occasions, f"{station.name}接待选民日", settings),
               key=lambda station: _key(station.occasions, station), owner=lambda s: f"station:{s.slug}")
    site.files(cat.affected("deputies"),
               save_as=lambda deputy: f"{deputy.save_as[: -len('index.html')]}calendar.ics",
               make=lambda deputy: ics(deputy.occasions, f"{deputy.name}代表接待选民日", settings),
               key=lambda deputy: _key(deputy.occasions, deputy), owner=lambda d: f"deputy:{d.slug}")


# -- month view ----------------------------------------------------------------

def month_weeks(year, month, occasions):
    """Weeks (Monday first) of the month: each a list of seven cells, a cell
    ``None`` outside the month or ``(date, [occasions on that date])``."""
    by_day = {}
    for o in occasions:
        by_day.setdefault(o.date, []).append(o)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(d, by_day.get(d, [])) if d.month == month else None for d in week])
    return weeks
