"""The build's memory: one SQLite database in the cache directory
(``portal.sqlite3``).

It holds what the last successful build read -- every content file's
parsed object, the references between objects, their digests -- and what
it wrote -- every output file's fingerprint and hash, and which object
("owner") each file belongs to. A build reads from it only what it needs:
publishing one answer reads one file, the few objects it touches and the
rows the pages it changes list, not the whole site (catalog.py, writer.py).

Two kinds of tables, cleared apart:

- *content* tables (what was read): cleared when the settings or the
  reading code change, so that every file is read again;
- *output* tables (what was written): kept, so a changed file is still
  compared with what is on disk and an unchanged one is not rewritten.

The database is a cache: delete it (or the cache directory) and the next
build makes everything again. A forked build process opens its own
read-only connection (a SQLite connection must not cross a fork).
"""

import datetime
import json
import os
import sqlite3
from pathlib import Path

SCHEMA_VERSION = 9  # PRAGMA user_version: another value starts the database afresh

CONTENT = """
CREATE TABLE file (              -- every content file as the last build read it
    path TEXT PRIMARY KEY, kind TEXT NOT NULL, mtime INTEGER NOT NULL, size INTEGER NOT NULL,
    made_on INTEGER NOT NULL,    -- the day it was read (its checks compare dates with that day)
    latest INTEGER,              -- the latest date written in it (None: none)
    daily INTEGER NOT NULL,      -- read again every day (a recurring reception schedule)
    key TEXT);                   -- the object it made
CREATE TABLE state (             -- each object's attributes (readcache.split_object), pickled
    tbl TEXT NOT NULL, key TEXT NOT NULL, blob BLOB NOT NULL, PRIMARY KEY (tbl, key));
-- One table per type: the columns the build asks about (kept narrow: lists are read from them).
CREATE TABLE station (key TEXT PRIMARY KEY, path TEXT NOT NULL, pathkey TEXT NOT NULL, digest TEXT NOT NULL,
    name TEXT, head TEXT, phone TEXT);
CREATE TABLE unit (key TEXT PRIMARY KEY, path TEXT NOT NULL, pathkey TEXT NOT NULL, digest TEXT NOT NULL,
    name TEXT);
CREATE TABLE deputy (key TEXT PRIMARY KEY, path TEXT NOT NULL, pathkey TEXT NOT NULL, digest TEXT NOT NULL,
    rdigest TEXT, ndigest TEXT,  -- with its station's; of its name (what other pages show of it)
    station TEXT, name TEXT, grp TEXT, constituency TEXT);
CREATE INDEX deputy_station ON deputy (station);
CREATE TABLE schedule (key TEXT PRIMARY KEY, path TEXT NOT NULL, pathkey TEXT NOT NULL, digest TEXT NOT NULL,
    station TEXT);
CREATE INDEX schedule_station ON schedule (station);
CREATE TABLE occasion (          -- one concrete reception day of a schedule
    schedule TEXT NOT NULL, original INTEGER NOT NULL, date INTEGER NOT NULL, start TEXT,
    cancelled INTEGER NOT NULL, station TEXT, sdigest TEXT,
    PRIMARY KEY (schedule, original));
CREATE INDEX occasion_date ON occasion (date);
CREATE INDEX occasion_station ON occasion (station);
CREATE TABLE occasion_deputy (schedule TEXT NOT NULL, original INTEGER NOT NULL, deputy TEXT NOT NULL);
CREATE INDEX occasion_deputy_deputy ON occasion_deputy (deputy);
CREATE INDEX occasion_deputy_occasion ON occasion_deputy (schedule, original);
CREATE TABLE suggestion (
    key TEXT PRIMARY KEY, path TEXT NOT NULL, pathkey TEXT NOT NULL,
    digest TEXT NOT NULL, sdigest TEXT, ldigest TEXT,  -- static and list digests (catalog.py)
    h0 INTEGER, h1 INTEGER,      -- 40 bits of the list digest, not overdue / overdue: summed, a group's fingerprint
    received INTEGER NOT NULL, month INTEGER NOT NULL, category TEXT, category_slug TEXT, source TEXT,
    status TEXT NOT NULL, lead_unit TEXT, station TEXT, merged_into TEXT, supervised INTEGER NOT NULL,
    assigned INTEGER, answered INTEGER, deadline INTEGER, evaluated INTEGER, second_reply INTEGER,
    satisfaction TEXT, second_satisfaction TEXT,
    late INTEGER NOT NULL,       -- answered after its deadline
    open_deadline INTEGER,       -- the deadline of a case still open: overdue once today is past it
    facts,                       -- tally.facts without the overdue bit (an int, or the end state)
    last_event INTEGER NOT NULL,
    reception TEXT, occ_schedule TEXT, occ_original INTEGER,  -- the reception day named, and found
    am INTEGER, rm INTEGER, em INTEGER, sm INTEGER, dm INTEGER, dme INTEGER);  -- statistics.case_months
CREATE INDEX suggestion_order ON suggestion (received, key);
CREATE INDEX suggestion_month ON suggestion (month, received, key);
CREATE INDEX suggestion_category ON suggestion (category_slug, received, key);
CREATE INDEX suggestion_status ON suggestion (status, received, key);
CREATE INDEX suggestion_supervised ON suggestion (received, key) WHERE supervised;
CREATE INDEX suggestion_answered ON suggestion (answered, key) WHERE answered IS NOT NULL;
CREATE INDEX suggestion_last ON suggestion (last_event);
CREATE INDEX suggestion_merged ON suggestion (merged_into);
CREATE INDEX suggestion_occasion ON suggestion (occ_schedule, occ_original);
CREATE INDEX suggestion_reception ON suggestion (reception);
CREATE INDEX suggestion_open ON suggestion (open_deadline);
CREATE INDEX suggestion_station ON suggestion (station);
CREATE TABLE suggestion_deputy (key TEXT NOT NULL, deputy TEXT NOT NULL, role TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX suggestion_deputy_key ON suggestion_deputy (key);
CREATE INDEX suggestion_deputy_deputy ON suggestion_deputy (deputy);
CREATE TABLE suggestion_unit (key TEXT NOT NULL, unit TEXT NOT NULL, role TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE INDEX suggestion_unit_key ON suggestion_unit (key);
CREATE INDEX suggestion_unit_unit ON suggestion_unit (unit);
CREATE TABLE agg (dim TEXT NOT NULL, g1, g2, facts, n INTEGER NOT NULL, h INTEGER NOT NULL,  -- aggregates.py
    PRIMARY KEY (dim, g1, g2, facts));
"""

