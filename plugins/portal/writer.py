"""The one place that writes the portal's output files.

Every file goes through ``SiteWriter``: ``page`` (a template), ``file``
(bytes, or a function making them), ``pages`` (one page per item of a
family, e.g. every suggestion) and ``joined`` (a large file made of one
fragment per item, e.g. ``data/suggestions.json``). Each is told the page's
inputs; its fingerprint (fingerprint.py) is compared with the last build's
and, when equal, nothing is rendered. What must be made is queued, and
``finish`` makes it:

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
  changed items are made again;
- files that an earlier build wrote and this one did not are removed.

The state (fingerprints, hashes, the detector each file was scanned with,
the fragments of joined files) is kept in the cache directory, outside the
output, as a base file and a delta of what changed since (a small rebuild
writes a few entries, not every file's again). It names the output
directory it describes (device and inode):
for a new or re-created output directory no hash is trusted, and made
files are compared with the bytes on disk instead. (Files deleted by hand
inside the output are not noticed: delete the cache directory too, or the
whole output, to make everything again.)
"""

import gc
import hashlib
import io
import os
import pickle
import time
import traceback
import zlib
from pathlib import Path

from pelican.writers import FileOverwriteFailedError, Writer

from .fingerprint import digest, inputs_key

PARALLEL_MIN = 600  # jobs; below this, forking costs more than it saves ...
PARALLEL_MIN_SECONDS = 0.3  # ... unless the pages to make took this long last time
COSTLY = 0.003  # seconds: a file that took longer to make has its time kept for the next build
MERGE_SHARE = 0.1  # the state's delta is merged into its base once it holds this share of the files
# A separator containing one of these cannot be crossed by any pattern of
# the personal-data detector (pii.py), so fragments can be scanned alone.
BREAKERS = set(",;{}<>\"")
WINDOW = 96  # characters scanned on each side of a fragment boundary otherwise


def content_hash(data):
    return hashlib.sha256(data).hexdigest()


class Job:
    """One file (or fragment) to make. Jobs with the same ``affinity`` (an
    item's key) are made by the same process, so what they share (a
    suggestion's record for the JSON, the CSV and the Open311 files) is
    worked out once."""

    __slots__ = ("kind", "save_as", "template", "make", "fingerprint", "affinity")

    def __init__(self, kind, save_as, template, make, fingerprint, affinity=None):
        self.kind, self.save_as, self.template, self.make, self.fingerprint = (
            kind, save_as, template, make, fingerprint)
        self.affinity = affinity


class Join:
    __slots__ = ("save_as", "head", "tail", "sep", "parts", "fingerprint")

    def __init__(self, save_as, head, tail, sep, parts, fingerprint):
        self.save_as, self.head, self.tail, self.sep, self.parts = save_as, head, tail, sep, parts
        self.fingerprint = fingerprint


