"""Sitemap and robots.txt.

The sitemap lists every HTML page of the site (the portal's own and
Pelican's news and pages) except the 404 page, in a stable order and
without ``lastmod`` (the content has no reliable modification times, and a
build time would change the file on every build).
"""

from xml.sax.saxutils import escape

EXCLUDED = {"404.html"}
STATUS_RECORDS = "track/s/"  # tracking_pages.RECORD_DIR


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


def robots(siteurl):
    return (f"User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: {siteurl}/sitemap.xml\n").encode("utf-8")


def write_sitemap(site, settings, pelican=(), pelican_before=None):
    """Call after every page is declared (it lists what ``site`` holds, and
    ``pelican``: Pelican's pages; ``pelican_before``: the last build's,
    None when unknown). One line per page: a joined file, so a build that
    adds or removes a page changes its line only."""
    siteurl = settings.get("SITEURL") or ""

    def parts(save_as_list):
        listed = sorted({url_of(s) for s in save_as_list if _listed(s)})
        return [(url, url, "", lambda url=url: f"<url><loc>{escape(f'{siteurl}/{url}')}</loc></url>".encode("utf-8"))
                for url in listed]
    changes = site.page_changes() if pelican_before is not None else None
    everything = changes is None
    added, removed = changes if changes else ((), ())
    gone = set(pelican_before or ()) - set(pelican)
    site.joined("sitemap.xml", b'<?xml version="1.0" encoding="utf-8"?>\n'
                b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n', b"\n</urlset>\n", sep=b"\n",
                owner="sitemap", parts=parts([*site.existing(), *pelican] if everything else [*added, *pelican]),
                drop=[url_of(s) for s in [*removed, *gone] if _listed(s)],
                full=None if everything else lambda: parts([*site.existing(), *pelican]))
    site.file("robots.txt", robots(siteurl), owner="site")


def _listed(save_as):
    """Every HTML page but the 404 page and the status records (reachable by code only)."""
    return save_as.endswith(".html") and save_as not in EXCLUDED and not save_as.startswith(STATUS_RECORDS)
