"""The build's guarantee: no personal data in the output.

Every file the build makes -- HTML, JSON, XML, ICS, CSV, TXT, JS, CSS,
whatever it is called -- is scanned by one precompiled detector
(``pii.Detector``) before it is written (writer.py scans in memory, on
every core), and so is every file Pelican's own generators write (news,
pages, static files). The detector looks for

- phone numbers, ID-card numbers and e-mail addresses in any disguise it
  knows (full-width digits, split digits, HTML entities, JSON escapes,
  attributes);
- the full names of citizens in the private case files (``name``, at least
  two characters, unless the same name is a public deputy's or a station
  head's: two people can share a name, and the public one must stay
  printable) and their phone numbers in any form (``phone``).

A file with a finding is not written, and the build fails with a
ContentError whose problems name the output file and the match (no
traceback). Public contacts are excepted only by the explicit allowlist:
the stations' phones in ``content/stations`` and the ``PORTAL_PII_ALLOW``
setting. There is no switch to turn the guard off.

Binary files (images, PDFs with compressed streams) are skipped: a file is
text when it has no NUL byte and decodes as UTF-8.

An unchanged file is not scanned again while the detector is the same (its
code, the private names and phones, the allowlist): the writer records
which detector passed each file, and a new one (a newly pulled case, say)
makes the build read every file again. Files Pelican writes are recorded by
size and modification time in the cache directory.

``check`` scans a whole output directory the same way, for use outside a
build (and by the tests).
"""

import hashlib
import json
import logging
import multiprocessing
import os
import time
from pathlib import Path

from . import casefiles, pii
from .problems import ContentError, Problems
from .source import split_header

log = logging.getLogger(__name__)


def _content_meta(settings, kind):
    root = Path(settings["PATH"]) / settings["PORTAL_DIRS"][kind]
    if not root.is_dir():
        return []
    metas = []
    for path in sorted(root.rglob("*.md")):
        meta, _, _ = split_header(path.read_bytes().decode("utf-8-sig", "replace").replace("\r\n", "\n"))
        metas.append(meta)
    return metas


def _value(meta, key):
    value = meta.get(key)
    return (" ".join(value) if isinstance(value, list) else value or "").strip()


def detector_for(settings, cases=None):
    """The guard's detector: private names and phones of the inbox, public
    contacts allowed. Returns (detector, public_names)."""
    cases = casefiles.read_inbox(settings) if cases is None else cases
    stations = _content_meta(settings, "stations")
    public_names = {_value(m, "name") for m in _content_meta(settings, "deputies")}
    public_names |= {_value(m, "head") for m in stations}
    public_names.discard("")
    allow = [_value(m, "phone") for m in stations if _value(m, "phone")]
    allow += list(settings.get("PORTAL_PII_ALLOW") or [])
    return _detector(cases, public_names, allow), public_names


class Scanner:
    """The detector of one build, with its stamp (what the writer records).

    Most of a page's lines are the same on every page (the head, the
    header, the footer), so each *solid* line -- one that, spaces aside,
    begins with ``<`` and ends with ``>`` -- is scanned once per build: no
    pattern of the detector can cross a ``<`` or ``>`` (none of them has
    either in its character classes, before or after unfolding), so a
    match is either inside such a line or entirely outside it, and a line
    found clean is clean wherever it stands. A page is scanned with every
    line already known clean replaced by ``<>``; only when that finds
    something (or the page mentions UUIDs, which the
    detector treats page-wide) is the whole page scanned, so that the
    findings are exactly those of scanning the whole page."""

    MEMO_LINE = 300      # longer lines are seldom repeated: not remembered
    MEMO_SIZE = 300_000  # lines remembered at most

    def __init__(self, detector):
        self.detector = detector
        self.stamp = _detector_stamp(detector)[:16]
        self.clean_lines = set()

    def scan_bytes(self, rel, data):
        """[(relative path, Finding, snippet)] in the bytes of one file."""
        if b"\0" in data:
            return []
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return []
        if "\n" in text and "uuid" not in text and "UUID" not in text:
            clean = self.clean_lines
            lines = text.split("\n")
            # A known line becomes "<>": as uncrossable as the line it stands for.
            rest = "\n".join(["<>" if line in clean else line for line in lines])
            if not self.detector.scan(rest):
                if len(clean) > self.MEMO_SIZE:
                    clean.clear()
                for line in lines:
                    if len(line) <= self.MEMO_LINE and line not in clean:
                        stripped = line.strip()
                        if stripped[:1] == "<" and stripped[-1:] == ">":
                            clean.add(line)
                return []
        return [(rel, finding, pii.snippet(self.detector.last_text, finding.start, finding.end))
                for finding in self.detector.scan(text)]


def scanner_for(settings, cat, cases):
    """The build's scanner, from the catalog already read (no file is read
    again): the inbox's private names and phones, public names and contacts."""
    public_names, allow = cat.public_contacts()
    allow += list(settings.get("PORTAL_PII_ALLOW") or [])
    return Scanner(_detector(cases, public_names, allow))


def _detector(cases, public_names, allow):
    # A purged case keeps "王某" (surname + 某): not a name to look for.
    names = sorted({c.name for c in cases if len(c.name) >= 2 and c.name not in public_names
                    and not c.name.endswith("某") and c.name != "匿名"})
    phones = sorted({c.phone for c in cases if c.phone})
    return pii.Detector(names=names, phones=phones, allow=allow)


def text_files(output):
    for path in sorted(Path(output).rglob("*")):
        if path.is_file():
            yield path


