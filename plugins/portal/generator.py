"""The Pelican generator for the portal's content types."""

import json
from pathlib import Path

from pelican.generators import Generator

from . import discovery, tracking_pages, views
from .catalog import Catalog
from .fingerprint import site_basis
from .writer import SiteWriter

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
        self.catalog = Catalog(self.settings, self.context, cache_file=cache / "portal-sources.pickle").load()
        self.catalog.problems.raise_if_any()
        self.context["portal"] = self.catalog
        self.context["today"] = self.catalog.today

    def generate_output(self, writer):
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        content = Path(self.settings["PATH"])
        basis = site_basis(self.settings, self.theme, self.catalog.today,
                           [content / p for p in (*self.settings["PAGE_PATHS"], *self.settings["ARTICLE_PATHS"])])
        self.site = SiteWriter(self.output_path, self.get_template, self.context,
                               cache / "portal-manifest.json", basis)
        views.write_all(self.site, self.catalog)
        # After every page: the sitemap lists what was written (and Pelican's pages).
        discovery.write_sitemap(self.site, self.settings, discovery.pelican_pages(self.context, self.settings))
        # After the sitemap: status records are reachable by code only, never listed.
        tracking_pages.write_status_records(self.site, self.catalog)
        for static in self.settings.get("PORTAL_THEME_STATIC_PATHS", []):
            self.site.copy_tree(Path(self.theme) / static, self.settings["THEME_STATIC_DIR"])
        self.site.finish()
        self.write_intake_data()

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
