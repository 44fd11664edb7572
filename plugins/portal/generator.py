"""The Pelican generator for the portal's content types."""

import json
import logging
from pathlib import Path

from pelican.generators import Generator

from . import casefiles, discovery, tracking_pages, views
from .catalog import Catalog, portal_today
from .fingerprint import site_basis, source_stamp
from .writer import SiteWriter

logger = logging.getLogger(__name__)

URLS = {
    "DEPUTY": "deputies/{slug}/",
    "STATION": "stations/{slug}/",
    "UNIT": "units/{slug}/",
    "RECEPTIONDAY": "reception/{slug}/",
    "RECEPTION_DAY": "reception/{slug}/{date}/",
    "SUGGESTION": "suggestions/{code}/",
}


def default_settings():
    settings = {}
    for kind, url in URLS.items():
        settings[f"{kind}_URL"] = url
        settings[f"{kind}_SAVE_AS"] = url + "index.html"
    settings["PORTAL_INTAKE_DATA"] = str(Path(__file__).resolve().parents[2] / "intake" / "chalicelib"
                                         / "site_data.json")
    return settings


class PortalGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in default_settings().items():
            self.settings.setdefault(key, value)

    def generate_context(self):
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        content = Path(self.settings["PATH"])
        today = portal_today(self.settings)
        self.basis = site_basis(self.settings, self.theme, today,
                                [content / p for p in (*self.settings["PAGE_PATHS"], *self.settings["ARTICLE_PATHS"])])
        inbox = casefiles.inbox_path(self.settings)
        roots = [content / d for d in self.settings["PORTAL_DIRS"].values()] + [Path(self.theme)]
        self.stamp = source_stamp(self.basis, roots + ([inbox] if inbox else []), self.output_path)
        self.stamp_file = cache / "portal-build-stamp"
        self.context["today"] = today
        if self._unchanged_since_last_build():
            self.catalog = None
            return
        self.catalog = Catalog(self.settings, self.context, today=today,
                               cache_file=cache / "portal-sources.pickle").load()
        self.catalog.problems.raise_if_any()
        self.context["portal"] = self.catalog

    def _unchanged_since_last_build(self):
        try:
            same = self.stamp_file.read_text("utf-8") == self.stamp
        except OSError:
            return False
        return same and (Path(self.output_path) / "index.html").exists()

    def generate_output(self, writer):
        if self.catalog is None:
            logger.info("portal: no source changed since the last build; output left as it is")
            return
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        self.site = SiteWriter(self.output_path, self.get_template, self.context,
                               cache / "portal-manifest.json", self.basis)
        views.write_all(self.site, self.catalog)
        # After every page: the sitemap lists what was written (and Pelican's pages).
        discovery.write_sitemap(self.site, self.settings, discovery.pelican_pages(self.context, self.settings))
        # After the sitemap: status records are reachable by code only, never listed.
        tracking_pages.write_status_records(self.site, self.catalog)
        for static in self.settings.get("PORTAL_THEME_STATIC_PATHS", []):
            self.site.copy_tree(Path(self.theme) / static, self.settings["THEME_STATIC_DIR"])
        self.site.finish()
        self.write_intake_data()
        # Last: a build that stopped before here is never taken as up to date.
        self.stamp_file.write_text(self.stamp, "utf-8")

    def write_intake_data(self):
        """The intake function checks categories and addressed deputies or
        stations against this file; the build is its source."""
        target = self.settings.get("PORTAL_INTAKE_DATA")
        if not target:
            return
        cat = self.catalog
        data = {
            "categories": [list(c) for c in self.settings["SUGGESTION_CATEGORIES"]],
            "deputies": {d.slug: d.name for d in sorted(cat.deputies.values(), key=lambda d: d.slug)},
            "stations": {s.slug: s.name for s in sorted(cat.stations.values(), key=lambda s: s.slug)},
        }
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        shell = self.get_template("intake_shell").render(dict(self.context, page_url="submit/"))
        for path, body in ((Path(target), text), (Path(target).with_name("page_shell.html"), shell)):
            if not path.exists() or path.read_text("utf-8") != body:
                path.write_text(body, "utf-8")
