"""The portal's Pelican plugin: content types, their generator and pages."""

from pelican import signals

from . import filters
from .generator import PortalGenerator, default_settings


def _initialized(pelican):
    for key, value in default_settings().items():
        pelican.settings.setdefault(key, value)
    # Every generator's Jinja environment (news and pages too) gets the filters.
    pelican.settings["JINJA_FILTERS"] = {**filters.FILTERS, **pelican.settings.get("JINJA_FILTERS", {})}


def _get_generators(pelican):
    return PortalGenerator


def register():
    signals.initialized.connect(_initialized)
    signals.get_generators.connect(_get_generators)
