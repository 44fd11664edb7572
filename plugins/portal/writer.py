"""The one place that writes the portal's output files.

Every file goes through ``SiteWriter``: ``page`` (a template), ``file``
(bytes, or a function making them), ``pages`` and ``files`` (one per item
of a family, e.g. every suggestion) and ``joined`` (a large file made of
one fragment per item, e.g. ``data/suggestions.json``). Each file belongs
to an *owner* (catalog.py) and is told its inputs; its fingerprint
(fingerprint.py) is compared with the last build's and, when equal,
nothing is rendered. What must be made is queued, and ``finish`` makes it:

- on every core when there is much to do (a cold build), by forking: the
  children share the catalog, the templates and the queue, and send back
  only what they made (hashes, findings, fragments);
- every made file is scanned for personal data in memory (``pii``) before
  it is written, and a file with a finding is not written at all: the
  build fails and names it (piiguard.py);
- a file is written only when its bytes changed (its hash is kept), so an
  unchanged page keeps its modification time and a deploy uploads only
  what changed;
- a joined file is spliced from its previous bytes: only the fragments of
  changed items are made again, the rest is copied by the kernel;
- an owner declared in a build is declared whole: its files that this
  build did not declare again are removed. The files of owners not
  declared at all are left as they are -- that is how a small change
  touches a few owners' files and nothing else.

The state (each file's owner, fingerprint, hash, the detector it was
scanned with; each joined file's fragments) is kept in the build's store
(store.py), outside the output, with the output directory it describes
(device and inode): for a new or re-created output directory no hash is
trusted, and made files are compared with the bytes on disk instead.
(Files deleted by hand inside the output are not noticed: delete the
cache directory too, or the whole output, to make everything again.)
"""

import gc
import hashlib
import io
import os
import pickle
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from itertools import groupby
from pathlib import Path

from pelican.writers import FileOverwriteFailedError, Writer

from .fingerprint import digest, inputs_key

PARALLEL_MIN_SECONDS = 0.05  # of work expected: below this, forking costs more than it saves
COSTLY = 0.003  # seconds: a file that took longer to make has its time kept for the next build
TYPICAL = {"page": 0.003, "file": 0.001, "part": 0.0002, "rescan": 0.0005}  # seconds, a file's time unknown
# A separator containing one of these cannot be crossed by any pattern of
# the personal-data detector (pii.py), so fragments can be scanned alone.
BREAKERS = set(",;{}<>\"")
WINDOW = 96  # characters scanned on each side of a fragment boundary otherwise
WRITE_BATCH = 256  # fragments of a joined file written with one call


def content_hash(data):
    return hashlib.sha256(data).hexdigest()


class Job:
    """One file (or fragment) to make. Jobs with the same ``affinity`` (an
    item's key) are made by the same process, so what they share (a
    suggestion's record for the JSON, the CSV and the Open311 files) is
    worked out once."""

    __slots__ = ("kind", "save_as", "owner", "template", "make", "fingerprint", "affinity")

    def __init__(self, kind, save_as, owner, template, make, fingerprint, affinity=None):
        self.kind, self.save_as, self.owner, self.template, self.make = kind, save_as, owner, template, make
        self.fingerprint, self.affinity = fingerprint, affinity


class Join:
    """A joined file: ``parts`` (key, sort key, fingerprint, make) that may
    have changed, ``drop`` keys gone, ``full`` every part (see ``joined``)."""

    __slots__ = ("save_as", "owner", "head", "tail", "sep", "parts", "drop", "full", "descending",
                 "previous", "makes", "entries", "removed", "inserted")

    def __init__(self, save_as, owner, head, tail, sep, parts, drop, full, descending):
        self.save_as, self.owner, self.head, self.tail, self.sep = save_as, owner, head, tail, sep
        self.parts, self.drop, self.full, self.descending = parts, drop, full, descending


