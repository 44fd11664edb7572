"""Atom feeds (RFC 4287), written by hand so the bytes are ours to control.

- ``feeds/answered.atom.xml``: the 50 most recently answered suggestions;
- ``deputies/<id>/feed.atom.xml``: suggestions a deputy raised, co-signed or
  was addressed in, latest activity first;
- ``units/<id>/feed.atom.xml``: suggestions a handling unit leads or assists;
- ``feeds/news.atom.xml``: the news articles (Pelican's articles).

Deterministic: an entry's ``updated`` is the latest dated event of the
content it shows, and a feed's ``updated`` the latest of its entries, never
the build time. An empty feed says 1970-01-01 (a fixed value, so it does not
change from build to build). Entry IDs are name-based UUIDs of the site name
and the item's address, stable across builds and deployments.
"""

import datetime
import uuid
from xml.sax.saxutils import escape, quoteattr

from .filters import cn_date
from .fingerprint import digest

LIMIT = 50
EPOCH = "1970-01-01T00:00:00+08:00"
NS = uuid.UUID("6f1b6c1e-0d7a-4c55-9a51-3a2f0c1e7b10")  # this project's namespace


def rfc3339(value):
    if value is None:
        return EPOCH
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:  # Pelican gives aware dates when TIMEZONE is set
            return value.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
        return value.isoformat(timespec="seconds")
    return f"{value.isoformat()}T00:00:00+08:00"


def entry_id(settings, path):
    return f"urn:uuid:{uuid.uuid5(NS, (settings.get('SITENAME') or '') + '/' + path)}"


def _href(settings, url):
    return f"{settings.get('SITEURL') or ''}/{url}"


def atom(settings, path, title, alternate, entries, subtitle=""):
    """``entries``: dicts with id, title, url, updated, published, summary,
    content_html (optional), categories (optional); newest first."""
    updated = max((e["updated"] for e in entries), default=EPOCH)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
           f"<id>{escape(entry_id(settings, path))}</id>",
           f"<title>{escape(title)}</title>"]
    if subtitle:
        out.append(f"<subtitle>{escape(subtitle)}</subtitle>")
    out += [f"<updated>{updated}</updated>",
            f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(_href(settings, path))}/>",
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(_href(settings, alternate))}/>",
            f"<author><name>{escape(settings.get('SITE_OWNER') or settings.get('SITENAME') or '')}</name></author>",
            f"<generator>{escape(settings.get('SITENAME') or '')}</generator>"]
    for e in entries:
        out += ["<entry>",
                f"<id>{escape(e['id'])}</id>",
                f"<title>{escape(e['title'])}</title>",
                f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(_href(settings, e['url']))}/>",
                f"<published>{e['published']}</published>",
                f"<updated>{e['updated']}</updated>"]
        out += [f"<category term={quoteattr(c)}/>" for c in e.get("categories", [])]
        out.append(f"<summary type=\"text\">{escape(e['summary'])}</summary>")
        if e.get("content_html"):
            out.append(f"<content type=\"html\">{escape(str(e['content_html']))}</content>")
        out.append("</entry>")
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


# -- suggestions -----------------------------------------------------------------

def last_event(s):
    return s.last_event_date()


def suggestion_entry(s, settings):
    parts = [f"{s.source} · {s.category} · {s.state_label}", f"受理：{cn_date(s.received)}"]
    if s.lead_unit:
        parts.append(f"主办：{s.lead_unit.name}")
    if s.answered:
        parts.append(f"答复：{cn_date(s.answered)}，{s.result}类（{settings['RESULT_CLASSES'][s.result]}）")
    if s.final_satisfaction:
        parts.append(f"满意度：{s.final_satisfaction}")
    content = getattr(s, "reply_html", None)
    return {
        "id": entry_id(settings, s.url), "title": f"【{s.state_label}】{s.title}", "url": s.url,
        "published": rfc3339(s.answered or s.received), "updated": rfc3339(last_event(s)),
        "summary": "；".join(parts), "content_html": f"<h2>答复</h2>{content}" if content else "",
        "categories": [s.category],
    }


def _latest(items):
    return sorted(items, key=lambda s: (last_event(s), s.code), reverse=True)[:LIMIT]


def _key(owner, digests):
    """A feed shows its owner's name and its items as they are (not what
    today makes of them, ``digests``: their list_static_digest): it
    changes only when one of them does."""
    return digest(owner.render_digest, *sorted(digests))


def write_feeds(site, cat):
    settings = cat.settings
    sitename = settings.get("SITENAME") or ""
    if "suggestions" in cat.changes:
        answered = cat.latest_answered(LIMIT)
        site.file("feeds/answered.atom.xml", owner="suggestions",
                  data=lambda: atom(settings, "feeds/answered.atom.xml", f"新答复的意见建议 - {sitename}",
                                    "suggestions/", [suggestion_entry(s, settings) for s in answered],
                                    subtitle="承办单位最新答复的群众意见和代表建议"),
                  inputs=[s.list_static_digest for s in answered])

    def mine(deputy):
        return list({s.code: s for s in deputy.led + deputy.cosigned + deputy.addressed}.values())

    def deputy_feed(deputy):
        path = f"{deputy.url}feed.atom.xml"
        return atom(settings, path, f"{deputy.name}代表的意见建议 - {sitename}", deputy.url,
                    [suggestion_entry(s, settings) for s in _latest(mine(deputy))],
                    subtitle=f"{deputy.name}代表提出、附议或收到的意见建议的办理动态")
    site.files(cat.affected("deputies"), save_as=lambda d: f"{d.url}feed.atom.xml", make=deputy_feed,
               key=lambda d: _key(d, [s.list_static_digest for s in mine(d)]), owner=lambda d: f"deputy:{d.slug}")

    # A unit's cases (one it both leads and assists twice, as its page lists it).
    linked = "FROM suggestion_unit u JOIN suggestion s ON s.key = u.key WHERE u.unit = ?"

    def unit_feed(unit):
        path = f"{unit.url}feed.atom.xml"
        latest = cat.suggestions_by(f"SELECT s.key {linked} ORDER BY s.last_event DESC, s.key DESC LIMIT ?",
                                    (unit.slug, LIMIT))
        return atom(settings, path, f"{unit.name}承办的意见建议 - {sitename}", unit.url,
                    [suggestion_entry(s, settings) for s in latest],
                    subtitle=f"{unit.name}主办或协办的意见建议的办理动态")
    site.files(cat.affected("units"), save_as=lambda u: f"{u.url}feed.atom.xml", make=unit_feed,
               key=lambda u: _key(u, [d for (d,) in cat.db.execute(f"SELECT s.ldigest {linked}", (u.slug,))]),
               owner=lambda u: f"unit:{u.slug}")


def write_news_feed(site, cat, articles):
    settings = cat.settings
    articles = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)[:LIMIT]
    entries = []
    for a in articles:
        modified = getattr(a, "modified", None) or a.date
        entries.append({
            "id": entry_id(settings, a.url), "title": a.title, "url": a.url,
            "published": rfc3339(a.date), "updated": rfc3339(max(modified, a.date)),
            "summary": _text(getattr(a, "summary", "") or ""), "content_html": a.content,
        })
    site.file("feeds/news.atom.xml",
              atom(settings, "feeds/news.atom.xml", f"工作动态 - {settings.get('SITENAME') or ''}",
                   _index_url(settings), entries), owner="site")


def _index_url(settings):
    save_as = settings.get("INDEX_SAVE_AS") or "index.html"
    return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as


def _text(html):
    from .opendata import plain_text
    return plain_text(html).replace("\n", " ")
