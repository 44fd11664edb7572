"""The portal's Pelican plugin: content types, their generator and pages."""

from pelican import signals

from . import filters, fragments, piiguard
from .generator import PortalGenerator, default_settings
from .writer import PelicanWriter


def _initialized(pelican):
    for key, value in default_settings().items():
        pelican.settings.setdefault(key, value)
    # Every generator's Jinja environment (news and pages too) gets the filters.
    pelican.settings["JINJA_FILTERS"] = {**filters.FILTERS, "listed": fragments.listed,
                                         **pelican.settings.get("JINJA_FILTERS", {})}
    # A rebuild leaves unchanged files untouched: the portal's writer copies
    # the theme's static files (Pelican would copy them every time), and
    # content static files (photos) are copied only when newer.
    pelican.settings["PORTAL_THEME_STATIC_PATHS"] = pelican.settings.get("THEME_STATIC_PATHS", [])
    pelican.settings["THEME_STATIC_PATHS"] = []
    pelican.settings["STATIC_CHECK_IF_MODIFIED"] = True
    # Compiled templates are kept between builds: compiling them costs more
    # than a small rebuild's rendering. How a template calls a filter is
    # compiled in, so another version of the filters is another directory.
    import hashlib
    from pathlib import Path
    from jinja2 import FileSystemBytecodeCache
    version = hashlib.blake2b(Path(filters.__file__).read_bytes() + Path(fragments.__file__).read_bytes(),
                              digest_size=6).hexdigest()
    compiled = Path(pelican.settings.get("CACHE_PATH") or "cache") / f"jinja-{version}"
    compiled.mkdir(parents=True, exist_ok=True)
    pelican.settings["JINJA_ENVIRONMENT"] = {**(pelican.settings.get("JINJA_ENVIRONMENT") or {}),
                                             "bytecode_cache": FileSystemBytecodeCache(str(compiled))}


def _get_generators(pelican):
    return PortalGenerator


def _get_writer(pelican):
    return PelicanWriter


def register():
    signals.initialized.connect(_initialized)
    signals.get_generators.connect(_get_generators)
    signals.get_writer.connect(_get_writer)
    # Last: every output file is scanned for personal data (fails the build).
    signals.finalized.connect(piiguard.run)