class SiteWriter:
    def __init__(self, output_path, get_template, base_context, state_path, basis, scanner=None,
                 workers=None):
        self.output = Path(output_path)
        self.output_str = str(self.output)
        self.folders = set()  # directories known to exist
        self.get_template = get_template
        self.base = base_context
        self.state_path = Path(state_path)
        self.basis = basis
        self.scanner = scanner          # piiguard.Scanner, or None: nothing is scanned
        self.stamp = scanner.stamp if scanner else ""
        self.workers = workers or min(os.cpu_count() or 1, 4)
        self.delta_path = self.state_path.with_name(self.state_path.name + ".delta")
        state = self._load_state()
        self.output.mkdir(parents=True, exist_ok=True)
        st = self.output.stat()
        self.token = f"{st.st_dev}:{st.st_ino}:{self.output.resolve()}"
        self.trusted = bool(state) and state.get("token") == self.token
        self.previous = state.get("files", {}) if self.trusted else {}
        self.previous_joins = state.get("joins", {}) if self.trusted else {}
        # What the delta on disk holds (changes since the base), carried into the next delta.
        self.delta = state.get("delta", ({}, {})) if self.trusted else ({}, {})
        self.costs = state.get("costs", {}) if self.trusted else {}  # save_as -> seconds, costly files
        self.produced = {}              # save_as -> (fingerprint, hash, pii stamp), this build
        self.jobs, self.joins = [], []
        self.findings = []              # (save_as, Finding, snippet)
        self.written = self.unchanged = self.skipped = self.rendered = 0
        self.child_peak_rss_kb = 0

    def _load_state(self):
        """The base state with its delta applied ({} when unreadable: then
        no hash is trusted). The delta names the base it applies to (its
        size and modification time): a delta beside another base is ignored."""
        state = _read_pickle(self.state_path)
        try:
            files, joins = state["files"], state["joins"]
            delta = _read_pickle(self.delta_path)
            if isinstance(delta, dict) and delta.get("base") == _file_stamp(self.state_path) \
                    and delta.get("token") == state.get("token"):
                for target, changes in ((files, delta["files"]), (joins, delta["joins"])):
                    for save_as, entry in changes.items():
                        if entry is None:
                            target.pop(save_as, None)
                        else:
                            target[save_as] = entry
                state["delta"] = (delta["files"], delta["joins"])
                state["costs"] = delta.get("costs", {})
            return state
        except (KeyError, TypeError, AttributeError, ValueError):
            return {}  # none, or written by another version

    @staticmethod
    def url_of(save_as):
        return save_as[: -len("index.html")] if save_as.endswith("index.html") else save_as

    # -- declaring files ----------------------------------------------------

    def _claim(self, save_as, fingerprint):
        """True when the file of the last build stands (same fingerprint)."""
        if save_as in self.produced:
            raise ValueError(f"two pages want to be written to {save_as}")
        old = self.previous.get(save_as)
        if old is not None and old[0] == fingerprint:
            self.produced[save_as] = old
            self.skipped += 1
            if old[2] != self.stamp and self.scanner is not None:
                # Scanned by another detector (new private names or phones): read it again.
                path = self.output / save_as
                self.jobs.append(Job("rescan", save_as, None, path.read_bytes, fingerprint))
            return True
        self.produced[save_as] = None  # made in finish()
        return False

    def page(self, save_as, template, inputs=(), context=None, **kwargs):
        """Render ``template`` to ``save_as`` unless nothing it depends on
        changed. ``context``: a function returning the template's variables
        (called only when the page is rendered), or give them as keywords."""
        fingerprint = digest(self.basis.of(template), save_as, inputs_key(inputs))
        if self._claim(save_as, fingerprint):
            return
        make = context if context is not None else (lambda: kwargs)
        self.jobs.append(Job("page", save_as, template, make, fingerprint))

    def pages(self, template, items, save_as, context, key=None, affinity=None):
        """One page per item: ``save_as(item)``, ``context(item)``; an
        item's page depends on ``key(item)`` (default: its render_digest)."""
        basis = self.basis.of(template)
        for item in items:
            path = save_as(item)
            fingerprint = f"{basis}:{key(item) if key else item.render_digest}"
            if self._claim(path, fingerprint):
                continue
            self.jobs.append(Job("page", path, template, (lambda item=item: context(item)), fingerprint,
                                 affinity(item) if affinity else None))

    def files(self, items, save_as, make, key=None, affinity=None):
        """One file per item: ``save_as(item)``, bytes ``make(item)``; it
        depends on ``key(item)`` (default: the item's render_digest)."""
        basis = self.basis.site
        for item in items:
            path = save_as(item)
            fingerprint = f"{basis}:{key(item) if key else item.render_digest}"
            if self._claim(path, fingerprint):
                continue
            self.jobs.append(Job("file", path, None, (lambda item=item: make(item)), fingerprint,
                                 affinity(item) if affinity else None))

    def file(self, save_as, data, inputs=()):
        """Bytes, or a function making them (called only when ``inputs``
        changed). Given bytes, the fingerprint is their hash."""
        if callable(data):
            fingerprint = digest(self.basis.site, save_as, inputs_key(inputs))
            make = data
        else:
            fingerprint = digest(self.basis.site, save_as, content_hash(data))
            make = (lambda data=data: data)
        if self._claim(save_as, fingerprint):
            return
        self.jobs.append(Job("file", save_as, None, make, fingerprint))

    def joined(self, save_as, head, parts, tail=b"", sep=b"\n"):
        """``head`` + fragments joined by ``sep`` + ``tail``; ``parts``:
        [(item key, fingerprint, function making the fragment's bytes)]."""
        fingerprint = digest(self.basis.site, save_as, content_hash(head), content_hash(tail), sep,
                             digest(*(f"{k}\x01{f}" for k, f, _ in parts)))
        if self._claim(save_as, fingerprint):
            return
        self.joins.append(Join(save_as, head, tail, sep, parts, fingerprint))

    def copy_tree(self, source, target):
        """Copy the files under ``source`` (the theme's static files) to
        ``target`` in the output."""
        source = Path(source)
        if not source.is_dir():
            return
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            self.file(f"{target}/{path.relative_to(source).as_posix()}", path.read_bytes())

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
        if old is not None and old[1] == h:
            same = True
        elif not self.trusted:
            try:
                with open(path, "rb") as fh:
                    same = fh.read() == data
            except FileNotFoundError:
                same = existed = False
        else:
            same, existed = False, old is not None
        if same and old is not None and old[1] == h and old[2] == self.stamp:
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

    def _run(self, jobs):
        """Results of ``jobs`` in order (``_do``'s and the seconds each
        took), made on every core when many."""
        workers = self.workers
        costs = [self.costs.get(job.save_as, 0.0) for job in jobs] if len(jobs) < PARALLEL_MIN else None
        if workers < 2 or (costs is not None and sum(costs) < PARALLEL_MIN_SECONDS):
            return [self._timed(job) for job in jobs]
        share = [[] for _ in range(workers)]
        if costs is None:
            for i, job in enumerate(jobs):
                share[zlib.crc32(job.affinity.encode()) % workers if job.affinity else i % workers].append(i)
        else:
            # Few jobs, but a few long lists and tallies can take most of a
            # small rebuild: shared out by what they took last time, longest first.
            loads = [0.0] * workers
            for i in sorted(range(len(jobs)), key=lambda i: -costs[i]):
                k = loads.index(min(loads))
                share[k].append(i)
                loads[k] += costs[i] + 1e-4
        for name in {job.template for job in jobs if job.template}:
            self.get_template(name)  # compiled once, shared by the children
        gc.collect()
        gc.freeze()  # the children share the parent's objects: leave their pages alone
        children = []
        try:
            for k in range(1, workers):
                read, write = os.pipe()
                pid = os.fork()
                if pid == 0:  # child: make its share of the jobs, send the results back
                    os.close(read)
                    try:
                        result = ("ok", [self._timed(jobs[i]) for i in share[k]])
                    except BaseException:  # noqa: BLE001 - reported by the parent
                        result = ("error", traceback.format_exc())
                    with os.fdopen(write, "wb") as fh:
                        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    os._exit(0)
                os.close(write)
                children.append((k, pid, read))
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
                for i, result in zip(share[k], value):
                    results[i] = result
            if errors:
                raise RuntimeError("a build process failed:\n" + "\n".join(errors))
            return results
        finally:
            gc.unfreeze()

    def finish(self):
        """Make what is queued, splice joined files, remove files no longer
        produced and save the state. Returns the number removed."""
        part_jobs, part_index = [], []
        for join in self.joins:
            previous = self.previous_joins.get(join.save_as)
            old = {(k, f) for k, f, _ in previous["parts"]} if previous else set()
            for i, (key, fp, make) in enumerate(join.parts):
                if (key, fp) not in old:
                    part_index.append((join, i))
                    part_jobs.append(Job("part", join.save_as, None, make, fp, key))
        jobs = self.jobs + part_jobs
        results = self._run(jobs)
        self.rendered += len(self.jobs)
        for job, (status, h, findings, _, seconds) in zip(self.jobs, results):
            self._record(job.save_as, job.fingerprint, status, h, findings)
            if seconds >= COSTLY:
                self.costs[job.save_as] = seconds
            else:
                self.costs.pop(job.save_as, None)
        made = {}
        for (join, i), (_, _, findings, data, _) in zip(part_index, results[len(self.jobs):]):
            made[(join.save_as, i)] = data
            self.findings += findings
        joins_state = {}
        for join in self.joins:
            state = self._splice(join, made)
            if state is not None:
                joins_state[join.save_as] = state
        for save_as in list(self.previous_joins):
            if save_as in self.produced and save_as not in joins_state:
                joins_state[save_as] = self.previous_joins[save_as]  # unchanged
        removed = 0
        for save_as in self.previous:
            if save_as not in self.produced:
                try:
                    (self.output / save_as).unlink()
                    removed += 1
                except FileNotFoundError:
                    pass
        self._save_state(joins_state)
        return removed

    def _save_state(self, joins_state):
        """A delta (every change since the base) while it stays small, else
        a new base and no delta."""
        previous, previous_joins = self.previous, self.previous_joins
        delta_files, delta_joins = dict(self.delta[0]), dict(self.delta[1])
        delta_files.update((k, v) for k, v in self.produced.items() if v is not None and previous.get(k) != v)
        delta_files.update((k, None) for k in previous if self.produced.get(k) is None)
        delta_joins.update((k, v) for k, v in joins_state.items() if previous_joins.get(k) is not v)
        delta_joins.update((k, None) for k in previous_joins if k not in joins_state)
        costs = {k: v for k, v in self.costs.items() if k in self.produced}
        base = _file_stamp(self.state_path)
        if self.trusted and base is not None and len(delta_files) <= MERGE_SHARE * max(len(self.produced), 1):
            if (delta_files, delta_joins) != self.delta:
                delta = {"base": base, "token": self.token, "files": delta_files, "joins": delta_joins,
                         "costs": costs}
                _replace(self.delta_path, pickle.dumps(delta, protocol=pickle.HIGHEST_PROTOCOL))
            return
        files = {k: v for k, v in self.produced.items() if v is not None}
        state = {"token": self.token, "files": files, "joins": joins_state, "costs": costs}
        _replace(self.state_path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
        self.delta_path.unlink(missing_ok=True)

    def _record(self, save_as, fingerprint, status, h, findings):
        if status in ("refused", "missing"):
            self.findings += findings
            del self.produced[save_as]  # not in the output: made again by the next build
            return
        self.produced[save_as] = (fingerprint, h, self.stamp)
        if status == "written":
            self.written += 1
        else:
            self.unchanged += 1

    def _splice(self, join, made):
        """Write a joined file from the fragments made now and the unchanged
        spans of its previous bytes, which the kernel copies
        (copy_file_range) without them passing through Python; return its
        state. Its hash is that of its structure (head, separator, tail,
        each fragment's key, fingerprint and length): the same structure
        means the same bytes, and it needs no pass over the whole file."""
        path = self.output / join.save_as
        previous = self.previous_joins.get(join.save_as)
        offsets = {}
        if previous and any((join.save_as, i) not in made for i in range(len(join.parts))):
            offsets = self._previous_offsets(path, previous)
            if offsets is None:
                # Not the file the last build wrote: every fragment is made again.
                offsets = {}
                for i, (_, _, make) in enumerate(join.parts):
                    if (join.save_as, i) not in made:
                        made[(join.save_as, i)] = data = make()
                        self.findings += self._scan(join.save_as, data)
        # The file as a list of segments: bytes, or (start, end) in the old file;
        # old fragments that follow one another there are one span with their separators.
        segments, new_parts, sep = [join.head], [], join.sep
        same_sep = bool(previous) and previous["sep"] == sep  # what lies between old fragments
        for i, (key, fp, _) in enumerate(join.parts):
            data = made.get((join.save_as, i))
            if i:
                segments.append(sep)
            if data is not None:
                segments.append(data)
                new_parts.append((key, fp, len(data)))
                continue
            start, length = offsets[(key, fp)]
            last = segments[-2] if i else None
            if same_sep and isinstance(last, tuple) and last[1] + len(sep) == start:
                segments[-2:] = [(last[0], start + length)]  # the separator too
            else:
                segments.append((start, start + length))
            new_parts.append((key, fp, length))
        segments.append(join.tail)
        h = digest("joined", join.head, sep, join.tail, *(f"{k}\x01{f}\x01{n}" for k, f, n in new_parts))
        old = self.previous.get(join.save_as)
        same = old is not None and old[1] == h and path.exists()
        if self.scanner is not None:
            self._scan_edges(join, path if offsets else None, offsets, made)
        if any(f[0] == join.save_as for f in self.findings):
            del self.produced[join.save_as]  # not written: made whole again by the next build
            return None
        if same:
            self.unchanged += 1
        else:
            _write_segments(path, segments)
            self.written += 1
        self.produced[join.save_as] = (join.fingerprint, h, self.stamp)
        st = path.stat()
        return {"hash": h, "head": join.head, "sep": sep, "parts": new_parts,
                "written": (st.st_size, st.st_mtime_ns)}

    @staticmethod
    def _previous_offsets(path, previous):
        """{(key, fingerprint): (start, length)} of the fragments in the file
        the last build wrote, or None if the file is not that one (its size
        or modification time differ, or it is gone)."""
        try:
            st = path.stat()
        except OSError:
            return None
        if (st.st_size, st.st_mtime_ns) != previous.get("written"):
            return None
        offsets, position = {}, len(previous["head"])
        for key, fp, length in previous["parts"]:
            offsets[(key, fp)] = (position, length)
            position += length + len(previous["sep"])
        return offsets

    def _scan_edges(self, join, old_path, offsets, made):
        """The head and tail, and the boundaries next to new fragments when
        the separator does not stop every pattern (an unchanged neighbour
        is read back from the old file, ``old_path``)."""
        self.findings += self._scan(join.save_as, join.head + join.tail)
        if BREAKERS & set(join.sep.decode("utf-8", "replace")):
            return
        parts = join.parts
        fresh = [(join.save_as, i) in made for i in range(len(parts))]
        if not any(fresh):
            return
        with open(old_path, "rb") if old_path else io.BytesIO() as old:
            def fragment(i):
                if fresh[i]:
                    return made[(join.save_as, i)]
                start, length = offsets[parts[i][:2]]
                return os.pread(old.fileno(), length, start)
            for i in range(len(parts) + 1):
                if not (i > 0 and fresh[i - 1]) and not (i < len(parts) and fresh[i]):
                    continue
                left = join.head if i == 0 else fragment(i - 1)
                right = join.tail if i == len(parts) else fragment(i)
                window = left[-WINDOW * 4:] + join.sep + right[:WINDOW * 4]
                self.findings += self._scan(join.save_as, window)


def _write_segments(path, segments):
    """Write ``segments`` (bytes, or (start, end) spans of the file now at
    ``path``) to a new file that then replaces it in one rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    spans = any(isinstance(x, tuple) for x in segments)
    # Unbuffered: the kernel's copies and these writes share the file offset.
    with open(path, "rb") if spans else io.BytesIO() as old, open(tmp, "wb", buffering=0) as out:
        for segment in segments:
            if not isinstance(segment, tuple):
                _write_all(out, segment)
                continue
            start, end = segment
            while start < end:
                done = _copy_range(old, out, start, end - start)
                if done <= 0:
                    raise OSError(f"{path} is shorter than the last build left it")
                start += done
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


def _read_pickle(path):
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        return None


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
