"""Reading many content files fast: a persistent parse cache, and both cores
for what is not cached.

A file is re-read only when its size or modification time changed. The
cache is keyed by the Markdown settings and this package's reading code, so
changing either re-reads everything. A cold read of thousands of files is
split across processes (fork: the children share the parent's imports).
"""

import hashlib
import multiprocessing
import os
import pickle
from pathlib import Path

from .source import Renderer, read_source

PARALLEL_THRESHOLD = 400  # below this, starting processes costs more than it saves
_worker_renderer = None


def _init_worker(markdown_settings):
    global _worker_renderer
    _worker_renderer = Renderer({"MARKDOWN": markdown_settings})


def _read(path):
    return read_source(path, _worker_renderer)


def _version(settings):
    h = hashlib.sha256(repr(sorted((settings.get("MARKDOWN") or {}).items())).encode())
    for name in ("source.py", "readcache.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


class SourceCache:
    def __init__(self, cache_file, settings):
        self.file = Path(cache_file) if cache_file else None
        self.settings = settings
        self.version = _version(settings)
        self.entries = {}
        self.dirty = False
        if self.file:
            try:
                with open(self.file, "rb") as fh:
                    data = pickle.load(fh)
                if data.get("version") == self.version:
                    self.entries = data["entries"]
            except (OSError, pickle.PickleError, EOFError, AttributeError, KeyError, TypeError):
                self.entries = {}

    def read_all(self, paths):
        """SourceFile for each path, in order."""
        results, misses = {}, []
        for path in paths:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            entry = self.entries.get(str(path))
            if entry is not None and entry[0] == stamp:
                results[path] = entry[1]
            else:
                misses.append((path, stamp))
        if misses:
            self.dirty = True
            parsed = self._parse([p for p, _ in misses])
            for (path, stamp), source in zip(misses, parsed):
                results[path] = source
                self.entries[str(path)] = (stamp, source)
        wanted = {str(p) for p in paths}
        if len(wanted) != len(self.entries):
            self.entries = {k: v for k, v in self.entries.items() if k in wanted}
            self.dirty = True
        return [results[p] for p in paths]

    def _parse(self, paths):
        markdown_settings = self.settings.get("MARKDOWN") or {}
        workers = min(os.cpu_count() or 1, 4)
        if len(paths) < PARALLEL_THRESHOLD or workers < 2:
            renderer = Renderer(self.settings)
            return [read_source(p, renderer) for p in paths]
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers, initializer=_init_worker, initargs=(markdown_settings,)) as pool:
            return pool.map(_read, paths, chunksize=max(1, len(paths) // (workers * 8)))

    def save(self):
        if not (self.file and self.dirty):
            return
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_name(self.file.name + ".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump({"version": self.version, "entries": self.entries}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.file)
        self.dirty = False
