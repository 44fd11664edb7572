"""All portal content: read, validated, cross-referenced, and kept in the
build's store (store.py) from one build to the next.

``load`` brings the store up to date with the content files. Only files
whose size or modification time changed -- or whose checks compare dates
with a day that has since passed -- are read again (readcache.py); their
objects replace the old ones, references are checked where something
changed (a file that names a deleted deputy is found through the deleted
deputy's rows), and the digests of the objects that show a changed object
are worked out again (a suggestion shows its deputies' names, so a renamed
deputy changes the digest of every suggestion that names them).

What may now look different is recorded as *owners* (``changes``): each
output file belongs to one owner -- ``suggestion:<code>``, ``deputy:<id>``,
``unit:<id>``, ``occasion:<schedule>/<date>``, ``suggestions`` (every list
and figure of suggestions) ... -- and the views declare again the pages of
these owners only (views.py). A first build, or one after the settings,
the templates or the code changed, declares everything.

Objects are made from the store on first use (``deputies[id]``), once per
build, with their references; the lists that point back (a deputy's
suggestions, a unit's, an occasion's) are read when first asked for. Only
a page that shows every object reads every object.
"""

import datetime
import difflib
import json
import os
import pickle
from collections import OrderedDict, defaultdict, namedtuple
from pathlib import Path

from . import readcache
from .aggregates import Aggregates
from .fingerprint import digest
from .models import Deputy, ReceptionDay, Station, Suggestion, Unit
from .problems import Problems
from .store import Store
from .statistics import case_months
from .tally import OVERDUE, Tally, facts_static

# (content key, model, table), in the order files are read and reported.
TYPES = (("stations", Station, "station"), ("units", Unit, "unit"), ("deputies", Deputy, "deputy"),
         ("reception", ReceptionDay, "schedule"), ("suggestions", Suggestion, "suggestion"))
TABLE = {kind: table for kind, _, table in TYPES}
OWNER = {"stations": "station", "units": "unit", "deputies": "deputy", "reception": "schedule",
         "suggestions": "suggestion"}
MODEL = {kind: cls for kind, cls, _ in TYPES}
_SEP = "\x00"  # joins path parts: a string order that is the order of the parts (the scan's)
EVERYTHING_SHARE = 0.2  # of the content files changed: every page is declared again


def portal_today(settings):
    """The build's idea of today: PORTAL_TODAY (environment, then settings),
    otherwise the current date in the site's time zone."""
    fixed = os.environ.get("PORTAL_TODAY") or settings.get("PORTAL_TODAY")
    if fixed:
        return fixed if isinstance(fixed, datetime.date) else datetime.date.fromisoformat(str(fixed))
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai")).date()


def scan_files(root):
    """{path: (mtime_ns, size)} of the ``*.md`` files under ``root`` (dot
    files and directories skipped), sorted by their path's parts."""
    found = []
    stack = [str(root)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=True):
                    stack.append(entry.path)
                elif name.endswith(".md"):
                    st = entry.stat()
                    found.append((entry.path.replace(os.sep, _SEP), entry.path, (st.st_mtime_ns, st.st_size)))
    found.sort()
    return {path: stamp for _, path, stamp in found}


def pathkey(path):
    return path.replace(os.sep, _SEP)


def _day(value):
    return value.toordinal() if value else None


def _date(value):
    return datetime.date.fromordinal(value) if value else None


class Changes:
    """The owners whose pages a build makes again (``everything``: all)."""

    def __init__(self, owners=(), everything=False):
        self.owners = set(owners)
        self.everything = everything

    def __contains__(self, owner):
        return self.everything or owner in self.owners

    def any(self, *owners):
        return self.everything or any(o in self.owners for o in owners)

    def keys(self, prefix):
        """The keys of the owners ``<prefix>:<key>`` (not meaningful with ``everything``)."""
        start = prefix + ":"
        return {o[len(start):] for o in self.owners if o.startswith(start)}


class Objects:
    """One type's objects by key, made from the store on first use."""

    def __init__(self, catalog, kind):
        self.catalog, self.kind, self.table = catalog, kind, TABLE[kind]
        self.made = {}
        self._keys = None

    def keys(self):
        """Every key, in the order of the files (as they were read)."""
        if self._keys is None:
            rows = self.catalog.db.execute(f"SELECT key FROM {self.table} ORDER BY pathkey").fetchall()
            self._keys = [k for (k,) in rows]
        return self._keys

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        if self._keys is None:
            return self.catalog.db.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0]
        return len(self._keys)

    def __contains__(self, key):
        if key in self.made:
            return True
        if self._keys is not None:
            return key in set(self._keys)
        return self.catalog.db.execute(f"SELECT 1 FROM {self.table} WHERE key = ?", (key,)).fetchone() is not None

    def __getitem__(self, key):
        obj = self.made.get(key)
        if obj is None:
            obj = self.many([key])
            if not obj:
                raise KeyError(key)
            obj = obj[0]
        return obj

    def get(self, key, default=None):
        if key is None:
            return default
        try:
            return self[key]
        except KeyError:
            return default

    def many(self, keys):
        """The objects of ``keys`` that exist, in that order."""
        missing = [k for k in keys if k not in self.made]
        if missing:
            self.catalog._make(self.kind, missing)
        return [self.made[k] for k in keys if k in self.made]

    def values(self):
        return self.many(self.keys())

    def items(self):
        return [(obj.slug, obj) for obj in self.values()]


