"""The Pelican generator for the portal's content types.

A build (generate_context, then generate_output):

1. every content file is looked at (size and modification time); with the
   templates, the plugin's code, the settings, the inbox and today this
   gives the build's stamp. When it equals the last build's, nothing can
   differ and the output phase is skipped outright;
2. otherwise the catalog brings the build's store up to date: the files
   that changed are read and checked, and the owners whose pages may now
   differ are noted (catalog.py, store.py);
3. the pages of those owners -- every page, after a change of templates,
   settings or code -- are declared to the writer with their inputs; the
   pages whose fingerprints changed are rendered (on every core when there
   are many), scanned for personal data and written when their bytes
   changed (views.py, writer.py).
"""

import gc
import json
import logging
from pathlib import Path

from pelican.generators import Generator

from . import casefiles, discovery, fragments, piiguard, tracking_pages, views
from .catalog import Catalog, portal_today, scan_files
from .store import Store
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
        # A build makes millions of objects that live to its end and next to
        # no cyclic garbage (a province-scale build's collector passes freed
        # 3,000 objects; its build processes' none), yet every pass walks
        # what is new since the last one: 5 s of a province build's catalog
        # and declaring went to the collector. So it is paused for the
        # build, in the processes the build forks too, and resumed after.
        self.collector_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._generate_context()
        except BaseException:
            self._end()
            raise

    def _end(self):
        # The store closed here, not left to the interpreter (a build's
        # objects are never freed at exit, see portal_tools/site.py): closing
        # folds its log into the database and removes it, so the next build
        # does not start by reading it (77 MB after a county cold build).
        store = getattr(self, "store", None)
        if store is not None:
            store.close()
        # Frozen before the collector resumes (site.build unfreezes it): else
        # its first pass would walk everything the build made as new.
        gc.freeze()
        if self.collector_was_enabled:
            gc.enable()

    def _generate_context(self):
        cache = Path(self.settings.get("CACHE_PATH") or "cache")
        content = Path(self.settings["PATH"])
        today = portal_today(self.settings)
        self.report = self.settings[REPORT] = BuildReport()
        _WriteIfChanged.written.clear()
        self.basis = Basis(self.settings, self.env, cache)
        self.store = Store(cache / "portal.sqlite3")
        catalog = Catalog(self.settings, self.context, today=today, store=self.store)
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
        # The tracking keys of new codes are worked out while the build goes on.
        self.keys = tracking_pages.StatusKeys(self.store)
        self.catalog = catalog.load(self.scanned, parsed=self.keys.soon)
        self.catalog.problems.raise_if_any()
        self.context["portal"] = self.catalog
        # A change of templates, settings or code: every page is declared again.
        self.bases = json.dumps([self.basis.site, sorted(self.basis.templates.items())])
        if self.store.get("bases") != self.bases:
            self.catalog.changes.everything = True
        self.cases = casefiles.read_inbox(self.settings)
        self.codes = tracking_pages.status_codes(self.catalog, self.cases,
                                                 json.loads(self.store.get("inbox", "[]")))
        self.keys.soon([case.code for case in self.cases])

    def _unchanged_since_last_build(self):
        try:
            same = self.stamp_file.read_text("utf-8") == self.stamp
        except OSError:
            return False
        return same and (Path(self.output_path) / "index.html").exists()

    def generate_output(self, writer):
        try:
            self._generate_output()
        finally:
            self._end()

    def _generate_output(self):
        if self.catalog is None:
            logger.info("portal: no source changed since the last build; output left as it is")
            self.report.skipped_output = True
            return
        store, cat = self.store, self.catalog
        scanner = piiguard.scanner_for(self.settings, cat, self.cases)
        self.site = SiteWriter(self.output_path, self.get_template, self.context, store, self.basis, scanner,
                               everything=cat.changes.everything, owners=cat.changes.owners)
        cat.changes.everything = self.site.everything  # a new output directory: everything is made
        cat.fragments = fragments.Fragments(store, self.basis.of("_macros.html"))
        self.env.filters["listed"] = cat.fragments.item
        self.site.extras.append(cat.fragments)
        store.begin()
        try:
            views.write_all(self.site, cat)
            # After every page: the sitemap lists what the output holds (and Pelican's pages).
            pelican = discovery.pelican_pages(self.context, self.settings)
            before = None if cat.changes.everything else json.loads(store.get("pelican", "null") or "null")
            discovery.write_sitemap(self.site, self.settings, pelican, before)
            # After the sitemap: status records are reachable by code only, never listed.
            tracking_pages.write_status_records(self.site, cat, self.cases, self.codes, self.keys)
            for static in self.settings.get("PORTAL_THEME_STATIC_PATHS", []):
                self.site.copy_tree(Path(self.theme) / static, self.settings["THEME_STATIC_DIR"], owner="theme")
            report = self.report
            report.removed = self.site.finish()
            cat.fragments.save()
            report.findings = self.site.findings
            report.scanner = scanner
            report.context = self.context
            for name in ("rendered", "written", "unchanged", "skipped", "child_peak_rss_kb"):
                setattr(report, name, getattr(self.site, name))
            self.write_intake_data()
            store.put("pelican", json.dumps(pelican))
            if not report.findings:
                # Every owner's pages are made: nothing left for the next build.
                store.db.execute("DELETE FROM pending")
                store.put("pending_all", "0")
                store.put("bases", self.bases)
                store.put("inbox", json.dumps(sorted(case.code for case in self.cases)))
            store.commit()
        finally:
            store.rollback()
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
        db = self.catalog.db
        data = {
            "categories": [list(c) for c in self.settings["SUGGESTION_CATEGORIES"]],
            "deputies": dict(db.execute("SELECT key, name FROM deputy ORDER BY key")),
            "stations": dict(db.execute("SELECT key, name FROM station ORDER BY key")),
        }
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        shell = self.get_template("intake_shell").render(dict(self.context, page_url="submit/"))
        for path, body in ((Path(target), text), (Path(target).with_name("page_shell.html"), shell)):
            if not path.exists() or path.read_text("utf-8") != body:
                path.write_text(body, "utf-8")