def _detector_stamp(detector):
    h = hashlib.sha256()
    for part in (detector.names, detector.phones, detector.allow_digits):
        h.update(json.dumps(sorted(part), ensure_ascii=False).encode())
    for name in ("pii.py", "piiguard.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


PARALLEL_THRESHOLD = 2000  # files; below this, starting processes costs more than it saves
_worker_detector = None


def _scan_in_worker(item):
    path, rel = item
    return _scan_file(Path(path), rel, _worker_detector)


def scan_output(output, detector, clean=None):
    """[(relative path, Finding, snippet)] for every finding in the output.
    ``clean`` ({relative path: [mtime_ns, size]} of files already found
    clean by this detector) is updated in place; those files are skipped.
    Many files (a cold build) are scanned on every core."""
    global _worker_detector
    output = Path(output)
    todo, stamps, seen = [], {}, set()
    for path in text_files(output):
        rel = path.relative_to(output).as_posix()
        seen.add(rel)
        st = path.stat()
        stamps[rel] = [st.st_mtime_ns, st.st_size]
        if clean is None or clean.get(rel) != stamps[rel]:
            todo.append((str(path), rel))
    workers = min(os.cpu_count() or 1, 4)
    if len(todo) >= PARALLEL_THRESHOLD and workers > 1:
        _worker_detector = detector
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_scan_in_worker, todo, chunksize=64)
        _worker_detector = None
    else:
        results = [_scan_file(Path(path), rel, detector) for path, rel in todo]
    found = []
    for (_, rel), findings in zip(todo, results):
        found += findings
        if clean is not None:
            if findings:
                clean.pop(rel, None)
            else:
                clean[rel] = stamps[rel]
    if clean is not None:
        for rel in set(clean) - seen:
            del clean[rel]
    return found


def _scan_file(path, rel, detector):
    data = path.read_bytes()
    if b"\0" in data:
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    return [(rel, finding, pii.snippet(detector.last_text, finding.start, finding.end))
            for finding in detector.scan(text)]


def _problems(output, findings):
    problems = Problems()
    for rel, finding, context in findings:
        problems.add(Path(output) / rel, finding.label,
                     f"输出文件含有{finding.describe()}：{context}。公开网站不能出现电话、身份证号、邮箱或群众姓名，"
                     "请在对应的内容或案卷中删除后重新生成",
                     f"the output contains a {pii.KIND_EN[finding.kind]} {finding.match!r}; remove it "
                     "from the content it comes from and build again")
    return problems


def check(settings, cases=None):
    """Problems for every finding in the output of ``settings``."""
    started = time.perf_counter()
    detector, _ = detector_for(settings, cases)
    output = Path(settings["OUTPUT_PATH"])
    state_file = Path(settings.get("CACHE_PATH") or "cache") / "pii-guard.json"
    stamp = _detector_stamp(detector)
    try:
        state = json.loads(state_file.read_text("utf-8"))
        clean = state["clean"] if state.get("detector") == stamp else {}
    except (OSError, ValueError, KeyError):
        clean = {}
    findings = scan_output(output, detector, clean)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = state_file.with_name(state_file.name + ".tmp")
    tmp.write_text(json.dumps({"detector": stamp, "clean": clean}), "utf-8")
    os.replace(tmp, state_file)
    problems = _problems(output, findings)
    log.info("PII guard: %d finding(s) in %.0f ms", len(problems), (time.perf_counter() - started) * 1000)
    return problems


def _pelican_files(context, settings, writer_written):
    """Output files of Pelican's own generators: its pages and news, what
    its writer replaced in this build, and the static files it copied."""
    from .discovery import pelican_pages
    # Absolute: Pelican's writer names its files by absolute path, while
    # OUTPUT_PATH may be relative.
    output = Path(settings["OUTPUT_PATH"]).absolute()
    files = {output / p for p in pelican_pages(context, settings)}
    files |= {Path(p).absolute() for p in writer_written}
    files |= {output / s.save_as for s in context.get("staticfiles", []) if getattr(s, "save_as", None)}
    return sorted(p for p in files if p.is_file())


def run(pelican):
    """``finalized`` signal handler: fail the build on any finding."""
    import gc
    from .generator import REPORT
    from .writer import _WriteIfChanged
    gc.unfreeze()
    report = pelican.settings.get(REPORT)
    if report is None or report.skipped_output:
        return  # nothing changed at all: nothing to scan
    output = Path(pelican.settings["OUTPUT_PATH"])
    findings = list(report.findings)
    # Pelican's files: scanned when new, changed or last passed by another detector.
    scanner = report.scanner
    state_file = Path(pelican.settings.get("CACHE_PATH") or "cache") / "pii-guard-pelican.json"
    try:
        state = json.loads(state_file.read_text("utf-8"))
        clean = state["clean"] if state.get("detector") == scanner.stamp else {}
    except (OSError, ValueError, KeyError):
        clean = {}
    for path in _pelican_files(report.context, pelican.settings, _WriteIfChanged.written):
        rel = path.relative_to(output.absolute()).as_posix()
        st = path.stat()
        if clean.get(rel) == [st.st_mtime_ns, st.st_size]:
            continue
        found = scanner.scan_bytes(rel, path.read_bytes())
        findings += found
        if found:
            clean.pop(rel, None)
        else:
            clean[rel] = [st.st_mtime_ns, st.st_size]
    state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = state_file.with_name(state_file.name + ".tmp")
    tmp.write_text(json.dumps({"detector": scanner.stamp, "clean": clean}), "utf-8")
    os.replace(tmp, state_file)
    if findings:
        raise ContentError(_problems(output, findings))
