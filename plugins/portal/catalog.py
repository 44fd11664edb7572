"""All portal content, read, validated and cross-referenced.

References are resolved in one pass over each type (no quadratic
cross-referencing): a deputy learns its suggestions as the suggestions are
resolved, a station its deputies as the deputies are resolved.
"""

import datetime
import difflib
import os
from pathlib import Path

from .models import Deputy, ReceptionDay, Station, Suggestion, Unit
from .problems import Problems
from .fingerprint import digest
from .readcache import RecordCache, problems_of, restore

TYPES = (("stations", Station), ("units", Unit), ("deputies", Deputy),
         ("reception", ReceptionDay), ("suggestions", Suggestion))


def portal_today(settings):
    """The build's idea of today: PORTAL_TODAY (environment, then settings),
    otherwise the current date in the site's time zone."""
    fixed = os.environ.get("PORTAL_TODAY") or settings.get("PORTAL_TODAY")
    if fixed:
        return fixed if isinstance(fixed, datetime.date) else datetime.date.fromisoformat(str(fixed))
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo(settings.get("TIMEZONE") or "Asia/Shanghai")).date()


def source_files(root):
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.md") if not any(part.startswith(".") for part in p.parts))


def scan_files(root):
    """{path: (mtime_ns, size)} of the ``*.md`` files under ``root`` (dot
    files and directories skipped), in the order of ``source_files``."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(".md") and not name.startswith("."):
                path = os.path.join(dirpath, name)
                st = os.stat(path)
                found.append((path.split(os.sep), path, (st.st_mtime_ns, st.st_size)))
    found.sort()
    return {path: stamp for _, path, stamp in found}


class Catalog:
    def __init__(self, settings, context=None, today=None, cache_file=None):
        self.settings = settings
        self.cache_file = cache_file
        self.context = context if context is not None else {}
        self.today = today or portal_today(settings)
        self.content_path = Path(settings["PATH"])
        self.problems = Problems()
        self.deputies, self.stations, self.units = {}, {}, {}
        self.reception, self.suggestions = {}, {}
        self._published = None

    def content_dirs(self):
        return [(key, self.content_path / self.settings["PORTAL_DIRS"][key]) for key, _ in TYPES]

    def load(self, scanned=None):
        """Read, validate and cross-reference every content file.
        ``scanned``: {directory: scan_files(directory)} when the caller has it."""
        from pelican.urlwrappers import Author
        types = dict(TYPES)
        cache = RecordCache(self.cache_file, self.settings, types)
        files = []
        for key, root in self.content_dirs():
            stamps = (scanned or {}).get(root)
            stamps = stamps if stamps is not None else scan_files(root)
            files += [(key, path, stamp) for path, stamp in stamps.items()]
        results = cache.read_all(files, self.today)
        cache.save()
        author = Author(self.settings["AUTHOR"], self.settings) if self.settings.get("AUTHOR") else None
        for (key, path, _), (record, heavy) in zip(files, results):
            self.problems.extend(problems_of(record))
            if record.state is None:
                continue
            obj = restore(types[key], record.state, heavy, self.settings, self.context, author)
            registry = getattr(self, key)
            if obj.slug in registry:
                field = "code" if key == "suggestions" else "id"
                first = registry[obj.slug].source_path
                self.problems.add(path, field, f"“{obj.slug}”与 {first} 重复",
                                  f"{obj.slug!r} duplicates {first}")
            elif obj.slug:
                registry[obj.slug] = obj
        self._resolve()
        return self

    # -- references -------------------------------------------------------

    def _ref(self, obj, field, registry, ident, label_zh, label_en):
        if ident is None:
            return None  # missing: already reported by the field check
        target = registry.get(ident)
        if target is None:
            # Name the likely intended IDs, or all of them when there are few.
            near = difflib.get_close_matches(ident, list(registry), n=3, cutoff=0.5)
            if not near and len(registry) <= 8:
                near = sorted(registry)
            hint_zh = f"；可选：{'、'.join(near)}" if near else ""
            hint_en = f"; expected e.g. {', '.join(near)}" if near else ""
            self.problems.add(obj.source_path, field, f"找不到{label_zh}“{ident}”{hint_zh}",
                              f"unknown {label_en} {ident!r}{hint_en}")
        return target

    def _refs(self, obj, field, registry, idents, label_zh, label_en):
        found = (self._ref(obj, field, registry, i, label_zh, label_en) for i in idents)
        return [t for t in found if t is not None]

    def _resolve(self):
        self._published = None
        for station in self.stations.values():
            station.deputies, station.occasions = [], []
        for unit in self.units.values():
            unit.suggestions = []
        for deputy in self.deputies.values():
            deputy.station = self._ref(deputy, "station", self.stations, deputy.station_id, "联络站", "station")
            deputy.occasions, deputy.led, deputy.cosigned, deputy.addressed = [], [], [], []
            if deputy.station:
                deputy.station.deputies.append(deputy)
        self.occasions = []
        for schedule in self.reception.values():
            schedule.station = self._ref(schedule, "station", self.stations, schedule.station_id,
                                         "联络站", "station")
            field = "rota" if schedule.rota else "deputies"
            for occasion in schedule.occasions:
                occasion.deputies = self._refs(schedule, field, self.deputies, occasion.deputy_ids,
                                               "代表", "deputy")
                for deputy in occasion.deputies:
                    deputy.occasions.append(occasion)
                if schedule.station:
                    schedule.station.occasions.append(occasion)
                self.occasions.append(occasion)
        self.occasions.sort(key=lambda o: o.sort_key)
        for obj in self.deputies.values():
            obj.occasions.sort(key=lambda o: o.sort_key)
        for obj in self.stations.values():
            obj.occasions.sort(key=lambda o: o.sort_key)
        for s in self.suggestions.values():
            s.duplicates = []
        for s in self.suggestions.values():
            self._resolve_suggestion(s)
        # Reported once per unknown ID, in file order.
        self._dedupe_problems()
        self._render_digests()

    def _render_digests(self):
        """Each object's digest together with the digests of the objects it
        displays (see fingerprint.py) and what it shows that depends on
        today (an open case becoming overdue, a reception day being held):
        a page showing it must be rendered again when any of them changes."""
        today = self.today

        def of(obj):
            return obj.render_digest if obj is not None else ""
        for obj in (*self.stations.values(), *self.units.values()):
            obj.render_digest = obj.digest
        for deputy in self.deputies.values():
            deputy.render_digest = digest(deputy.digest, of(deputy.station))
        for schedule in self.reception.values():
            station = of(schedule.station)
            for o in schedule.occasions:
                # static_digest: what the day shows whatever the date; render_digest adds its state today.
                o.static_digest = digest(schedule.digest, station, o.original_date,
                                         *(d.render_digest for d in o.deputies))
                o.render_digest = digest(o.static_digest, o.state(today))
            schedule.render_digest = digest(schedule.digest, station,
                                            *(o.render_digest for o in schedule.occasions))
        for s in self.suggestions.values():
            s.static_digest = digest(
                s.digest, of(s.lead), of(s.station), of(s.lead_unit),
                s.occasion.static_digest if s.occasion else "",
                s.merged_into.digest if s.merged_into else "",
                *(of(x) for x in (*s.cosigners, *s.addressed_to, *s.assist_units)),
                *(x.code for x in s.duplicates))
            s.render_digest = digest(s.static_digest, s.is_overdue(today))
            # What a list item, a tally, a bulletin or a feed entry shows: the
            # case's own fields and its units' names, not its deputies,
            # station or reception day (editing a deputy leaves lists alone).
            s.list_static_digest = digest(s.digest, of(s.lead_unit), *(of(u) for u in s.assist_units))
            s.list_digest = digest(s.list_static_digest, s.is_overdue(today))

    def _resolve_suggestion(self, s):
        s.lead = self._ref(s, "lead", self.deputies, s.lead_id, "代表", "deputy") if s.lead_id else None
        s.cosigners = self._refs(s, "cosigners", self.deputies, s.cosigner_ids, "代表", "deputy")
        s.addressed_to = self._refs(s, "addressed", self.deputies, s.addressed_ids, "代表", "deputy")
        s.station = (self._ref(s, "station", self.stations, s.station_id, "联络站", "station")
                     if s.station_id else None)
        s.lead_unit = (self._ref(s, "lead_unit", self.units, s.lead_unit_id, "承办单位", "handling unit")
                       if s.lead_unit_id else None)
        s.assist_units = self._refs(s, "assist_units", self.units, s.assist_unit_ids,
                                    "承办单位", "handling unit")
        s.merged_into = None
        if s.merged_into_code:
            s.merged_into = self._ref(s, "merged_into", self.suggestions, s.merged_into_code,
                                      "意见建议", "suggestion")
        s.occasion = None
        if s.reception_ref:
            s.occasion = self._resolve_occasion(s)
        if s.merged_into:
            s.merged_into.duplicates.append(s)
        if s.lead:
            s.lead.led.append(s)
        for deputy in s.cosigners:
            deputy.cosigned.append(s)
        for deputy in s.addressed_to:
            deputy.addressed.append(s)
        for unit in ([s.lead_unit] if s.lead_unit else []) + s.assist_units:
            unit.suggestions.append(s)
        if s.occasion:
            s.occasion.suggestions.append(s)

    def _resolve_occasion(self, s):
        parts = s.reception_ref.split()
        day = None
        if len(parts) == 2:
            try:
                day = datetime.date.fromisoformat(parts[1])
            except ValueError:
                pass
        if day is None:
            self.problems.add(s.source_path, "reception", f"“{s.reception_ref}”格式不对，应为“接待日编号 YYYY-MM-DD”",
                              f"{s.reception_ref!r} should be '<reception id> YYYY-MM-DD'")
            return None
        schedule = self._ref(s, "reception", self.reception, parts[0], "接待日", "reception day")
        if schedule is None:
            return None
        for occasion in schedule.occasions:
            if day in (occasion.date, occasion.original_date) and not occasion.cancelled:
                return occasion
        self.problems.add(s.source_path, "reception", f"接待日“{parts[0]}”在 {day} 没有举行",
                          f"reception day {parts[0]!r} was not held on {day}")
        return None

    def _dedupe_problems(self):
        seen, unique = set(), Problems()
        for p in self.problems:
            key = str(p)
            if key not in seen:
                seen.add(key)
                unique.append(p)
        self.problems[:] = unique

    # -- views the pages share --------------------------------------------

    def upcoming(self, days):
        last = self.today + datetime.timedelta(days=days)
        return [o for o in self.occasions if self.today <= o.date <= last]

    def published_suggestions(self):
        """Newest first by received date, then code (stable); sorted once
        (the catalog does not change once loaded)."""
        if self._published is None:
            self._published = sorted(self.suggestions.values(), key=lambda s: (s.received, s.code), reverse=True)
        return list(self._published)
