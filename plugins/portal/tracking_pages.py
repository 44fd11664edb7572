"""查询进度: a public, PII-free status for every case, reachable by its code.

Every case -- published or not -- gets a status record at an address that
cannot be derived without the code:

    track/s/<key>.json   read by the 查询进度 page's script
    track/s/<key>.html   the same as a page, for browsers without JavaScript
                         (the form GETs /api/track, which redirects here)

``key`` is a slow hash of the normalised code (``status_key`` in
``intake/chalicelib/track.py``, the one definition shared with the intake
function and ported to ``theme/static/js/track.js``).

Trade-offs, written down:

- The salt is public (the page's script needs it); the hash only makes
  *enumerating* codes from the site's file names expensive (2^40 codes, each
  1,000 PBKDF2 iterations; see intake/chalicelib/track.py), it does not hide a code someone already has.
  A record therefore holds nothing a stranger with the code should not see:
  no code, no title of an unpublished case, no names or phone numbers; only
  the state, dated lifecycle events with their public notes (handling unit
  names, deadlines, progress notes) and, once published, the link to the
  published reply.
- Records are written after the sitemap, so they are not listed there, and
  the pages carry ``noindex``.
- The number of files in ``track/s/`` reveals how many cases exist; that is
  public anyway (the monthly bulletins count them).
- Progress notes of a case that is not yet published come straight from the
  private case file; they are checked for the case's name and phone number
  and for any phone, ID-card number or e-mail address, and the build stops
  with the file, the field and the text when one is found (the output guard
  would stop it too, with less precise directions).

The records come from the private case files in the inbox (the current
state) and, for published suggestions without a case file here (e.g. built
on a machine without the inbox), from ``content/suggestions``.
"""

import datetime
import json
import logging
import os
import pickle
import types

from . import casefiles, pii
from .fields import Fields
from .fingerprint import digest
from .models import STATE_LABELS, Suggestion
from .problems import Problems
from .tracking import load_intake_module

log = logging.getLogger(__name__)

_track = load_intake_module("track")

SALT = _track.SALT
ITERATIONS = _track.ITERATIONS
KEY_LENGTH = _track.KEY_LENGTH
RECORD_DIR = "track/s"
NOTE_FIELDS = {"progress": "progress", "followup": "followups", "rejected": "reject_reason",
               "assigned": "lead_unit", "evaluated": "satisfaction", "merged": "merged_into"}


def status_key(code):
    return _track.status_key(code)


def status_codes(cat, cases, previous_inbox=()):
    """The codes whose status records this build declares: every case in
    the inbox (read again by every build), the published suggestions that
    changed, and the codes that were in the inbox last time (a case file
    gone: the published suggestion's record takes its place)."""
    inbox = {case.code for case in cases}
    if cat.changes.everything:
        return sorted(set(cat.suggestions) | inbox)
    return sorted(inbox | set(previous_inbox) | cat.changes.keys("status"))


class StatusKeys:
    """{code: key} of the codes a build needs. The slow hash is paid once
    per code: keys are kept in the build's store (for the same salt and
    iterations). Many new ones (a first build) are worked out by a process
    of their own, started as soon as the codes are known (``soon``), on the
    core the build's single-threaded work leaves idle; ``result`` waits for
    them. (A thread would not do: the hash releases the GIL for 0.2 ms at a
    time, and a busy main thread keeps it for the 5 ms of a switch interval.)"""

    STAMP = f"{SALT}|{ITERATIONS}|{KEY_LENGTH}"
    FORK_MIN = 200  # codes; fewer are worked out at once

    def __init__(self, store):
        self.store = store
        self.keys = {}
        self.made = {}      # new keys, to keep in the store
        self.working = []   # (codes, child pid, pipe) being worked out

    def _known(self, codes):
        missing = [code for code in codes if code not in self.keys]
        self.keys.update((code, key) for code, key, stamp in self.store.select_in(
            "SELECT code, key, stamp FROM track_key WHERE code IN", missing) if stamp == self.STAMP)
        return [code for code in dict.fromkeys(missing) if code not in self.keys]

    def soon(self, codes):
        """Start working out the keys of ``codes`` not yet known."""
        missing = self._known(codes)
        if len(missing) < self.FORK_MIN:
            self.made.update((code, status_key(code)) for code in missing)
            self.keys.update(self.made)
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: the keys, sent back through the pipe
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    pickle.dump([status_key(code) for code in missing], out)
            finally:
                os._exit(0)
        os.close(write)
        self.working.append((missing, pid, read))

    def result(self, codes):
        """{code: key} for ``codes`` (new keys kept in the store; the caller commits)."""
        for missing, pid, read in self.working:
            with os.fdopen(read, "rb") as pipe:
                try:
                    keys = pickle.load(pipe)
                except (EOFError, pickle.UnpicklingError):  # the process failed: worked out here
                    keys = [status_key(code) for code in missing]
            os.waitpid(pid, 0)
            self.made.update(zip(missing, keys))
            self.keys.update(self.made)
        self.working = []
        missing = self._known(codes)
        if missing:
            self.soon(missing)
            return self.result(codes)
        self.store.db.executemany("INSERT OR REPLACE INTO track_key (code, key, stamp) VALUES (?, ?, ?)",
                                  [(code, key, self.STAMP) for code, key in self.made.items()])
        self.made = {}
        return {code: self.keys[code] for code in codes}


