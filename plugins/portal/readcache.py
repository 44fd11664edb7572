"""Reading content files: parsed and validated records, on every core.

A *record* is what a content type made of one file (``from_source``): the
object's attributes (``state``) and the file's problems, with the range of
build days it holds for. The catalog keeps each record's state in the
build's store (catalog.py, store.py) and reads a file again only when its
size or modification time changed, or when a day has passed that its
checks depend on.

The rendered HTML of a file (its body, reply, second reply) is not kept:
it is most of the bytes and few pages of an incremental build need it. A
restored object reads it again from its file on first use
(``load_sections``); the file's digest proves it is the same text.

Records depend on the build's "today" only through ``date > today``
checks (a lifecycle date in the future is a problem) and, for recurring
reception days, the horizon of dates they expand to. So a record made on
one day holds on a later day when no date written in the file lies
after either day; a recurring schedule is read again every day.

Many files (a first build) are read by several processes (fork: the
children share the parent's imports, settings and today).
"""

import datetime
import hashlib
import multiprocessing
import os
import re
from pathlib import Path

from .problems import Problem, Problems
from .source import Renderer, read_source

PARALLEL_THRESHOLD = 400  # files; below this, starting processes costs more than it saves
# A first build waits on the disk about as long as it parses (the files are
# not in memory yet): twice as many readers as cores keep the cores busy.
READERS_PER_CORE = 2
# Attributes that hold rendered HTML: dropped from records, read back on use.
HEAVY = ("_content", "body_html", "reply_html", "second_reply_html")
# Attributes every restored object gets from the build, never from a record.
LIVE = ("settings", "_context", "metadata", "author", "authors")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The code a record and the store's rows are made by (a change reads every file again).
_CODE_FILES = ("source.py", "readcache.py", "models.py", "fields.py", "recurrence.py", "problems.py",
               "filters.py", "tracking.py", "catalog.py", "tally.py")


class Record:
    """One file's parse: ``state`` (attributes), ``problems`` (tuples) and
    the range of build days it holds for."""

    __slots__ = ("stamp", "kind", "state", "problems", "made_on", "latest_date", "daily")

    def __init__(self, stamp, kind, state, problems, made_on, latest_date, daily):
        self.stamp, self.kind, self.state, self.problems = stamp, kind, state, problems
        self.made_on, self.latest_date, self.daily = made_on, latest_date, daily


def _latest_date(meta):
    """The latest YYYY-MM-DD written in the header (None if there is none)."""
    latest = None
    for value in meta.values():
        for text in (value if isinstance(value, list) else [value]):
            for match in _DATE.finditer(text or ""):
                try:
                    day = datetime.date.fromisoformat(match.group())
                except ValueError:
                    continue
                latest = day if latest is None or day > latest else latest
    return latest


def split_object(obj):
    """(state, heavy) of a freshly parsed object."""
    state = {k: v for k, v in obj.__dict__.items() if k not in LIVE and k not in HEAVY}
    heavy = {k: obj.__dict__[k] for k in HEAVY if k in obj.__dict__}
    for occasion in state.get("occasions", ()):
        occasion.schedule = None  # restored by the schedule (a cycle the pickle must not follow)
    return state, heavy


def restore(cls, state, heavy, settings, context, author):
    """An object of ``cls`` from its record, without running __init__ again."""
    obj = cls.__new__(cls)
    d = obj.__dict__
    d.update(state)
    d.update(settings=settings, _context=context, metadata={}, author=author, authors=[author])
    if heavy is None:
        d["_sections_pending"] = True
    else:
        d.update(heavy)
    for occasion in d.get("occasions", ()):
        occasion.schedule = obj
    return obj


_renderers = {}


def _renderer(settings):
    key = repr(sorted((settings.get("MARKDOWN") or {}).items()))
    if key not in _renderers:
        _renderers[key] = Renderer(settings)
    return _renderers[key]


class SourceChanged(RuntimeError):
    pass


def load_sections(obj):
    """The rendered HTML attributes of a restored object, read again from
    its file (which must still be the file its record was made of)."""
    source = read_source(Path(obj.source_path), _renderer(obj.settings))
    if source.digest != obj.digest:
        raise SourceChanged(f"{obj.source_path}: 内容在生成过程中被修改，请重新生成 / "
                            "the file changed during the build; build again")
    heavy = {"_content": source.sections["body"]}
    heavy.update((f"{name}_html", html) for name, html in source.sections.items() if name != "original")
    return heavy


# -- parsing -----------------------------------------------------------------

_job = None  # (types, settings, today) for forked workers


def parse_file(kind, path, stamp, types, settings, today):
    """(Record, heavy) for one file."""
    cls = types[kind]
    source = read_source(Path(path), _renderer(settings))
    problems = Problems()
    state = heavy = None
    try:
        obj = cls.from_source(source, problems, settings, {}, today)
        state, heavy = split_object(obj)
    except Exception as err:  # a value we failed to anticipate: still name the file
        problems.add(path, "-", f"无法读取：{err}", f"cannot read: {err!r}")
    daily = kind == "reception" and bool(source.meta.get("repeat"))
    record = Record(stamp, kind, state, [(p.path, p.field, p.zh, p.en) for p in problems],
                    today, _latest_date(source.meta), daily)
    return record, heavy


def _parse_in_worker(item):
    types, settings, today = _job
    return parse_file(*item, types, settings, today)


def version(settings, types):
    """What records depend on besides their file: the settings and the reading code."""
    from .fingerprint import signature
    h = hashlib.sha256()
    for key in sorted(settings):
        value = settings[key]
        if key.isupper() and not callable(value) and key not in ("JINJA_FILTERS", "JINJA_ENVIRONMENT",
                                                                   "PORTAL_TODAY"):
            out = []
            signature(value, out)
            h.update(f"{key}={''.join(out)}\n".encode())
    here = Path(__file__).parent
    for name in _CODE_FILES:
        path = here / name
        if path.exists():
            h.update(path.read_bytes())
    intake_tracking = here.parents[1] / "intake" / "chalicelib" / "tracking.py"
    if intake_tracking.exists():
        h.update(intake_tracking.read_bytes())
    h.update(repr(sorted((k, c.__name__) for k, c in types.items())).encode())
    return h.hexdigest()


def parse_all(items, types, settings, today):
    """[(Record, heavy)] for ``items`` [(kind, path, stamp)], in order."""
    global _job
    workers = min(os.cpu_count() or 1, 4) * READERS_PER_CORE
    if len(items) < PARALLEL_THRESHOLD or workers < 2:
        return [parse_file(*item, types, settings, today) for item in items]
    _job = (types, settings, today)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_parse_in_worker, items, chunksize=max(1, len(items) // (workers * 8)))
    finally:
        _job = None


def problems_of(record):
    """The record's problems as Problem objects (paths already as shown)."""
    found = []
    for path, field, zh, en in record.problems:
        p = Problem.__new__(Problem)
        p.path, p.field, p.zh, p.en = path, field, zh, en
        found.append(p)
    return found
