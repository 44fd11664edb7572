"""The Pelican generator for the portal's content types.

A build (generate_context, then generate_output):

1. every content file is looked at (size and modification time); with the
   templates, the plugin's code, the settings, the inbox and today this
   gives the build's stamp. When it equals the last build's, nothing can
   differ and the output phase is skipped outright;
2. otherwise the catalog is read (records of unchanged files come from the
   cache, see readcache.py) and cross-referenced;
3. every page is declared to the writer with its inputs; the pages whose
   fingerprints changed are rendered (on every core when there are many),
   scanned for personal data and written when their bytes changed.
"""

import gc
import json
import logging
from pathlib import Path

from pelican.generators import Generator

from . import casefiles, discovery, piiguard, tracking_pages, views
from .catalog import Catalog, portal_today, scan_files
from .fingerprint import Basis, source_stamp
from .writer import SiteWriter, _WriteIfChanged

logger = logging.getLogger(__name__)

URLS = {
    "DEPUTY": "deputies/{slug}/",
    "STATION": "stations/{slug}/",
    "UNIT": "units/{slug}/",
    "RECEPTIONDAY": "reception/{slug}/",
    "RECEPTION_DAY": "reception/{slug}/{date}/",
    "SUGGESTION": "suggestions/{code}/",
}
REPORT = "portal_build_report"  # where the build leaves its report in the settings (lower case: not a setting)


def default_settings():
    settings = {}
    for kind, url in URLS.items():
        settings[f"{kind}_URL"] = url
        settings[f"{kind}_SAVE_AS"] = url + "index.html"
    settings["PORTAL_INTAKE_DATA"] = str(Path(__file__).resolve().parents[2] / "intake" / "chalicelib"
                                         / "site_data.json")
    return settings


class BuildReport:
    """What the portal's part of a build did (read by the PII guard, the
    commands and the benchmark)."""

    def __init__(self):
        self.skipped_output = False
        self.findings = []
        self.rendered = self.written = self.unchanged = self.skipped = self.removed = 0
        self.child_peak_rss_kb = 0


class PortalGenerator(Generator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, value in default_settings().items():
            self.settings.setdefault(key, value)

    def generate_context(self):
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        content = Path(self.settings["PATH"])
        today = portal_today(self.settings)
        self.report = self.settings[REPORT] = BuildReport()
        _WriteIfChanged.written.clear()
        self.basis = Basis(self.settings, self.env, cache)
        catalog = Catalog(self.settings, self.context, today=today, cache_file=cache / "portal-records.pickle")
        self.scanned = {root: scan_files(root) for _, root in catalog.content_dirs()}
        inbox = casefiles.inbox_path(self.settings)
        others = [Path(self.theme)] + [content / p for p in (*self.settings["PAGE_PATHS"],
                                                               *self.settings["ARTICLE_PATHS"])]
        self.stamp = source_stamp([self.basis.site, *sorted(self.basis.templates.values()), today,
                                   Path(self.output_path).resolve()],
                                  self.scanned, others + ([inbox] if inbox else []))
        self.stamp_file = cache / "portal-build-stamp"
        self.context["today"] = today
        if self._unchanged_since_last_build():
            self.catalog = None
            return
        self.catalog = catalog.load(self.scanned)
        self.catalog.problems.raise_if_any()
        self.context["portal"] = self.catalog
        self.cases = casefiles.read_inbox(self.settings)
        self.keys = tracking_pages.status_keys_soon(
            {*self.catalog.suggestions, *(c.code for c in self.cases)}, cache)
        # Every object from here on lives to the end of the build: the
        # collector would only walk them again and again.
        gc.freeze()

    def _unchanged_since_last_build(self):
        try:
            same = self.stamp_file.read_text("utf-8") == self.stamp
        except OSError:
            return False
        return same and (Path(self.output_path) / "index.html").exists()

    def generate_output(self, writer):
        if self.catalog is None:
            logger.info("portal: no source changed since the last build; output left as it is")
            self.report.skipped_output = True
            return
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        cases = self.cases
        scanner = piiguard.scanner_for(self.settings, self.catalog, cases)
        self.site = SiteWriter(self.output_path, self.get_template, self.context,
                               cache / "portal-state.pickle", self.basis, scanner)
        views.write_all(self.site, self.catalog)
        # After every page: the sitemap lists what was written (and Pelican's pages).
        discovery.write_sitemap(self.site, self.settings, discovery.pelican_pages(self.context, self.settings))
        # After the sitemap: status records are reachable by code only, never listed.
        tracking_pages.write_status_records(self.site, self.catalog, cases, self.keys.result())
        for static in self.settings.get("PORTAL_THEME_STATIC_PATHS", []):
            self.site.copy_tree(Path(self.theme) / static, self.settings["THEME_STATIC_DIR"])
        report = self.report
        report.removed = self.site.finish()
        report.findings = self.site.findings
        report.scanner = scanner
        report.context = self.context
        for name in ("rendered", "written", "unchanged", "skipped", "child_peak_rss_kb"):
            setattr(report, name, getattr(self.site, name))
        self.write_intake_data()
        # Last, and only when nothing was refused: a build that stopped
        # before here (or found personal data) is never taken as up to date.
        if not report.findings:
            self.stamp_file.parent.mkdir(parents=True, exist_ok=True)
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
