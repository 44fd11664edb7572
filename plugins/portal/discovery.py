"""Sitemap and robots.txt.

The sitemap lists every HTML page of the site (the portal's own and
Pelican's news and pages) except the 404 page, in a stable order and
without ``lastmod`` (the content has no reliable modification times, and a
build time would change the file on every build).
"""

from xml.sax.saxutils import escape

EXCLUDED = {"404.html"}


def pelican_pages(context, settings):
    """save_as of the HTML files Pelican's own generators write."""
    found = []
    for key in ("articles", "pages"):
        for item in context.get(key, []):
            found.append(item.save_as)
            found += [t.save_as for t in getattr(item, "translations", [])]
    for name in settings.get("DIRECT_TEMPLATES", []):
        save_as = settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html")
        if save_as:
            found.append(save_as)
    return [p for p in found if p]


def url_of(save_as):
    return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as


def sitemap(siteurl, save_as_list):
    html = sorted({url_of(s) for s in save_as_list if s.endswith(".html") and s not in EXCLUDED})
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(f'{siteurl}/{url}')}</loc></url>" for url in html]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(siteurl):
    return (f"User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {siteurl}/sitemap.xml\n").encode("utf-8")


def write_sitemap(site, settings, extra_pages=()):
    """Call after every page is written (it lists what ``site`` produced)."""
    siteurl = settings.get("SITEURL") or ""
    site.file("sitemap.xml", sitemap(siteurl, [*site.produced, *extra_pages]))
    site.file("robots.txt", robots(siteurl))
