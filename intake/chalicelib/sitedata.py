"""Categories, deputies and stations, written by the site build.

The build writes ``site_data.json`` next to this module (git-ignored) so the
function validates ``category`` and ``target`` against exactly what the site
shows. The file is read at cold start and again whenever its mtime changes
(the local dev server keeps running while the site rebuilds).
"""

import json
import os
import threading


class SiteDataMissing(Exception):
    """The file is absent or unusable; submissions answer 503."""


class SiteData:
    def __init__(self, categories, deputies, stations):
        self.categories = categories            # [(slug, name)] in site order
        self.category_names = dict(categories)
        self.deputies = deputies                # {id: name}
        self.stations = stations                # {id: name}

    def target_name(self, target):
        kind, _, ident = target.partition(":")
        if kind == "deputy":
            return self.deputies.get(ident)
        if kind == "station":
            return self.stations.get(ident)
        return None

    def targets(self):
        """[(value, label)] for a select list: stations first, then deputies."""
        out = [(f"station:{k}", v) for k, v in self.stations.items()]
        out += [(f"deputy:{k}", f"{v}代表") for k, v in self.deputies.items()]
        return out


def parse(data):
    if not isinstance(data, dict):
        raise SiteDataMissing("site data is not a JSON object")
    try:
        categories = [(str(slug), str(name)) for slug, name in data["categories"]]
        deputies = {str(k): str(v) for k, v in dict(data.get("deputies") or {}).items()}
        stations = {str(k): str(v) for k, v in dict(data.get("stations") or {}).items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise SiteDataMissing(f"site data malformed: {exc!r}") from None
    if not categories:
        raise SiteDataMissing("site data has no categories")
    return SiteData(categories, deputies, stations)


_lock = threading.Lock()
_cache = {}


def load(path):
    """Return the SiteData at ``path`` (cached by mtime) or raise SiteDataMissing."""
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        raise SiteDataMissing(f"{path} not found; run the site build") from None
    with _lock:
        hit = _cache.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
    try:
        with open(path, encoding="utf-8") as fh:
            data = parse(json.load(fh))
    except (OSError, ValueError) as exc:
        raise SiteDataMissing(f"{path}: {exc}") from None
    with _lock:
        _cache[path] = (mtime, data)
    return data
