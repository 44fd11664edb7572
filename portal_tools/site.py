"""Building and checking the site from Python (used by tasks.py and tests).

Pelican's own command line logs an unexpected exception with a traceback;
these functions turn content problems into the plain report staff need.
"""

import atexit
import gc
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# When a process that built the site ends, the interpreter's last collection
# would walk every object the build left in reference cycles (11 s after a
# province-scale build, 2 s at county scale); frozen, they go back to the
# system with the rest of the process's memory.
atexit.register(gc.freeze)


def _plugin():
    # The plugin lives in plugins/ (Pelican's PLUGIN_PATHS); make it importable
    # for direct use (check, tests) too.
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    import portal
    return portal


def load_settings(settings_file=None, **overrides):
    from pelican.settings import read_settings
    override = {k.upper(): v for k, v in overrides.items() if v is not None}
    for key in ("PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME"):
        if key in override:
            override[key] = str(Path(override[key]).resolve())
    settings = read_settings(str(settings_file or ROOT / "pelicanconf.py"), override=override)
    portal = _plugin()
    from portal.generator import default_settings
    for key, value in default_settings().items():
        settings.setdefault(key, value)
    del portal
    return settings


def content_error():
    _plugin()
    from portal.problems import ContentError
    return ContentError


def _isolated(overrides):
    """Another output keeps its writer manifest next to it (not in the
    repository's cache/), and other content does not overwrite the intake
    function's site data, which describes the real content."""
    overrides = dict(overrides)
    output = overrides.get("output_path")
    default_output = Path(output or ROOT / "output").resolve() == (ROOT / "output").resolve()
    if output and not default_output and not overrides.get("cache_path"):
        target = Path(output).resolve()
        overrides["cache_path"] = target.with_name(target.name + "-cache")
    content = overrides.get("path")
    if content and Path(content).resolve() != (ROOT / "content").resolve():
        overrides.setdefault("portal_intake_data", "")
    return overrides


def build(settings_file=None, search=True, **overrides):
    """Build the site; raise ContentError listing every content problem.
    Then (``search``) update the search index (portal_tools.search): its
    failure raises search.SearchIndexError after the site is built, with the
    previous index still in place."""
    from pelican import Pelican
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    settings = load_settings(settings_file, **_isolated(overrides))
    pelican = Pelican(settings)
    collecting = gc.isenabled()
    try:
        pelican.run()
    finally:
        # The build paused the collector and froze what it made (plugins/portal/generator.py).
        gc.unfreeze()
        if collecting:
            gc.enable()
    if search:
        settings["PORTAL_SEARCH_RESULT"] = update_search(settings)
    return settings


def update_search(settings):
    """Bring the search index up to date with the built site of ``settings``
    (what ``build`` does last unless told ``search=False``)."""
    from portal_tools import search as searching
    return searching.update_index(settings["OUTPUT_PATH"], settings.get("CACHE_PATH") or ROOT / "cache")


def search_error():
    from portal_tools.search import SearchIndexError
    return SearchIndexError


def check(settings_file=None, inbox=None, **overrides):
    """Validate every content file and every private case in the inbox
    (see portal_tools.cases) without writing anything; return problems."""
    _plugin()
    from portal.catalog import Catalog
    from portal.pages import check_pelican_content
    from portal_tools import cases
    settings = load_settings(settings_file, **overrides)
    catalog = Catalog(settings).load()
    problems = list(catalog.problems) + check_pelican_content(settings)
    case_inbox = cases.explicit_inbox(settings, inbox)
    if case_inbox is not None:
        problems += cases.check_cases(settings, inbox=case_inbox, catalog=catalog)
    return problems
