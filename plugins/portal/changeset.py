"""What one build changes in the store (catalog.py), and the owners whose
pages may look different because of it.

A build takes out the objects of the files that changed or went
(``remove_file``), puts in those the files made now (``add``, ``insert``),
checks the references of the new objects and the references to the removed
ones, and works out again the digests of what shows a changed object
(``refresh_digests``). ``owners`` then names every owner whose pages may
differ: the changed objects', and those showing or listing them, before
the change (``Links``, read as the object is taken out) and after.
"""

import datetime
import pickle
from collections import defaultdict, namedtuple

from .fingerprint import digest
from .problems import unknown_ref
from .statistics import case_months
from .store import TABLE, day, ordinal, pathkey
from .tally import facts_static


class Links(namedtuple("Links", "shown listed merged_into name", defaults=((), None, None))):
    """What other owners' pages show of an object: the owners showing it
    (``shown``) or listing it (``listed``), the case it was merged into,
    and (a deputy's) the digest of its name: what other pages show of it."""


def _hash40(*parts):
    """40 bits of a digest: summed over a group of rows in SQL, a fingerprint of the group."""
    return int(digest(*parts)[:10], 16)


def occasion_digest(schedule_digest, station_digest, original_date, deputy_digests):
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
            s["merged_into_code"], int(bool(s["supervised"])), ordinal(s["assigned"]), ordinal(s["answered"]),
            ordinal(deadline), ordinal(s["evaluated"]), ordinal(s["second_reply"]), s["satisfaction"],
            s["second_satisfaction"], int(late), ordinal(open_deadline), facts_static(s), max(events).toordinal(),
            reception[0] if reception else None,
            *case_months(s["assigned"], s["answered"], s["evaluated"], s["second_reply"], deadline))


_SUGGESTION_COLUMNS = ("key, path, pathkey, received, month, category, category_slug, source, status, lead_unit, "
                       "station, merged_into, supervised, assigned, answered, deadline, evaluated, second_reply, "
                       "satisfaction, second_satisfaction, late, open_deadline, facts, last_event, reception, "
                       "am, rm, em, sm, dm, dme")


class ChangeSet:
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
                shown.append(f"occasion:{schedule}/{day(original).isoformat()}")
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
                held = day(date)
                shown += [f"occasion:{key}/{day(original).isoformat()}",
                          f"reception-month:{held.year * 100 + held.month}"]
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
                       [(key, path, pathkey(path), st["digest"], st["name"])
                        for key, (path, st) in added["unit"].items()])
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
            self.problems.add(path, "merged_into", *unknown_ref(codes, into, "意见建议", "suggestion"))
        self._resolve_occasion(key, path, state["reception_ref"])

    def _resolve_occasion(self, key, path, ref):
        """Find the reception day a suggestion names (its ``reception``)."""
        found = (None, None)
        if ref:
            parts = ref.split()
            held_on = None
            if len(parts) == 2:
                try:
                    held_on = datetime.date.fromisoformat(parts[1])
                except ValueError:
                    pass
            if held_on is None:
                self.problems.add(path, "reception", f"“{ref}”格式不对，应为“接待日编号 YYYY-MM-DD”",
                                  f"{ref!r} should be '<reception id> YYYY-MM-DD'")
            elif self._ref(path, "reception", "schedule", parts[0], "接待日", "reception day"):
                row = self.db.execute(
                    "SELECT original FROM occasion WHERE schedule = ? AND (date = ? OR original = ?) "
                    "AND NOT cancelled ORDER BY original LIMIT 1",
                    (parts[0], held_on.toordinal(), held_on.toordinal())).fetchone()
                if row is None:
                    self.problems.add(path, "reception", f"接待日“{parts[0]}”在 {held_on} 没有举行",
                                      f"reception day {parts[0]!r} was not held on {held_on}")
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
                    self.touched.add(f"occasion:{old[0]}/{day(old[1]).isoformat()}")

    def _ref(self, path, field, table, ident, label_zh, label_en):
        if ident is None:
            return False  # missing: already reported by the field check
        if ident in self._keys[table]:
            return True
        self.problems.add(path, field, *unknown_ref(self._keys[table], ident, label_zh, label_en))
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
                new = occasion_digest(own, stations.get(station, ""), o.original_date,
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
        select_in = self.cat.store.select_in
        links = defaultdict(lambda: ([], [], [], [], []))  # lead, cosigners, addressed, lead unit, assist units
        for key, deputy, role in select_in("SELECT key, deputy, role FROM suggestion_deputy WHERE key IN", keys,
                                           order="seq"):
            links[key][("lead", "cosigner", "addressed").index(role)].append(deputies.get(deputy) or "")
        for key, unit, role in select_in("SELECT key, unit, role FROM suggestion_unit WHERE key IN", keys,
                                         order="seq"):
            links[key][3 if role == "lead" else 4].append(units.get(unit, ""))
        duplicates = defaultdict(list)
        for target, code in select_in("SELECT merged_into, key FROM suggestion WHERE merged_into IN", keys,
                                      order="pathkey"):
            duplicates[target].append(code)
        changed, updates = set(), []
        for key, own, station, merged, occasion, old_static, old_listed in select_in(
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