def write_track_page(site, cat):
    """The 查询进度 page (``/track/``)."""
    site.page("track/index.html", "track", inputs=[SALT, str(ITERATIONS)], owner="site",
              track_salt=SALT, track_iterations=ITERATIONS, track_key_length=KEY_LENGTH)


def public_allowlist(cat):
    """Public contacts that are never PII: stations' phones and PORTAL_PII_ALLOW."""
    allow = [s.phone for s in cat.stations.values() if s.phone]
    return allow + list(cat.settings.get("PORTAL_PII_ALLOW") or [])


def _case_view(case, cat):
    """The lifecycle of a case file as a Suggestion-like object, read
    leniently: only the code and the received date are needed for a record
    (a freshly pulled case may lack a title or a category)."""
    source = types.SimpleNamespace(path=case.path, meta=case.public_meta(), header_errors=[])
    scratch = Problems()
    meta = Suggestion.parse(Fields(source, scratch), cat.settings, cat.today)
    if not meta.get("code") or not meta.get("received") or any(p.field == "code" for p in scratch):
        return None
    view = types.SimpleNamespace(**meta)
    view.lead_unit = cat.units.get(meta["lead_unit_id"]) if meta["lead_unit_id"] else None
    return view


def _record(view, published, settings):
    state = Suggestion._state(view)
    events = Suggestion.timeline(view)
    record = {
        "state": state,
        "state_label": STATE_LABELS[state],
        "source": view.source,
        "category": view.category,
        "received": view.received.isoformat(),
        "deadline": view.deadline.isoformat() if view.deadline else None,
        "timeline": [{"date": day.isoformat(), "kind": kind, "label": label, "note": note or ""}
                     for day, kind, label, note in events],
        "published": None,
        "title": None,
    }
    if published is not None:
        record["published"] = f"{settings.get('SITEURL') or ''}/{published.url}"
        record["title"] = published.title
    return record, events


def collect(cat, cases=None):
    """{code: (record, events)} for every case; raises ContentError when a
    case's public notes carry personal data."""
    cases = casefiles.read_inbox(cat.settings) if cases is None else cases
    entries = _entries(cat, cases, set(cat.suggestions))
    return {code: make() for code, (_, make) in sorted(entries.items())}


def _entries(cat, cases, codes):
    """{code: (key, function making (record, events))}: the inbox's cases
    (read and checked now: there are few), then those of ``codes`` that are
    published suggestions without a case file here (made only if their
    record must be written)."""
    problems = Problems()
    allow = public_allowlist(cat)
    entries = {}
    for case in cases:
        view = _case_view(case, cat)
        if view is None:
            log.warning("%s: no tracking record (code or received date missing or invalid)", case.path)
            continue
        name = "" if case.name.endswith("某") or case.name == "匿名" else case.name  # purged: 王某
        names = [name, pii.given_name_of(name)] if name else []
        detector = pii.Detector(names=names, phones=[case.phone] if case.phone else [], allow=allow)
        made = _record(view, cat.suggestions.get(view.code), cat.settings)
        record, events = made
        for day, kind, label, note in events:
            for finding in detector.scan(note or ""):
                field = NOTE_FIELDS.get(kind, kind)
                context = pii.snippet(detector.last_text, finding.start, finding.end)
                problems.add(case.path, field,
                             f"{day} 的“{label}”含有{finding.label}：{context}"
                             "，查询进度页面是公开的，请删除后重新生成",
                             f"the {kind} note of {day} contains a {pii.KIND_EN[finding.kind]}; "
                             "status pages are public: remove it and build again")
        entries[view.code] = (digest(json.dumps(record, ensure_ascii=False, sort_keys=True)),
                              lambda made=made: made)
    for suggestion in cat.suggestions.many(sorted(set(codes) - set(entries))):
        entries[suggestion.code] = (suggestion.static_digest,
                                    lambda s=suggestion: _record(s, s, cat.settings))
    problems.raise_if_any()
    return entries


def write_status_records(site, cat, cases, codes, keys):
    """Call after the sitemap is written: the records are deliberately not
    in it. ``codes``: status_codes; ``keys``: StatusKeys."""
    entries = _entries(cat, cases, codes)
    keys = keys.result(sorted(entries))
    made = {}

    def record(code):  # the JSON and the page of a record, made once
        if code not in made:
            made[code] = entries[code][1]()
        return made[code]

    def as_json(code):
        return (json.dumps(record(code)[0], ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")

    def page(code):
        data, events = record(code)
        return dict(record=data, events=events,
                    deadline=datetime.date.fromisoformat(data["deadline"]) if data["deadline"] else None,
                    track_salt=SALT, track_iterations=ITERATIONS, track_key_length=KEY_LENGTH)

    ordered = sorted(entries)
    site.files(ordered, save_as=lambda code: f"{RECORD_DIR}/{keys[code]}.json", make=as_json,
               key=lambda code: entries[code][0], affinity=str, owner=lambda code: f"status:{code}")
    site.pages("track_status", ordered, save_as=lambda code: f"{RECORD_DIR}/{keys[code]}.html", context=page,
               key=lambda code: entries[code][0], affinity=str, owner=lambda code: f"status:{code}")
    return len(ordered)


__all__ = ["status_key", "write_track_page", "write_status_records", "collect"]
