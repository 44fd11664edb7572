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
import json
import os
import pickle
from collections import OrderedDict
from pathlib import Path

from . import readcache
from .aggregates import Aggregates
from .fingerprint import digest
from .models import Deputy, ReceptionDay, Station, Suggestion, Unit
from .changeset import ChangeSet, occasion_digest
from .problems import Problems
from .store import TABLE, Store, ordinal, pathkey
from .tally import Tally

# (content key, model, table), in the order files are read and reported.
TYPES = (("stations", Station, "station"), ("units", Unit, "unit"), ("deputies", Deputy, "deputy"),
         ("reception", ReceptionDay, "schedule"), ("suggestions", Suggestion, "suggestion"))
MODEL = {kind: cls for kind, cls, _ in TYPES}
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
                    found.append((pathkey(entry.path), entry.path, (st.st_mtime_ns, st.st_size)))
    found.sort()
    return {path: stamp for _, path, stamp in found}


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

        change = ChangeSet(self, fresh=empty)
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
            rows.append((path, kind, stamp[0], stamp[1], t, ordinal(record.latest_date), int(record.daily), key))
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
            o.static_digest = static.get(o.original_date.toordinal()) or occasion_digest(
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
        return objects.many(sorted(self.changes.keys(TABLE[kind])))

    def dropped(self, kind):
        """The keys of ``kind`` whose owner changed and that are gone."""
        if self.changes.everything:
            return []
        keys = self.changes.keys(TABLE[kind])
        there = {k for (k,) in self.store.select_in(f"SELECT key FROM {TABLE[kind]} WHERE key IN", keys)}
        return sorted(keys - there)

    def affected_occasions(self):
        """The reception days whose pages this build declares."""
        if self.changes.everything:
            return self.occasions
        pairs = []
        for key in self.changes.keys("occasion"):
            schedule, _, date = key.rpartition("/")
            pairs.append((schedule, datetime.date.fromisoformat(date).toordinal()))
        return sorted(self.occasions_of(sorted(pairs)), key=lambda o: o.sort_key)

    @property
    def overdue_sql(self):
        """Suggestion.is_overdue(today), as SQL on the store's columns."""
        return f"(late OR open_deadline < {self.today.toordinal()})"

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