class Catalog:
    def __init__(self, settings, context=None, today=None, store=None):
        self.settings = settings
        self.context = context if context is not None else {}
        self.today = today or portal_today(settings)
        self.content_path = Path(settings["PATH"])
        self.store = store if store is not None else Store(None)
        self.problems = Problems()
        self.changes = Changes(everything=True)
        for kind, _, _ in TYPES:
            setattr(self, kind, Objects(self, kind))
        self._author = None
        self._cache = {}
        self._parsed = {}  # (table, key) -> (state, rendered sections) of the files read in this build
        self.fragments = None  # fragments.Fragments of the build, if it keeps list items

    @property
    def db(self):
        return self.store.db

    def content_dirs(self):
        return [(key, self.content_path / self.settings["PORTAL_DIRS"][key]) for key, _, _ in TYPES]

    # -- bringing the store up to date ----------------------------------------

    def load(self, scanned=None, parsed=None):
        """Read what changed since the last build and check it; ``problems``
        lists what is wrong, ``changes`` which owners may look different.
        The store keeps the result only when there is no problem (an
        in-memory store, for a check, keeps it anyway). ``parsed``: called
        with the codes of the suggestions read, as soon as they are."""
        store = self.store
        store.begin()
        try:
            self._update(scanned, parsed)
        except BaseException:
            store.rollback()
            raise
        if self.problems and store.path is not None:
            store.rollback()
        else:
            store.commit()
        return self

    def _update(self, scanned, parsed):
        db, today = self.db, self.today
        version = readcache.version(self.settings, MODEL)
        fresh = self.store.get("version") != version
        if fresh:
            self.store.clear_content()
            self.store.put("version", version)
        previous_today = self.store.get("today")
        previous_today = datetime.date.fromisoformat(previous_today) if previous_today else None
        self.store.put("today", today.isoformat())

        files = []
        for kind, root in self.content_dirs():
            stamps = (scanned or {}).get(root)
            stamps = stamps if stamps is not None else scan_files(root)
            files += [(kind, path, stamp) for path, stamp in stamps.items()]
        known = {row[0]: row[1:] for row in db.execute(
            "SELECT path, kind, mtime, size, made_on, latest, daily, key FROM file")}
        empty = not known  # the store holds no object: every one is new
        t = today.toordinal()
        reread = []
        for kind, path, stamp in files:
            old = known.pop(path, None)
            if old is None or old[0] != kind or (old[1], old[2]) != stamp or not _holds(old, t):
                reread.append((kind, path, stamp))
        gone = list(known)  # files no longer there
        results = readcache.parse_all(reread, MODEL, self.settings, today)
        if parsed is not None:
            parsed([r.state["code"] for r, _ in results if r.kind == "suggestions" and r.state and r.state["code"]])

        change = _ChangeSet(self, fresh=empty)
        # The counts by group follow the suggestions that change, unless they are counted again.
        recount = fresh or self.store.get("agg_day") != today.isoformat()
        change.aggregates = None if recount else Aggregates(self.store, today)
        # Take out the objects of every file read again or gone ...
        for path in [] if change.fresh else [p for _, p, _ in reread] + gone:
            change.remove_file(path)
        db.execute("DELETE FROM file WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(gone),))
        # ... and put in what the files read again made.
        rows = []
        for (kind, path, stamp), (record, heavy) in zip(reread, results):
            self.problems.extend(readcache.problems_of(record))
            key = None
            if record.state is not None:
                key = change.add(kind, path, record.state)
                if key is not None:
                    # Made into objects from these (not from the store) in this build.
                    self._parsed[(TABLE[kind], key)] = (record.state, heavy)
            rows.append((path, kind, stamp[0], stamp[1], t, _day(record.latest_date), int(record.daily), key))
        change.insert()
        db.executemany("INSERT OR REPLACE INTO file (path, kind, mtime, size, made_on, latest, daily, key) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        change.check_references()
        change.refresh_digests()
        if previous_today is not None and previous_today != today:
            change.passed_days(previous_today, today)
        if recount:
            Aggregates(self.store, today).recount()
        else:
            change.aggregates.after(change.added["suggestion"])
        self._dedupe_problems()
        # Many changes (a new checkout, a regenerated site): as good as a first build.
        everything = fresh or len(reread) + len(gone) > EVERYTHING_SHARE * max(len(files), 1)
        if not everything:
            db.execute("INSERT OR IGNORE INTO pending (owner) SELECT value FROM json_each(?)",
                       (json.dumps(sorted(change.owners())),))
        elif not self.problems:
            self.store.put("pending_all", "1")
        self.changes = Changes([o for (o,) in db.execute("SELECT owner FROM pending")],
                               everything=self.store.get("pending_all") == "1")

    def _dedupe_problems(self):
        seen, unique = set(), Problems()
        for p in self.problems:
            key = str(p)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        self.problems[:] = unique

    # -- making objects -----------------------------------------------------------

    @property
    def author(self):
        if self._author is None and self.settings.get("AUTHOR"):
            from pelican.urlwrappers import Author
            self._author = Author(self.settings["AUTHOR"], self.settings)
        return self._author

    def _make(self, kind, keys):
        """Make the objects of ``keys`` (those that exist) from the store, or
        from the files read in this build."""
        table, cls = TABLE[kind], MODEL[kind]
        extra = {"deputy": ", rdigest", "suggestion": ", sdigest, ldigest, occ_schedule, occ_original"}.get(table, "")
        made = self._objects(kind).made
        parsed = self._parsed
        fresh = [k for k in keys if (table, k) in parsed]
        rows = self.store.select_in(f"SELECT key, NULL{extra} FROM {table} WHERE key IN", fresh) if fresh else []
        if len(fresh) < len(keys):
            rows += self.store.select_in(f"SELECT o.key, s.blob{extra} FROM {table} o JOIN state s "
                                         f"ON s.tbl = ? AND s.key = o.key WHERE o.key IN",
                                         [k for k in keys if (table, k) not in parsed], params=(table,))
        for row in rows:
            state, heavy = parsed.get((table, row[0])) or (pickle.loads(row[1]), None)
            obj = readcache.restore(cls, state, heavy, self.settings, self.context, self.author)
            obj.__dict__["_catalog"] = self
            made[row[0]] = obj
            getattr(self, f"_resolve_{table}")(obj, row)

    def _objects(self, kind):
        return getattr(self, kind)

    def _resolve_station(self, station, row):
        station.render_digest = station.digest

    def _resolve_unit(self, unit, row):
        unit.render_digest = unit.digest

    def _resolve_deputy(self, deputy, row):
        deputy.station = self.stations.get(deputy.station_id)
        deputy.render_digest = row[2]

    def _resolve_schedule(self, schedule, row):
        schedule.station = self.stations.get(schedule.station_id)
        station = schedule.station.render_digest if schedule.station else ""
        static = dict(self.db.execute("SELECT original, sdigest FROM occasion WHERE schedule = ?",
                                      (schedule.slug,)).fetchall())
        for o in schedule.occasions:
            o.deputies = self.deputies.many(o.deputy_ids)
            o.static_digest = static.get(o.original_date.toordinal()) or _occasion_digest(
                schedule.digest, station, o.original_date, [d.render_digest for d in o.deputies])
            o.render_digest = digest(o.static_digest, o.state(self.today))
        schedule.render_digest = digest(schedule.digest, station, *(o.render_digest for o in schedule.occasions))

    def _resolve_suggestion(self, s, row):
        # Its units now (every list shows the lead unit); its deputies, station,
        # reception day and the case it was merged into when asked for (referenced).
        s.lead_unit = self.units.get(s.lead_unit_id)
        s.assist_units = self.units.many(s.assist_unit_ids)
        s.__dict__["_occasion"] = (row[4], row[5])
        s.static_digest, s.list_static_digest = row[2], row[3]
        overdue = s.is_overdue(self.today)
        s.render_digest = digest(s.static_digest, overdue)
        s.list_digest = digest(s.list_static_digest, overdue)

    def referenced(self, s, name):
        """An object a suggestion names (Suggestion.REFERENCES), made on first use."""
        deputies = self.deputies
        if name == "lead":
            return deputies.get(s.lead_id)
        if name == "cosigners":
            return deputies.many(s.cosigner_ids)
        if name == "addressed_to":
            return deputies.many(s.addressed_ids)
        if name == "station":
            return self.stations.get(s.station_id)
        if name == "merged_into":
            return self.suggestions.get(s.merged_into_code) if s.merged_into_code else None
        schedule, original = s._occasion  # the occasion
        found = self.reception.get(schedule) if schedule else None
        return next((o for o in found.occasions if o.original_date.toordinal() == original), None) if found else None

    def linked(self, obj, name):
        """A list that points back at ``obj`` (PortalContent.LINKED), read on first use."""
        db = self.db
        if isinstance(obj, Deputy):
            if name == "occasions":
                rows = db.execute("SELECT DISTINCT schedule, original FROM occasion_deputy WHERE deputy = ?",
                                  (obj.slug,)).fetchall()
                return sorted(self.occasions_of(rows), key=lambda o: o.sort_key)
            role = {"led": "lead", "cosigned": "cosigner", "addressed": "addressed"}[name]
            keys = [k for (k,) in db.execute(
                "SELECT DISTINCT d.key FROM suggestion_deputy d JOIN suggestion s ON s.key = d.key "
                "WHERE d.deputy = ? AND d.role = ? ORDER BY s.pathkey", (obj.slug, role))]
            return self.suggestions.many(keys)
        if isinstance(obj, Station):
            if name == "deputies":
                keys = [k for (k,) in db.execute("SELECT key FROM deputy WHERE station = ? ORDER BY pathkey",
                                                 (obj.slug,))]
                return self.deputies.many(keys)
            rows = db.execute("SELECT schedule, original FROM occasion WHERE station = ?", (obj.slug,)).fetchall()
            return sorted(self.occasions_of(rows), key=lambda o: o.sort_key)
        if isinstance(obj, Unit):
            keys = [k for (k,) in db.execute(
                "SELECT DISTINCT u.key FROM suggestion_unit u JOIN suggestion s ON s.key = u.key "
                "WHERE u.unit = ? ORDER BY s.pathkey", (obj.slug,))]
            return self.suggestions.many(keys)
        if isinstance(obj, Suggestion):  # duplicates
            keys = [k for (k,) in db.execute("SELECT key FROM suggestion WHERE merged_into = ? ORDER BY pathkey",
                                             (obj.code,))]
            return self.suggestions.many(keys)
        raise AttributeError(name)

    def occasion_suggestions(self, occasion):
        keys = [k for (k,) in self.db.execute(
            "SELECT key FROM suggestion WHERE occ_schedule = ? AND occ_original = ? ORDER BY pathkey",
            (occasion.schedule.slug, occasion.original_date.toordinal()))]
        return self.suggestions.many(keys)

    def occasions_of(self, pairs):
        """The occasions of (schedule, original date ordinal) pairs that exist."""
        out = []
        for schedule, original in pairs:
            sched = self.reception.get(schedule)
            if sched is not None:
                out += [o for o in sched.occasions if o.original_date.toordinal() == original]
        return out

    # -- views the pages share ---------------------------------------------------

    @property
    def occasions(self):
        """Every reception day, by date, time and schedule (every schedule is read)."""
        if "occasions" not in self._cache:
            self._cache["occasions"] = sorted((o for s in self.reception.values() for o in s.occasions),
                                              key=lambda o: o.sort_key)
        return self._cache["occasions"]

    def upcoming(self, days):
        last = self.today + datetime.timedelta(days=days)
        rows = self.db.execute("SELECT schedule, original FROM occasion WHERE date BETWEEN ? AND ?",
                               (self.today.toordinal(), last.toordinal())).fetchall()
        return sorted(self.occasions_of(rows), key=lambda o: o.sort_key)

    def published_suggestions(self):
        """Newest first by received date, then code (every suggestion is read)."""
        keys = [k for (k,) in self.db.execute("SELECT key FROM suggestion ORDER BY received DESC, key DESC")]
        return self.suggestions.many(keys)


    # -- what the views ask ---------------------------------------------------------

    def affected(self, kind):
        """The objects of ``kind`` whose own pages this build declares: every
        one when everything is declared, else those whose owner changed."""
        objects = getattr(self, kind)
        if self.changes.everything:
            return objects.values()
        return objects.many(sorted(self.changes.keys(OWNER[kind])))

    def dropped(self, kind):
        """The keys of ``kind`` whose owner changed and that are gone."""
        if self.changes.everything:
            return []
        keys = self.changes.keys(OWNER[kind])
        there = {k for (k,) in self.store.select_in(f"SELECT key FROM {TABLE[kind]} WHERE key IN", keys)}
        return sorted(keys - there)

    def affected_occasions(self):
        """The reception days whose pages this build declares."""
        if self.changes.everything:
            return self.occasions
        pairs = []
        for key in self.changes.keys("occasion"):
            schedule, _, day = key.rpartition("/")
            pairs.append((schedule, datetime.date.fromisoformat(day).toordinal()))
        return sorted(self.occasions_of(sorted(pairs)), key=lambda o: o.sort_key)

    @property
    def overdue_sql(self):
        """Suggestion.is_overdue(today), as SQL on the store's columns."""
        return f"(late OR open_deadline < {self.today.toordinal()})"

    @property
    def facts_sql(self):
        """tally.facts(s, today), as SQL on the store's columns."""
        return f"CASE WHEN open_deadline < {self.today.toordinal()} THEN facts | {OVERDUE} ELSE facts END"

    def tally(self):
        """The Tally of every suggestion."""
        if "tally" not in self._cache:
            counts = {}
            for facts, n in self.db.execute("SELECT facts, sum(n) FROM agg WHERE dim = 'month' GROUP BY 1"):
                counts[facts] = n
            self._cache["tally"] = Tally.from_counts(counts)
        return self._cache["tally"]

    def selection(self, where="1", params=(), join=""):
        """Some suggestions (``where``, SQL on ``suggestion s`` joined with ``join``)."""
        return Selection(self, where, params, join)

    def counts(self, dim, first=None):
        """{group: {second group: (number, fingerprint)}} of suggestions in a
        dimension of the store's counts (aggregates.py), the latest groups
        first; ``first``: that group's {second group: ...} only."""
        where, params = ("AND g1 = ?", (first,)) if first is not None else ("", ())
        nested = OrderedDict()
        for g1, g2, n, h in self.db.execute(f"SELECT g1, g2, sum(n), sum(h) FROM agg WHERE dim = ? {where} "
                                            f"GROUP BY 1, 2 HAVING sum(n) ORDER BY 1 DESC, 2 DESC", (dim, *params)):
            nested.setdefault(g1, OrderedDict())[g2] = (n, f"{n}:{h}")
        return nested.get(first, OrderedDict()) if first is not None else nested

    def facts(self, dim):
        """{group: {facts: number}} of a dimension (its second groups
        together): what a Tally of each group counts (Tally.from_counts)."""
        counts = {}
        for g1, facts, n in self.db.execute("SELECT g1, facts, sum(n) FROM agg WHERE dim = ? GROUP BY 1, 2", (dim,)):
            counts.setdefault(g1, {})[facts] = n
        return counts

    @property
    def all_suggestions(self):
        """Every suggestion as one input of a page (as lists show them)."""
        if "all" not in self._cache:
            self._cache["all"] = combined({m: g[""] for m, g in self.counts("month").items()})[1]
        return self._cache["all"]

    def latest_answered(self, n, entries=False):
        """The ``n`` suggestions answered last (then by code, descending);
        ``entries``: as a list shows them (Listed)."""
        rows = self.db.execute(f"SELECT key, ldigest, {self.overdue_sql} FROM suggestion WHERE answered IS NOT NULL "
                               f"ORDER BY answered DESC, key DESC LIMIT ?", (n,)).fetchall()
        return self.listed(rows) if entries else self.suggestions.many([row[0] for row in rows])

    def supervised(self):
        """The key supervised items (重点督办), newest first."""
        if "supervised" not in self._cache:
            self._cache["supervised"] = self.selection("s.supervised").items()
        return self._cache["supervised"]

    def listed(self, rows):
        """Listed entries of (key, list static digest, overdue) rows, their
        kept list items read at once (fragments.py)."""
        entries = [Listed(code, digest(ldigest, bool(overdue)), self) for code, ldigest, overdue in rows]
        if self.fragments is not None:
            self.fragments.prefetch([e.code for e in entries])
        return entries

    def suggestions_by(self, query, params=()):
        """The suggestions whose keys ``query`` (SQL) selects, in its order."""
        return self.suggestions.many([k for (k,) in self.db.execute(query, params)])

    def public_contacts(self):
        """(names, phones) of the public persons and places: deputies,
        station heads, station phones (for the personal-data guard)."""
        names = {n for (n,) in self.db.execute("SELECT name FROM deputy") if n}
        names |= {h for (h,) in self.db.execute("SELECT head FROM station") if h}
        phones = [p for (p,) in self.db.execute("SELECT phone FROM station ORDER BY pathkey") if p]
        return names, phones


def combined(groups):
    """(number, fingerprint) of groups of ``Catalog.counts`` taken together."""
    n = sum(count for count, _ in groups.values())
    return n, f"{n}:{sum(int(f.partition(':')[2]) for _, f in groups.values())}"


class Selection:
    """Some suggestions, as SQL: ``where`` on ``suggestion s`` (joined with
    ``join``, e.g. a unit's links), read newest first: only those a page
    shows (``entries``: as a list shows them; ``items``: the suggestions)."""

    def __init__(self, cat, where, params, join):
        self.cat, self.where, self.params = cat, where, tuple(params)
        self.source = f"suggestion s {join}"

    def _query(self, select, more="", params=(), tail=""):
        return self.cat.db.execute(f"SELECT {select} FROM {self.source} WHERE ({self.where}) {more} {tail}",
                                   (*self.params, *params))

    def items(self, more="", params=(), limit=None):
        """The suggestions, newest first (``more``: an SQL condition added)."""
        return self.cat.suggestions.many([e.code for e in self.entries(more, params, limit)])

    def entries(self, more="", params=(), limit=None):
        """The suggestions as a list shows them (Listed), newest first."""
        tail = "ORDER BY s.received DESC, s.key DESC" + (f" LIMIT {int(limit)}" if limit is not None else "")
        rows = self._query(f"s.key, s.ldigest, {self.cat.overdue_sql}", more, params, tail).fetchall()
        return self.cat.listed(rows)



class Links(namedtuple("Links", "shown listed merged_into name", defaults=((), None, None))):
    """What other owners' pages show of an object: the owners showing it
    (``shown``) or listing it (``listed``), the case it was merged into,
    and (a deputy's) the digest of its name: what other pages show of it."""


class Listed:
    """A suggestion in a list: its code and list digest, which are enough
    when its list item is kept (fragments.py); anything else is read from
    the suggestion itself, made on first use."""

    __slots__ = ("code", "list_digest", "catalog")

    def __init__(self, code, list_digest, catalog):
        self.code, self.list_digest, self.catalog = code, list_digest, catalog

    @property
    def suggestion(self):
        return self.catalog.suggestions[self.code]

    def __getattr__(self, name):
        return getattr(self.suggestion, name)


class Group:
    """Many content objects as one input of a page: the digest of their
    digests (``render_digest``, or strings)."""

    __slots__ = ("render_digest",)

    def __init__(self, items):
        self.render_digest = digest(*(x if isinstance(x, str) else x.render_digest for x in items))


def _holds(row, today):
    """Whether a file read on ``made_on`` gives the same record on ``today``
    (its checks compare its dates with the day it was read)."""
    _, _, _, made_on, latest, daily, _ = row
    if today == made_on:
        return True
    if daily:
        return False
    if latest is None:
        return True
    return today >= latest and made_on >= latest


def _hash40(*parts):
    """40 bits of a digest: summed over a group of rows in SQL, a fingerprint of the group."""
    return int(digest(*parts)[:10], 16)


def _occasion_digest(schedule_digest, station_digest, original_date, deputy_digests):
    """What a reception day shows whatever the date (its state today aside)."""
    return digest(schedule_digest, station_digest, original_date, *deputy_digests)


# -- rows of each type ---------------------------------------------------------


def _suggestion_row(s, path):
    events = [d for d in (s["received"], s["assigned"], s["answered"], s["evaluated"], s["second_reply"],
                          s["closed"], s["merged"], s["rejected"], s["withdrawn"]) if d]
    events += [d for d, _ in s["progress"]] + [d for d, _ in s["followups"]]
    excluded = s["state"] in ("merged", "rejected", "withdrawn")
    deadline = s["deadline"]
    late = bool(deadline and not excluded and s["answered"] and s["answered"] > deadline)
    open_deadline = deadline if deadline and not excluded and not s["answered"] else None
    received = s["received"]
    reception = (s["reception_ref"] or "").split()
    return (s["code"], path, pathkey(path), received.toordinal(), received.year * 100 + received.month,
            s["category"], s["category_slug"], s["source"], s["state"], s["lead_unit_id"], s["station_id"],
            s["merged_into_code"], int(bool(s["supervised"])), _day(s["assigned"]), _day(s["answered"]),
            _day(deadline), _day(s["evaluated"]), _day(s["second_reply"]), s["satisfaction"],
            s["second_satisfaction"], int(late), _day(open_deadline), facts_static(s), max(events).toordinal(),
            reception[0] if reception else None,
            *case_months(s["assigned"], s["answered"], s["evaluated"], s["second_reply"], deadline))


_SUGGESTION_COLUMNS = ("key, path, pathkey, received, month, category, category_slug, source, status, lead_unit, "
                       "station, merged_into, supervised, assigned, answered, deadline, evaluated, second_reply, "
                       "satisfaction, second_satisfaction, late, open_deadline, facts, last_event, reception, "
                       "am, rm, em, sm, dm, dme")


class _ChangeSet:
    """What one build changes in the store, and the owners it touches.
    ``fresh``: the store held no object before (every object is new)."""

    def __init__(self, catalog, fresh=False):
        self.cat, self.fresh = catalog, fresh
        self.db = catalog.db
        self.problems = catalog.problems
        self.removed = defaultdict(dict)   # table -> key -> what the old object was linked to (_links)
        self.added = defaultdict(dict)     # table -> key -> (path, state)
        self.touched = set()               # owners touched otherwise (a passed day, a moved reception day)
        self.moved = defaultdict(set)      # table -> keys whose digests changed though their file did not
        self.aggregates = None             # aggregates.Aggregates following the changes (None: counted again)

    # -- files out and in --------------------------------------------------------

    def remove_file(self, path):
        row = self.db.execute("SELECT kind, key FROM file WHERE path = ?", (path,)).fetchone()
        if row is None or row[1] is None:
            return
        table, key = TABLE[row[0]], row[1]
        holder = self.db.execute(f"SELECT path FROM {table} WHERE key = ?", (key,)).fetchone()
        if holder is None or holder[0] != path:
            return  # the key is another file's (this one was its duplicate)
        self.removed[table][key] = self._links(table, key)
        if table == "suggestion" and self.aggregates is not None:
            self.aggregates.before([key])
        db = self.db
        db.execute(f"DELETE FROM {table} WHERE key = ?", (key,))
        db.execute("DELETE FROM state WHERE tbl = ? AND key = ?", (table, key))
        if table == "suggestion":
            db.execute("DELETE FROM suggestion_deputy WHERE key = ?", (key,))
            db.execute("DELETE FROM suggestion_unit WHERE key = ?", (key,))
        elif table == "schedule":
            db.execute("DELETE FROM occasion WHERE schedule = ?", (key,))
            db.execute("DELETE FROM occasion_deputy WHERE schedule = ?", (key,))

    def _links(self, table, key):
        """What the pages of other owners show of the object ``key``, as the
        store has it now (Links)."""
        db = self.db
        if table == "suggestion":
            month, category, status, schedule, original, merged_into = db.execute(
                "SELECT month, category_slug, status, occ_schedule, occ_original, merged_into "
                "FROM suggestion WHERE key = ?", (key,)).fetchone()
            shown = [f"deputy:{d}" for (d,) in db.execute("SELECT deputy FROM suggestion_deputy WHERE key = ?",
                                                          (key,))]
            if schedule:
                shown.append(f"occasion:{schedule}/{_date(original).isoformat()}")
            listed = [f"month:{month}", f"category:{category}", f"state:{status}"]
            listed += [f"unit:{u}" for (u,) in db.execute("SELECT unit FROM suggestion_unit WHERE key = ?", (key,))]
            return Links(shown, listed, merged_into)
        if table == "deputy":
            station, name = db.execute("SELECT station, ndigest FROM deputy WHERE key = ?", (key,)).fetchone()
            return Links([f"station:{station}"], name=name)
        if table == "schedule":
            (station,) = db.execute("SELECT station FROM schedule WHERE key = ?", (key,)).fetchone()
            shown = [f"station:{station}"]
            shown += [f"deputy:{d}" for (d,) in db.execute(
                "SELECT DISTINCT deputy FROM occasion_deputy WHERE schedule = ?", (key,))]
            for original, date in db.execute("SELECT original, date FROM occasion WHERE schedule = ?", (key,)):
                day = _date(date)
                shown += [f"occasion:{key}/{_date(original).isoformat()}",
                          f"reception-month:{day.year * 100 + day.month}"]
            return Links(shown)
        return Links([])

    def add(self, kind, path, state):
        """Put in the object a file made (``insert`` writes them all); returns
        its key (None: it has none, or another file has it)."""
        table = TABLE[kind]
        key = state.get("slug")
        if not key:
            return None
        other = self.added[table].get(key)
        if other is not None:
            other = (other[0], pathkey(other[0]))
        elif not self.fresh:
            other = self.db.execute(f"SELECT path, pathkey FROM {table} WHERE key = ?", (key,)).fetchone()
        if other is not None:
            field = "code" if kind == "suggestions" else "id"
            first, later = (other[0], path) if other[1] < pathkey(path) else (path, other[0])
            self.problems.add(later, field, f"“{key}”与 {first} 重复", f"{key!r} duplicates {first}")
            return None
        self.added[table][key] = (path, state)
        return key

    def insert(self):
        """Write the rows of every object ``add`` took, a table at a time."""
        db, added = self.db, self.added
        db.executemany("INSERT INTO state (tbl, key, blob) VALUES (?, ?, ?)",
                       [(table, key, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
                        for table in ("station", "unit", "deputy", "schedule", "suggestion")
                        for key, (_, state) in added[table].items()])
        db.executemany("INSERT INTO station VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(key, path, pathkey(path), st["digest"], st["name"], st["head"], st["phone"])
                        for key, (path, st) in added["station"].items()])
        db.executemany("INSERT INTO unit VALUES (?, ?, ?, ?, ?)",
                       [(key, path, pathkey(path), st["digest"], st["name"]) for key, (path, st) in added["unit"].items()])
        db.executemany("INSERT INTO deputy VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)",
                       [(key, path, pathkey(path), st["digest"], st["station_id"], st["name"], st["group"],
                         st["constituency"]) for key, (path, st) in added["deputy"].items()])
        schedules = added["schedule"].items()
        db.executemany("INSERT INTO schedule VALUES (?, ?, ?, ?, ?)",
                       [(key, path, pathkey(path), st["digest"], st["station_id"]) for key, (path, st) in schedules])
        db.executemany("INSERT INTO occasion VALUES (?, ?, ?, ?, ?, ?, NULL)",
                       [(key, o.original_date.toordinal(), o.date.toordinal(),
                         st["start"].strftime("%H:%M") if st["start"] else None, int(o.cancelled), st["station_id"])
                        for key, (_, st) in schedules for o in st["occasions"]])
        db.executemany("INSERT INTO occasion_deputy VALUES (?, ?, ?)",
                       [(key, o.original_date.toordinal(), d) for key, (_, st) in schedules for o in st["occasions"]
                        for d in dict.fromkeys(o.deputy_ids)])
        suggestions = added["suggestion"].items()
        db.executemany(f"INSERT INTO suggestion ({_SUGGESTION_COLUMNS}, digest) VALUES ({', '.join('?' * 32)})",
                       [(*_suggestion_row(st, path), st["digest"]) for _, (path, st) in suggestions])
        db.executemany("INSERT INTO suggestion_deputy VALUES (?, ?, ?, ?)",
                       [row for key, (_, st) in suggestions for row in (
                           ([(key, st["lead_id"], "lead", 0)] if st["lead_id"] else [])
                           + [(key, d, "cosigner", i) for i, d in enumerate(st["cosigner_ids"])]
                           + [(key, d, "addressed", i) for i, d in enumerate(st["addressed_ids"])])])
        db.executemany("INSERT INTO suggestion_unit VALUES (?, ?, ?, ?)",
                       [row for key, (_, st) in suggestions for row in (
                           ([(key, st["lead_unit_id"], "lead", 0)] if st["lead_unit_id"] else [])
                           + [(key, u, "assist", i) for i, u in enumerate(st["assist_unit_ids"])])])

    # -- references ------------------------------------------------------------------

    def check_references(self):
        """Every reference of a new object, and every reference to a removed one."""
        db = self.db
        self._keys = {table: {k for (k,) in db.execute(f"SELECT key FROM {table}")}
                      for table in ("station", "unit", "deputy", "schedule")}
        added = self.added
        for table in ("deputy", "schedule", "suggestion"):
            for key, (path, state) in added[table].items():
                self._check(table, key, path, state)
        # Files that did not change but name an object that is gone.
        gone = {table: set(objects) - set(added[table]) for table, objects in self.removed.items()}
        referrers = defaultdict(set)

        def find(table, query, values):
            if self.fresh:
                return  # every object is new: each was checked above
            for value in values:
                referrers[table] |= {k for (k,) in db.execute(query, (value,))}
        for table in ("deputy", "schedule", "suggestion"):
            find(table, f"SELECT key FROM {table} WHERE station = ?", gone.get("station", ()))
        find("suggestion", "SELECT key FROM suggestion_unit WHERE unit = ?", gone.get("unit", ()))
        find("suggestion", "SELECT key FROM suggestion_deputy WHERE deputy = ?", gone.get("deputy", ()))
        find("schedule", "SELECT schedule FROM occasion_deputy WHERE deputy = ?", gone.get("deputy", ()))
        find("suggestion", "SELECT key FROM suggestion WHERE reception = ?", gone.get("schedule", ()))
        find("suggestion", "SELECT key FROM suggestion WHERE merged_into = ?", gone.get("suggestion", ()))
        # A changed reception schedule may no longer hold the day a suggestion names.
        find("suggestion", "SELECT key FROM suggestion WHERE reception = ?", added["schedule"])
        for table, keys in referrers.items():
            for key in sorted(keys - set(added[table])):
                (path,) = db.execute(f"SELECT path FROM {table} WHERE key = ?", (key,)).fetchone()
                self._check(table, key, path, self._state(table, key))

    def _state(self, table, key):
        return pickle.loads(self.db.execute("SELECT blob FROM state WHERE tbl = ? AND key = ?",
                                            (table, key)).fetchone()[0])

    def _check(self, table, key, path, state):
        ref = self._ref
        if table != "suggestion":
            ref(path, "station", "station", state["station_id"], "联络站", "station")
            if table == "schedule":
                field = "rota" if state["rota"] else "deputies"
                for o in state["occasions"]:
                    for d in o.deputy_ids:
                        ref(path, field, "deputy", d, "代表", "deputy")
            return
        if state["lead_id"]:
            ref(path, "lead", "deputy", state["lead_id"], "代表", "deputy")
        for field, ids in (("cosigners", state["cosigner_ids"]), ("addressed", state["addressed_ids"])):
            for d in ids:
                ref(path, field, "deputy", d, "代表", "deputy")
        if state["station_id"]:
            ref(path, "station", "station", state["station_id"], "联络站", "station")
        if state["lead_unit_id"]:
            ref(path, "lead_unit", "unit", state["lead_unit_id"], "承办单位", "handling unit")
        for u in state["assist_unit_ids"]:
            ref(path, "assist_units", "unit", u, "承办单位", "handling unit")
        into = state["merged_into_code"]
        if into and self.db.execute("SELECT 1 FROM suggestion WHERE key = ?", (into,)).fetchone() is None:
            codes = [k for (k,) in self.db.execute("SELECT key FROM suggestion")]
            self.problems.add(path, "merged_into", *_unknown(into, codes, "意见建议", "suggestion"))
        self._resolve_occasion(key, path, state["reception_ref"])

    def _resolve_occasion(self, key, path, ref):
        """Find the reception day a suggestion names (its ``reception``)."""
        found = (None, None)
        if ref:
            parts = ref.split()
            day = None
            if len(parts) == 2:
                try:
                    day = datetime.date.fromisoformat(parts[1])
                except ValueError:
                    pass
            if day is None:
                self.problems.add(path, "reception", f"“{ref}”格式不对，应为“接待日编号 YYYY-MM-DD”",
                                  f"{ref!r} should be '<reception id> YYYY-MM-DD'")
            elif self._ref(path, "reception", "schedule", parts[0], "接待日", "reception day"):
                row = self.db.execute(
                    "SELECT original FROM occasion WHERE schedule = ? AND (date = ? OR original = ?) "
                    "AND NOT cancelled ORDER BY original LIMIT 1",
                    (parts[0], day.toordinal(), day.toordinal())).fetchone()
                if row is None:
                    self.problems.add(path, "reception", f"接待日“{parts[0]}”在 {day} 没有举行",
                                      f"reception day {parts[0]!r} was not held on {day}")
                else:
                    found = (parts[0], row[0])
        new = key in self.added["suggestion"]
        old = (None, None) if new else tuple(self.db.execute(
            "SELECT occ_schedule, occ_original FROM suggestion WHERE key = ?", (key,)).fetchone())
        if old != found:
            self.db.execute("UPDATE suggestion SET occ_schedule = ?, occ_original = ? WHERE key = ?",
                            (*found, key))
            if not new:
                # Unchanged, but shown on another reception day now: its pages and the old day's.
                self.moved["suggestion"].add(key)
                if old[0]:
                    self.touched.add(f"occasion:{old[0]}/{_date(old[1]).isoformat()}")

    def _ref(self, path, field, table, ident, label_zh, label_en):
        if ident is None:
            return False  # missing: already reported by the field check
        if ident in self._keys[table]:
            return True
        self.problems.add(path, field, *_unknown(ident, self._keys[table], label_zh, label_en))
        return False

    # -- digests -------------------------------------------------------------------------

    def refresh_digests(self):
        """Work out again the digests of what changed and of what shows it:
        a deputy shows its station; a reception day its schedule, station
        and deputies; a suggestion its deputies, station, units, reception
        day, the case it was merged into and the cases merged into it."""
        db = self.db
        changed = {table: set(self.added[table]) | set(self.removed[table])
                   for table in ("station", "unit", "deputy", "schedule", "suggestion")}

        def keys_where(query, values):
            found = set()
            if self.fresh:
                return found  # every object is new: each is worked out anyway
            for value in values:
                found |= {k for (k,) in db.execute(query, (value,))}
            return found
        stations = dict(db.execute("SELECT key, digest FROM station"))
        # Deputies: their own digest with their station's; what other pages
        # show of them, their name (and address), apart.
        deputies = set(self.added["deputy"]) | keys_where("SELECT key FROM deputy WHERE station = ?",
                                                          changed["station"])
        moved_deputies, updates = set(changed["deputy"]), []
        for key, own, station, old, name in self.cat.store.select_in(
                "SELECT key, digest, station, rdigest, name FROM deputy WHERE key IN", deputies):
            new = digest(own, stations.get(station, ""))
            if new != old:
                updates.append((new, digest(key, name), key))
                moved_deputies.add(key)
        db.executemany("UPDATE deputy SET rdigest = ?, ndigest = ? WHERE key = ?", updates)
        deputy_digests = dict(db.execute("SELECT key, ndigest FROM deputy"))
        renamed = {key for key in changed["deputy"]
                   if deputy_digests.get(key) != getattr(self.removed["deputy"].get(key), "name", None)}
        # Reception days: their schedule, station and deputies on duty.
        schedules = set(self.added["schedule"])
        schedules |= keys_where("SELECT key FROM schedule WHERE station = ?", changed["station"])
        schedules |= keys_where("SELECT schedule FROM occasion_deputy WHERE deputy = ?", renamed)
        moved_occasions, updates, old = set(), [], {}
        for key, original, sdigest in self.cat.store.select_in(
                "SELECT schedule, original, sdigest FROM occasion WHERE schedule IN", schedules):
            old[(key, original)] = sdigest
        for key, own, station in self.cat.store.select_in("SELECT key, digest, station FROM schedule WHERE key IN",
                                                          schedules):
            state = self.added["schedule"][key][1] if key in self.added["schedule"] else self._state("schedule", key)
            for o in state["occasions"]:
                original = o.original_date.toordinal()
                new = _occasion_digest(own, stations.get(station, ""), o.original_date,
                                       [deputy_digests[d] for d in o.deputy_ids if d in deputy_digests])
                if new != old.get((key, original)):
                    updates.append((new, key, original))
                    moved_occasions.add((key, original))
        db.executemany("UPDATE occasion SET sdigest = ? WHERE schedule = ? AND original = ?", updates)
        # Suggestions.
        suggestions = set(self.added["suggestion"]) | self.moved["suggestion"]
        suggestions |= keys_where("SELECT key FROM suggestion WHERE station = ?", changed["station"])
        suggestions |= keys_where("SELECT key FROM suggestion_unit WHERE unit = ?", changed["unit"])
        suggestions |= keys_where("SELECT key FROM suggestion_deputy WHERE deputy = ?", renamed)
        for schedule, original in moved_occasions:
            suggestions |= {k for (k,) in db.execute(
                "SELECT key FROM suggestion WHERE occ_schedule = ? AND occ_original = ?", (schedule, original))}
        # Cases merged into a changed case show it; the case a changed one is (or was) merged into lists it.
        suggestions |= keys_where("SELECT key FROM suggestion WHERE merged_into = ?", changed["suggestion"])
        suggestions |= {state["merged_into_code"] for _, state in self.added["suggestion"].values()}
        suggestions |= {links.merged_into for links in self.removed["suggestion"].values()}
        suggestions.discard(None)
        self.moved["suggestion"] |= self._suggestion_digests(suggestions, stations, deputy_digests)
        self.moved["deputy"] |= moved_deputies
        self.moved["occasion"] |= moved_occasions

    def _suggestion_digests(self, keys, stations, deputies):
        """Store the static and list digests of ``keys``; returns those that changed."""
        db = self.db
        units = dict(db.execute("SELECT key, digest FROM unit"))
        links = defaultdict(lambda: ([], [], [], [], []))  # lead, cosigners, addressed, lead unit, assist units
        for key, deputy, role in self.cat.store.select_in("SELECT key, deputy, role FROM suggestion_deputy WHERE key IN",
                                            keys, order="seq"):
            links[key][("lead", "cosigner", "addressed").index(role)].append(deputies.get(deputy) or "")
        for key, unit, role in self.cat.store.select_in("SELECT key, unit, role FROM suggestion_unit WHERE key IN", keys,
                                          order="seq"):
            links[key][3 if role == "lead" else 4].append(units.get(unit, ""))
        duplicates = defaultdict(list)
        for target, code in self.cat.store.select_in("SELECT merged_into, key FROM suggestion WHERE merged_into IN", keys,
                                       order="pathkey"):
            duplicates[target].append(code)
        changed, updates = set(), []
        for key, own, station, merged, occasion, old_static, old_listed in self.cat.store.select_in(
                "SELECT s.key, s.digest, s.station, m.digest, o.sdigest, s.sdigest, s.ldigest FROM suggestion s "
                    "LEFT JOIN suggestion m ON m.key = s.merged_into "
                    "LEFT JOIN occasion o ON o.schedule = s.occ_schedule AND o.original = s.occ_original "
                    "WHERE s.key IN", keys):
            lead, cosigners, addressed, lead_unit, assist = links[key]
            static = digest(own, lead[0] if lead else "", stations.get(station, "") if station else "",
                            lead_unit[0] if lead_unit else "", occasion or "", merged or "",
                            *cosigners, *addressed, *assist, *duplicates[key])
            listed = digest(own, lead_unit[0] if lead_unit else "", *assist)
            if (static, listed) != (old_static, old_listed):
                if old_listed is not None and self.aggregates is not None:
                    self.aggregates.before([key])  # its list hash changes
                updates.append((static, listed, _hash40(key, listed, 0), _hash40(key, listed, 1), key))
                changed.add(key)
        db.executemany("UPDATE suggestion SET sdigest = ?, ldigest = ?, h0 = ?, h1 = ? WHERE key = ?", updates)
        return changed

    def passed_days(self, before, today):
        """Another day: open cases whose deadline passed, reception days held."""
        low, high = sorted((before.toordinal(), today.toordinal()))
        db = self.db
        self.moved["suggestion"] |= {k for (k,) in db.execute(
            "SELECT key FROM suggestion WHERE open_deadline >= ? AND open_deadline < ?", (low, high))}
        self.moved["occasion"] |= set(db.execute(
            "SELECT schedule, original FROM occasion WHERE date BETWEEN ? AND ?", (low, high)).fetchall())
        self.touched.add("today")
        if (before.year, before.month) != (today.year, today.month):
            # A station's page links the notices of this month and the months ahead.
            self.touched |= {f"station:{k}" for (k,) in db.execute("SELECT key FROM station")}

    # -- owners ------------------------------------------------------------------------

    def owners(self):
        """Every owner whose pages may look different after this build's changes."""
        db = self.db
        owners = set(self.touched)
        removed, added, moved = self.removed, self.added, self.moved

        def exists(table, key):
            return db.execute(f"SELECT 1 FROM {table} WHERE key = ?", (key,)).fetchone() is not None
        for table, objects in removed.items():
            for key, links in objects.items():
                owners |= {f"{table}:{key}", *links.shown, *links.listed}
        # A suggestion: its own pages, and the deputies, reception day, units, month,
        # category and state that show or list it, before and after.
        suggestions = set(added["suggestion"]) | set(removed["suggestion"]) | moved["suggestion"]
        for key in suggestions:
            owners |= {f"suggestion:{key}", f"status:{key}"}
            if exists("suggestion", key):
                links = self._links("suggestion", key)
                owners |= {*links.shown, *links.listed}
        if suggestions:
            owners |= {"suggestions", "open-data", "home"}
        if any(o.startswith("deputy:") for o in owners):
            owners.add("deputies-data")  # lists each deputy's cases
        deputies = set(added["deputy"]) | set(removed["deputy"]) | moved["deputy"]
        for key in deputies:
            owners.add(f"deputy:{key}")
            if exists("deputy", key):
                owners |= set(self._links("deputy", key).shown)
        if deputies:
            owners |= {"deputies", "deputies-data", "stations", "home"}
        schedules = set(added["schedule"]) | set(removed["schedule"]) | {s for s, _ in moved["occasion"]}
        for key in schedules:
            owners.add(f"schedule:{key}")
            if exists("schedule", key):
                owners |= set(self._links("schedule", key).shown)
        if schedules:
            owners |= {"reception", "home"}
        stations = set(added["station"]) | set(removed["station"])
        owners |= {f"station:{key}" for key in stations}
        if stations:
            owners |= {"stations", "deputies", "home"}
        units = set(added["unit"]) | set(removed["unit"])
        owners |= {f"unit:{key}" for key in units}
        if units:
            owners |= {"suggestions", "home"}
        if "today" in owners:
            owners |= {"suggestions", "reception", "home"}
        return owners


def _unknown(ident, registry, label_zh, label_en):
    """(zh, en) for an ID not in ``registry``, naming the likely intended ones."""
    near = difflib.get_close_matches(ident, list(registry), n=3, cutoff=0.5)
    if not near and len(registry) <= 8:
        near = sorted(registry)
    hint_zh = f"；可选：{'、'.join(near)}" if near else ""
    hint_en = f"; expected e.g. {', '.join(near)}" if near else ""
    return f"找不到{label_zh}“{ident}”{hint_zh}", f"unknown {label_en} {ident!r}{hint_en}"