OUTPUT = """
CREATE TABLE page (              -- every output file the portal's writer made
    save_as TEXT PRIMARY KEY, owner TEXT NOT NULL, fingerprint TEXT NOT NULL, hash TEXT,
    pii TEXT NOT NULL,           -- the personal-data detector that passed it
    cost REAL);                  -- seconds it took to make, when that was long
CREATE INDEX page_owner ON page (owner);
CREATE TABLE joined (save_as TEXT PRIMARY KEY, data BLOB NOT NULL);  -- a joined file's layout and stamp
CREATE TABLE joined_part (       -- its fragments, in the order of their sort keys
    save_as TEXT NOT NULL, key TEXT NOT NULL, sortkey TEXT NOT NULL, fp TEXT NOT NULL,
    length INTEGER NOT NULL, h INTEGER NOT NULL, PRIMARY KEY (save_as, key));
CREATE INDEX joined_part_order ON joined_part (save_as, sortkey);
CREATE TABLE pending (owner TEXT PRIMARY KEY);  -- owners whose pages a failed build left to make
CREATE TABLE track_key (code TEXT PRIMARY KEY, key TEXT NOT NULL, stamp TEXT NOT NULL);  -- tracking_pages.py
CREATE TABLE fragment (key TEXT PRIMARY KEY, basis TEXT NOT NULL, digest TEXT NOT NULL, html TEXT NOT NULL);
"""

META = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"

_CONTENT_TABLES = ("file", "state", "station", "unit", "deputy", "schedule", "occasion", "occasion_deputy",
                   "suggestion", "suggestion_deputy", "suggestion_unit", "agg")
_OUTPUT_TABLES = ("page", "joined", "joined_part", "pending", "fragment")

# Content kind (the content directory) -> its table, which is also the prefix of its objects' owners.
TABLE = {"stations": "station", "units": "unit", "deputies": "deputy", "reception": "schedule",
         "suggestions": "suggestion"}
_SEP = "\x00"  # joins path parts: a string order that is the order of the parts (the scan's)


def pathkey(path):
    """A path as a key whose string order is the scan's order."""
    return path.replace(os.sep, _SEP)


def ordinal(day):
    """A date as the store keeps it (None stays None)."""
    return day.toordinal() if day else None


def day(value):
    return datetime.date.fromordinal(value) if value else None


class Store:
    """The database at ``path`` (None: in memory, for a check that writes nothing)."""

    def __init__(self, path):
        self.path = Path(path) if path else None
        self._db = None
        self._pid = None

    @property
    def db(self):
        if self._db is None:
            self._open()
        elif self._pid != os.getpid():
            # A forked build process: its own connection, reading what the parent
            # committed. The parent's stays referenced, so it is never closed here.
            self._inherited = self._db
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            self._pid = os.getpid()
        return self._db

    def _open(self):
        if self.path is None:
            self._db = sqlite3.connect(":memory:", isolation_level=None)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError:  # not a database (damaged): a cache, so start afresh
                self._remove()
                self._db = self._connect()
        self._pid = os.getpid()
        db = self._db
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                db.execute(f"DROP TABLE {name}")
            db.executescript(META + CONTENT + OUTPUT + f"PRAGMA user_version = {SCHEMA_VERSION};")

    def _connect(self):
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # a cache: a lost last commit is made again
        db.execute("PRAGMA user_version").fetchone()
        return db

    def _remove(self):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # -- transactions and meta ----------------------------------------------------

    def begin(self):
        self.db.execute("BEGIN")

    def commit(self):
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self):
        if self._db is not None and self._pid == os.getpid() and self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def get(self, key, default=None):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def put(self, key, value):
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def clear_content(self):
        """Forget what was read (every file is read again); keep what was written."""
        for name in _CONTENT_TABLES:
            self.db.execute(f"DELETE FROM {name}")

    def clear_output(self):
        for name in _OUTPUT_TABLES:
            self.db.execute(f"DELETE FROM {name}")

    def select_in(self, query, keys, params=(), order=None):
        """Rows of ``query`` (ending in ``IN``; ``params`` for its other
        placeholders) for ``keys``, any number of them."""
        keys = list(keys)
        if not keys:
            return []
        tail = f" ORDER BY {order}" if order else ""
        return self.db.execute(f"{query} (SELECT value FROM json_each(?)){tail}",
                               (*params, json.dumps(keys))).fetchall()

    def close(self):
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