class SiteWriter:
    def __init__(self, output_path, get_template, base_context, store, basis, scanner=None, everything=True,
                 owners=(), workers=None):
        """``everything``: every owner is declared in this build (its files
        not declared are removed); else ``owners`` are the owners whose
        files may have changed, besides those declared."""
        self.output = Path(output_path)
        self.output_str = str(self.output)
        self.folders = set()  # directories known to exist
        self.get_template = get_template
        self.base = base_context
        self.store = store
        self.basis = basis
        self.scanner = scanner          # piiguard.Scanner, or None: nothing is scanned
        self.stamp = scanner.stamp if scanner else ""
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.output.mkdir(parents=True, exist_ok=True)
        st = self.output.stat()
        self.token = f"{st.st_dev}:{st.st_ino}:{self.output.resolve()}"
        self.trusted = store.get("output") == self.token
        self.everything = everything or not self.trusted
        self.owners = set(owners)
        self.declared = {}              # save_as -> Job (kind "page" or "file"), this build
        self.joins = []
        self.declared_owners = set()
        self.previous = None            # save_as -> (owner, fingerprint, hash, pii, cost), of what was declared
        self.produced = {}              # save_as -> (owner, fingerprint, hash), written or standing
        self.findings = []              # (save_as, Finding, snippet)
        self.written = self.unchanged = self.skipped = self.rendered = self.removed = 0
        self.child_peak_rss_kb = 0
        self.extras = []                # what build processes make besides files: take() there, put() here

    @staticmethod
    def url_of(save_as):
        return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as

    # -- declaring files ----------------------------------------------------

    def _declare(self, job):
        if job.save_as in self.declared:
            raise ValueError(f"two pages want to be written to {job.save_as}")
        self.declared[job.save_as] = job
        self.declared_owners.add(job.owner)

    def page(self, save_as, template, inputs=(), context=None, *, owner, affinity=None, **kwargs):
        """Render ``template`` to ``save_as`` unless nothing it depends on
        changed. ``context``: a function returning the template's variables
        (called only when the page is rendered), or give them as keywords;
        pages of one ``affinity`` are made by one process (they share work)."""
        fingerprint = digest(self.basis.of(template), save_as, inputs_key(inputs))
        make = context if context is not None else (lambda: kwargs)
        self._declare(Job("page", save_as, owner, template, make, fingerprint, affinity))

    def pages(self, template, items, save_as, context, *, owner, key=None, affinity=None):
        """One page per item: ``save_as(item)``, ``context(item)``, owned by
        ``owner(item)``; it depends on ``key(item)`` (default: its render_digest)."""
        basis = self.basis.of(template)
        for item in items:
            fingerprint = f"{basis}:{key(item) if key else item.render_digest}"
            self._declare(Job("page", save_as(item), owner(item), template, (lambda item=item: context(item)),
                              fingerprint, affinity(item) if affinity else None))

    def files(self, items, save_as, make, *, owner, key=None, affinity=None):
        """One file per item: ``save_as(item)``, bytes ``make(item)``, owned
        by ``owner(item)``; it depends on ``key(item)`` (default: the item's render_digest)."""
        basis = self.basis.site
        for item in items:
            fingerprint = f"{basis}:{key(item) if key else item.render_digest}"
            self._declare(Job("file", save_as(item), owner(item), None, (lambda item=item: make(item)),
                              fingerprint, affinity(item) if affinity else None))

    def file(self, save_as, data, inputs=(), *, owner):
        """Bytes, or a function making them (called only when ``inputs``
        changed). Given bytes, the fingerprint is their hash."""
        if callable(data):
            fingerprint = digest(self.basis.site, save_as, inputs_key(inputs))
            make = data
        else:
            fingerprint = digest(self.basis.site, save_as, content_hash(data))
            make = (lambda data=data: data)
        self._declare(Job("file", save_as, owner, None, make, fingerprint))

    def joined(self, save_as, head, tail=b"", sep=b"\n", *, owner, parts, drop=(), full=None, descending=False):
        """``head`` + fragments joined by ``sep`` + ``tail``, the fragments
        in the order of their sort keys (``descending``: the reverse).
        ``parts``: (key, sort key, fingerprint, function making the bytes)
        of the items that may have changed since the last build -- every
        item when ``full`` is None; ``drop``: keys no longer there; ``full``:
        a function giving every part, called when the file cannot be spliced
        onto what the last build wrote (there is none, or it is another)."""
        self.declared_owners.add(owner)
        self.joins.append(Join(save_as, owner, head, tail, sep, list(parts), set(drop), full, descending))

    def copy_tree(self, source, target, *, owner):
        """Copy the files under ``source`` (the theme's static files) to
        ``target`` in the output."""
        source = Path(source)
        if not source.is_dir():
            return
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            self.file(f"{target}/{path.relative_to(source).as_posix()}", path.read_bytes(), owner=owner)

    # -- what the output holds ---------------------------------------------------

    def _all_declared(self):
        return set(self.declared) | {j.save_as for j in self.joins}

    def _stale(self, declared):
        """Files of the last build that this one removes: every file not
        declared again when everything is declared, else those of the
        changed and the declared owners."""
        if not self.trusted:
            return []
        if self.everything:
            return [s for (s,) in self.store.db.execute("SELECT save_as FROM page") if s not in declared]
        return [s for (s,) in self.store.select_in("SELECT save_as FROM page WHERE owner IN",
                                                   self.owners | self.declared_owners) if s not in declared]

    def page_changes(self):
        """(added, removed): the files the declarations so far add to the
        output and remove from it (the sitemap's change, discovery.py)."""
        declared = self._all_declared()
        known = {s for (s,) in self.store.select_in("SELECT save_as FROM page WHERE save_as IN", declared)} \
            if self.trusted else set()
        return sorted(declared - known), self._stale(declared)

    def existing(self):
        """Every file the output holds after this build (as declared so far)."""
        declared = self._all_declared()
        if self.everything or not self.trusted:
            return declared
        kept = {s for (s,) in self.store.db.execute("SELECT save_as FROM page")}
        return (kept - set(self._stale(declared))) | declared

    # -- making files -----------------------------------------------------------

    def _render(self, job):
        if job.kind == "page":
            local = dict(self.base)
            local.update(job.make(), page_url=self.url_of(job.save_as), output_file=job.save_as)
            return self.get_template(job.template).render(local).encode("utf-8")
        return job.make()

    def _scan(self, save_as, data):
        if self.scanner is None:
            return []
        return self.scanner.scan_bytes(save_as, data)

    def _timed(self, job):
        started = time.perf_counter()
        return (*self._do(job), time.perf_counter() - started)

    def _do(self, job):
        """Make one queued file: (status, hash, findings, fragment bytes)."""
        try:
            data = self._render(job)
        except FileNotFoundError:
            if job.kind != "rescan":
                raise
            return ("missing", None, [], None)  # removed by hand: made again by the next build
        if job.kind == "part":
            return ("part", None, self._scan(job.save_as, data), data)
        h = content_hash(data)
        old = self.previous.get(job.save_as)
        path = os.path.join(self.output_str, job.save_as)
        existed = True
        if old is not None and old[2] == h:
            same = True
        elif not self.trusted:
            try:
                with open(path, "rb") as fh:
                    same = fh.read() == data
            except FileNotFoundError:
                same = existed = False
        else:
            same, existed = False, old is not None
        if same and old is not None and old[2] == h and old[3] == self.stamp:
            return ("unchanged", h, [], None)  # the same bytes, already scanned by this detector
        findings = self._scan(job.save_as, data)
        if findings:
            return ("refused", h, findings, None)
        if same:
            return ("unchanged", h, [], None)
        self._write(path, data, existed)
        return ("written", h, [], None)

    def _write(self, path, data, existed):
        """A new file is written in place; one that exists is replaced in one
        rename, so a reader never sees it half written."""
        folder = os.path.dirname(path)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        if not existed:
            try:
                with open(path, "xb") as fh:
                    fh.write(data)
                return
            except FileExistsError:
                pass
        tmp = os.path.join(folder, f".{os.path.basename(path)}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def _run(self, jobs, meanwhile=None):
        """Results of ``jobs`` in order (``_do``'s and the seconds each
        took), made on every core when there is enough to do. Jobs are
        shared out by what they took last time (a page never made before
        counts as a typical one), longest first, those with the same
        affinity together. ``meanwhile`` is called before this process
        makes its share, after any fork (it may start threads)."""
        workers = self.workers
        costs = [max(self._cost(job.save_as), TYPICAL[job.kind]) for job in jobs]
        if workers < 2 or len(jobs) < 2 or sum(costs) < PARALLEL_MIN_SECONDS:
            if meanwhile is not None:
                meanwhile()
            return [self._timed(job) for job in jobs]
        units = {}
        for i, job in enumerate(jobs):
            unit = units.setdefault(job.affinity or i, [0.0, []])
            unit[0] += costs[i]
            unit[1].append(i)
        share, loads = [[] for _ in range(workers)], [0.0] * workers
        for cost, indexes in sorted(units.values(), key=lambda u: -u[0]):
            k = loads.index(min(loads))
            share[k] += indexes
            loads[k] += cost
        for name in {job.template for job in jobs if job.template}:
            self.get_template(name)  # compiled once, shared by the children
        gc.freeze()  # the children share the parent's objects: leave their pages alone
        children = []
        try:
            for k in range(1, workers):
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:  # child: make its share of the jobs, send the results back
                    os.close(read)
                    try:
                        result = ("ok", ([self._timed(jobs[i]) for i in share[k]], [x.take() for x in self.extras]))
                    except BaseException:  # noqa: BLE001 - reported by the parent
                        result = ("error", traceback.format_exc())
                    with os.fdopen(write, "wb") as fh:
                        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    os._exit(0)
                os.close(write)
                children.append((k, pid, read))
            if meanwhile is not None:
                meanwhile()
            results = [None] * len(jobs)
            for i in share[0]:
                results[i] = self._timed(jobs[i])
            errors = []
            for k, pid, read in children:
                with os.fdopen(read, "rb") as fh:
                    payload = fh.read()
                _, status, usage = os.wait4(pid, 0)
                self.child_peak_rss_kb = max(self.child_peak_rss_kb, usage.ru_maxrss)
                try:
                    kind, value = pickle.loads(payload)
                except (pickle.PickleError, EOFError, ValueError):
                    kind, value = "error", f"a build process ended with status {status}"
                if kind == "error":
                    errors.append(value)
                    continue
                made, extras = value
                for i, result in zip(share[k], made):
                    results[i] = result
                for extra, data in zip(self.extras, extras):
                    extra.put(data)
            if errors:
                raise RuntimeError("a build process failed:\n" + "\n".join(errors))
            return results
        finally:
            gc.unfreeze()

    def _cost(self, save_as):
        old = self.previous.get(save_as)
        return (old[4] or 0.0) if old else 0.0

    def finish(self):
        """Make what is declared and changed, splice joined files, remove
        the files of declared owners that were not declared again, and
        record the state in the store (the caller commits). Returns the
        number of files removed."""
        db = self.store.db
        declared = self._all_declared()
        if not self.trusted:
            self.previous = {}
            db.execute("DELETE FROM page")  # the rows describe another output directory
            db.execute("DELETE FROM joined")
        elif self.everything or len(declared) > 10_000:
            self.previous = {row[0]: row[1:] for row in db.execute(
                "SELECT save_as, owner, fingerprint, hash, pii, cost FROM page")}
        else:
            self.previous = {row[0]: row[1:] for row in self.store.select_in(
                "SELECT save_as, owner, fingerprint, hash, pii, cost FROM page WHERE save_as IN", declared)}
        self.stale = self._stale(declared)
        jobs = []
        for save_as, job in self.declared.items():
            old = self.previous.get(save_as)
            if old is not None and old[1] == job.fingerprint:
                self.skipped += 1
                self.produced[save_as] = (job.owner, job.fingerprint, old[2])
                if old[3] != self.stamp and self.scanner is not None:
                    # Scanned by another detector (new private names or phones): read it again.
                    jobs.append(Job("rescan", save_as, job.owner, None, (self.output / save_as).read_bytes,
                                    job.fingerprint))
            else:
                jobs.append(job)
        if self.scanner is not None and self.trusted and not self.everything:
            # Files no owner declared: scanned again when the detector changed.
            joined, stale = {j.save_as for j in self.joins}, set(self.stale)
            for save_as, owner, fingerprint, h in db.execute(
                    "SELECT save_as, owner, fingerprint, hash FROM page WHERE pii != ?", (self.stamp,)).fetchall():
                if save_as not in self.declared and save_as not in joined and save_as not in stale:
                    self.previous[save_as] = (owner, fingerprint, h, None, None)
                    jobs.append(Job("rescan", save_as, owner, None, (self.output / save_as).read_bytes, fingerprint))
        # The fragments first: the joined files are then written (the kernel
        # copying their unchanged spans) while the pages are made.
        part_jobs = [job for join in self.joins for job in self._join_jobs(join)]
        made = {}
        for job, (_, _, findings, data, _) in zip(part_jobs, self._run(part_jobs)):
            made[(job.save_as, job.affinity)] = data
            self.findings += findings
        splices = [plan for plan in (self._splice(join, made) for join in self.joins) if plan is not None]
        writes = [(plan[0], plan[1]) for plan in splices if plan[1] is not None]
        pool = ThreadPoolExecutor(max_workers=max(1, min(len(writes), os.cpu_count() or 1)))
        written = []
        try:
            results = self._run(jobs, meanwhile=lambda: written.extend(
                pool.submit(_write_segments, *write) for write in writes))
        finally:
            pool.shutdown()
        for future in written:
            future.result()
        rows = []
        for job, (status, h, findings, _, seconds) in zip(jobs, results):
            if status in ("refused", "missing"):
                self.findings += findings
                self.produced.pop(job.save_as, None)  # not in the output: made again by the next build
                db.execute("DELETE FROM page WHERE save_as = ?", (job.save_as,))
                continue
            if job.kind != "rescan":
                self.rendered += 1
                self.written += status == "written"
                self.unchanged += status == "unchanged"
            self.produced[job.save_as] = (job.owner, job.fingerprint, h)
            old = self.previous.get(job.save_as)
            cost = seconds if job.kind != "rescan" else (old[4] if old else None)
            rows.append((job.save_as, job.owner, job.fingerprint, h, self.stamp,
                         cost if cost and cost >= COSTLY else None))
        rows += [self._record_splice(*plan[2:]) for plan in splices]
        db.executemany("INSERT OR REPLACE INTO page (save_as, owner, fingerprint, hash, pii, cost) "
                       "VALUES (?, ?, ?, ?, ?, ?)", rows)
        for save_as in self.stale:
            try:
                (self.output / save_as).unlink()
                self.removed += 1
            except FileNotFoundError:
                pass
        db.executemany("DELETE FROM page WHERE save_as = ?", [(s,) for s in self.stale])
        db.executemany("DELETE FROM joined WHERE save_as = ?", [(s,) for s in self.stale])
        self.store.put("output", self.token)
        return self.removed

    # -- joined files ------------------------------------------------------------------
    #
    # A joined file is head + fragments joined by sep + tail, its fragments in
    # sort-key order (reversed when descending). The store keeps each
    # fragment's key, sort key, fingerprint and length (joined_part), so a
    # small rebuild works with the positions of the fragments that changed
    # only: the count and the total length of the fragments before a sort key
    # give its byte offset, and everything between two changes is one span
    # of the old file, copied by the kernel.

    def _join_layout(self, join):
        """The last build's layout of the file, if it can be spliced onto."""
        if not self.trusted:
            return None
        row = self.store.db.execute("SELECT data FROM joined WHERE save_as = ?", (join.save_as,)).fetchone()
        layout = pickle.loads(row[0]) if row else None
        if layout is None or (layout["head"], layout["sep"], layout["descending"]) != (
                join.head, join.sep, join.descending):
            return None  # none, or another layout: nothing of the old file is used
        if _file_stamp(self.output / join.save_as) != layout["written"]:
            return None  # not the file the last build wrote: made whole again
        return layout

    def _join_jobs(self, join):
        """The fragments of ``join`` to make. A whole list of parts (or a file
        that cannot be spliced) is laid out again, copying the fragments that
        stand; otherwise the changed parts are set in place."""
        db = self.store.db
        join.previous = layout = self._join_layout(join)
        parts = join.parts
        if join.full is not None and layout is None:
            parts, join.drop, join.full = list(join.full()), set(), None
        join.makes = {key: make for key, _, _, make in parts}
        if join.full is None:  # the whole list
            old = {}
            if layout is not None:
                for key, fp, length in db.execute("SELECT key, fp, length FROM joined_part WHERE save_as = ?",
                                                  (join.save_as,)):
                    old[key] = (fp, length)
            entries = sorted((sortkey, key, fp) for key, sortkey, fp, _ in parts)
            if join.descending:
                entries.reverse()
            join.entries = [(s, k, f, old[k][1] if old.get(k, (None,))[0] == f else None) for s, k, f in entries]
            todo = [(k, f) for _, k, f, n in join.entries if n is None]
        else:
            olds = {key: (sortkey, fp, length, h) for key, sortkey, fp, length, h in self.store.select_in(
                "SELECT key, sortkey, fp, length, h FROM joined_part WHERE save_as = ? AND key IN",
                [*join.makes, *join.drop], params=(join.save_as,))}
            changed = [(key, sortkey, fp) for key, sortkey, fp, _ in parts
                       if olds.get(key, (None, None))[:2] != (sortkey, fp)]
            join.removed = [(key, *olds[key]) for key in {k for k, _, _ in changed} | set(join.drop) if key in olds]
            join.inserted = changed
            todo = [(k, f) for k, _, f in changed]
        return [Job("part", join.save_as, join.owner, None, join.makes[key], fp, key) for key, fp in todo]

    def _splice(self, join, made):
        """How to write a joined file from the fragments made now and the
        spans of its previous bytes, which the kernel copies (copy_file_range)
        without them passing through Python: (path, segments or None when its
        bytes stand, what ``_record_splice`` takes); None when it is not
        written. Its hash is that of its structure (head, separator, tail and
        a sum over the fragments of a hash of each one's key, sort key,
        fingerprint and length): the same structure means the same bytes, and
        it needs no pass over the file."""
        db, save_as = self.store.db, join.save_as
        path = self.output / save_as
        layout = join.previous
        if join.full is None:
            segments, windows, rows = self._whole(join, made, layout)
            count, total_h = len(rows), sum(row[5] for row in rows)
        else:
            segments, windows, rows = self._spliced(join, made, layout)
            count = layout["count"] - len(join.removed) + len(rows)
            total_h = layout["sum"] - sum(r[4] for r in join.removed) + sum(row[5] for row in rows)
        h = digest("joined", join.head, join.sep, join.tail, count, total_h)
        if self.scanner is not None:
            self.findings += self._scan(save_as, join.head + join.tail)
            if not BREAKERS & set(join.sep.decode("utf-8", "replace")):
                for window in windows:
                    self.findings += self._scan(save_as, window)
        if any(f[0] == save_as for f in self.findings):
            db.execute("DELETE FROM joined WHERE save_as = ?", (save_as,))
            db.execute("DELETE FROM joined_part WHERE save_as = ?", (save_as,))
            db.execute("DELETE FROM page WHERE save_as = ?", (save_as,))
            return None  # not written: made whole again by the next build
        old_row = self.previous.get(save_as)
        if old_row is not None and old_row[2] == h and path.exists():
            self.unchanged += 1
            segments = None
        else:
            self.written += 1
        return path, segments, join, rows, count, total_h, h

    def _record_splice(self, join, rows, count, total_h, h):
        """Keep the written joined file's parts and layout; return its page row."""
        db, save_as, path = self.store.db, join.save_as, self.output / join.save_as
        if join.full is None:
            db.execute("DELETE FROM joined_part WHERE save_as = ?", (save_as,))
        else:
            db.executemany("DELETE FROM joined_part WHERE save_as = ? AND key = ?",
                           [(save_as, r[0]) for r in join.removed])
        db.executemany("INSERT INTO joined_part (save_as, key, sortkey, fp, length, h) VALUES (?, ?, ?, ?, ?, ?)",
                       rows)
        st = path.stat()
        layout = {"head": join.head, "sep": join.sep, "descending": join.descending, "count": count,
                  "sum": total_h, "written": (st.st_size, st.st_mtime_ns)}
        db.execute("INSERT OR REPLACE INTO joined (save_as, data) VALUES (?, ?)",
                   (save_as, pickle.dumps(layout, protocol=pickle.HIGHEST_PROTOCOL)))
        self.produced[save_as] = (join.owner, h, h)
        return (save_as, join.owner, h, h, self.stamp, None)

    def _whole(self, join, made, layout):
        """(segments, edge windows, part rows) of a file laid out whole."""
        offsets = {}
        if layout is not None:
            order = "DESC" if layout["descending"] else "ASC"
            position, step = len(layout["head"]), len(layout["sep"])
            for key, length in self.store.db.execute(
                    f"SELECT key, length FROM joined_part WHERE save_as = ? ORDER BY sortkey {order}",
                    (join.save_as,)):
                offsets[key] = position
                position += length + step
        segments, rows, sep = [join.head], [], join.sep
        fresh = []
        for i, (sortkey, key, fp, length) in enumerate(join.entries):
            if i:
                segments.append(sep)
            if length is None:
                data = made[(join.save_as, key)]
                segments.append(data)
                length = len(data)
                fresh.append(len(segments) - 1)
            else:
                start = offsets[key]
                last = segments[-2] if i else None
                if isinstance(last, tuple) and last[1] + len(sep) == start:
                    segments[-2:] = [(last[0], start + length)]  # the separator too
                else:
                    segments.append((start, start + length))
            rows.append((join.save_as, key, sortkey, fp, length, _part_hash(key, sortkey, fp, length)))
        segments.append(join.tail)
        return segments, self._windows(join, segments, fresh), rows

    def _spliced(self, join, made, layout):
        """(segments, edge windows, part rows) of a file whose changed parts
        are set in place: old fragments removed, new ones inserted where their
        sort keys fall (positions in the old file's order)."""
        db, save_as, sep = self.store.db, join.save_as, join.sep
        cmp = ">" if join.descending else "<"

        def before(sortkey):  # (index, total length) of the old fragments before sortkey, in file order
            count, total = db.execute(f"SELECT count(*), coalesce(sum(length), 0) FROM joined_part "
                                      f"WHERE save_as = ? AND sortkey {cmp} ?", (save_as, sortkey)).fetchone()
            return count, total
        n, total = layout["count"], db.execute("SELECT coalesce(sum(length), 0) FROM joined_part WHERE save_as = ?",
                                               (save_as,)).fetchone()[0]
        lengths = {0: 0, n: total}  # index -> total length of the old fragments before it
        events = []  # (old index, 0: insert before it / 1: skip it, what)
        for key, sortkey, fp, length, _ in join.removed:
            i, before_i = before(sortkey)
            lengths[i], lengths[i + 1] = before_i, before_i + length
            events.append((i, 1, key))
        rows = []
        for key, sortkey, fp in join.inserted:
            i, before_i = before(sortkey)
            lengths[i] = before_i
            data = made[(save_as, key)]
            rows.append((save_as, key, sortkey, fp, len(data), _part_hash(key, sortkey, fp, len(data))))
            events.append((i, 0, (sortkey, data)))
        # At one place: the inserts first, in file order, then the old fragment skipped.
        events.sort(key=lambda e: (e[0], e[1]))
        ordered = []
        for _, group in groupby(events, key=lambda e: (e[0], e[1])):
            group = list(group)
            if group[0][1] == 0:
                group.sort(key=lambda e: e[2][0], reverse=join.descending)
            ordered += group
        head, step = len(layout["head"]), len(sep)

        def offset(i):
            return head + lengths[i] + i * step
        chunks, cursor = [], 0
        for i, kind, what in ordered:
            if i > cursor:
                chunks.append((offset(cursor), offset(i) - step))
            cursor = max(cursor, i)
            if kind == 0:
                chunks.append(what[1])
            else:
                cursor = i + 1
        if cursor < n:
            chunks.append((offset(cursor), offset(n) - step))
        segments, fresh = [join.head], []
        for i, chunk in enumerate(chunks):
            if i:
                segments.append(sep)
            segments.append(chunk)
            if not isinstance(chunk, tuple):
                fresh.append(len(segments) - 1)
        segments.append(join.tail)
        return segments, self._windows(join, segments, fresh), rows

    def _windows(self, join, segments, fresh):
        """Text on both sides of each new fragment, for the personal-data
        scan when the separator does not stop every pattern (an unchanged
        neighbour is read back from the old file)."""
        if not fresh or BREAKERS & set(join.sep.decode("utf-8", "replace")):
            return []
        path = self.output / join.save_as
        with open(path, "rb") if path.exists() else io.BytesIO() as old:
            def text(segment, tail):
                if not isinstance(segment, tuple):
                    return segment[-WINDOW * 4:] if tail else segment[:WINDOW * 4]
                start, end = segment
                start = max(start, end - WINDOW * 4) if tail else start
                return os.pread(old.fileno(), min(end - start, WINDOW * 4), start)
            windows = []
            for j in fresh:
                left = b"".join(text(s, True) for s in segments[max(0, j - 2):j])
                right = b"".join(text(s, False) for s in segments[j + 1:j + 3])
                windows.append(left[-WINDOW * 4:] + segments[j] + right[:WINDOW * 4])
            return windows


def _part_hash(key, sortkey, fp, length):
    """40 bits standing for one fragment and its place (summed into its file's
    hash: the fragments and their sort keys make the file)."""
    data = f"{key}\x01{sortkey}\x01{fp}\x01{length}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=5).digest(), "big")


def _write_segments(path, segments):
    """Write ``segments`` (bytes, or (start, end) spans of the file now at
    ``path``) to a new file that then replaces it in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    spans = any(isinstance(x, tuple) for x in segments)
    # Unbuffered: the kernel's copies and these writes share the file offset.
    with open(path, "rb") if spans else io.BytesIO() as old, open(tmp, "wb", buffering=0) as out:
        pending = []  # fragments written with one call: a cold build makes 20,000 of each file
        for segment in segments:
            if not isinstance(segment, tuple):
                pending.append(segment)
                if len(pending) == WRITE_BATCH:
                    _write_all(out, b"".join(pending))
                    pending.clear()
                continue
            _write_all(out, b"".join(pending))
            pending.clear()
            start, end = segment
            while start < end:
                done = _copy_range(old, out, start, end - start)
                if done <= 0:
                    raise OSError(f"{path} is shorter than the last build left it")
                start += done
        _write_all(out, b"".join(pending))
    os.replace(tmp, path)


def _copy_range(source, target, start, count):
    """Copy bytes at ``start`` of ``source`` to where ``target`` stands, in
    the kernel where it can (Linux), else through a buffer."""
    if hasattr(os, "copy_file_range"):
        try:
            return os.copy_file_range(source.fileno(), target.fileno(), count, start)
        except OSError:
            pass  # another file system or platform: copied below
    data = os.pread(source.fileno(), min(count, 1 << 24), start)
    _write_all(target, data)
    return len(data)


def _write_all(target, data):
    """An unbuffered write may take only part of ``data``."""
    view = memoryview(data)
    while view:
        view = view[target.write(view):]


def _file_stamp(path):
    """(size, modification time) of ``path``, None when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _replace(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class _WriteIfChanged(io.StringIO):
    """What Pelican's writer writes a page to: on close, the file is
    replaced only when its bytes differ, and a replaced file is noted for
    the personal-data guard."""

    written = []  # paths replaced in this process, read by piiguard

    def __init__(self, path, encoding):
        super().__init__()
        self.path, self.encoding_ = Path(path), encoding

    def close(self):
        if self.closed:
            return
        data = self.getvalue().encode(self.encoding_)
        super().close()
        if str(self.path) == os.devnull:
            return
        try:
            if self.path.read_bytes() == data:
                return
        except FileNotFoundError:
            pass
        _replace(self.path, data)
        _WriteIfChanged.written.append(self.path)


class PelicanWriter(Writer):
    """Pelican's own writer (news and ordinary pages), changed to keep an
    unchanged file untouched like ``SiteWriter`` does. Same bookkeeping as
    ``Writer._open_w``; only the final write differs."""

    def _open_w(self, filename, encoding, override=False):
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            filename = os.devnull
        elif filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{filename}" as Pelican has already written to it previously')
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _WriteIfChanged(filename, encoding)
