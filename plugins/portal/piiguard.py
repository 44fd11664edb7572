"""The build's last step: no personal data in the output.

After Pelican has written everything (the ``finalized`` signal), every text
file under the output directory -- HTML, JSON, XML, ICS, CSV, TXT, JS, CSS,
whatever it is called -- is scanned once with one precompiled detector
(``pii.Detector``) for

- phone numbers, ID-card numbers and e-mail addresses in any disguise the
  detector knows (full-width digits, split digits, HTML entities, JSON
  escapes, attributes);
- the full names of citizens in the private case files (``name``, at least
  two characters, unless the same name is a public deputy's or a station
  head's: two people can share a name, and the public one must stay
  printable) and their phone numbers in any form (``phone``).

Any finding fails the build with a ContentError whose problems name the
output file and the match (no traceback). Public contacts are excepted only
by the explicit allowlist: the stations' phones in ``content/stations`` and
the ``PORTAL_PII_ALLOW`` setting. There is no switch to turn the guard off.

Binary files (images, PDFs with compressed streams) are skipped: a file is
text when it has no NUL byte and decodes as UTF-8.

A file that scanned clean is not read again while its size and modification
time are unchanged and the detector is the same (its code, the private
names and phones, the allowlist): the portal writes only files whose bytes
changed, so a rebuild scans what it wrote. The record is kept in the cache
directory; a file with a finding is never recorded, so it fails every build
until it is fixed.
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
    # A purged case keeps "王某" (surname + 某): not a name to look for.
    names = sorted({c.name for c in cases if len(c.name) >= 2 and c.name not in public_names
                    and not c.name.endswith("某") and c.name != "匿名"})
    phones = sorted({c.phone for c in cases if c.phone})
    return pii.Detector(names=names, phones=phones, allow=allow), public_names


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
    problems = Problems()
    findings = scan_output(output, detector, clean)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = state_file.with_name(state_file.name + ".tmp")
    tmp.write_text(json.dumps({"detector": stamp, "clean": clean}), "utf-8")
    os.replace(tmp, state_file)
    for rel, finding, context in findings:
        problems.add(output / rel, finding.label,
                     f"输出文件含有{finding.describe()}：{context}。公开网站不能出现电话、身份证号、邮箱或群众姓名，"
                     "请在对应的内容或案卷中删除后重新生成",
                     f"the output contains a {pii.KIND_EN[finding.kind]} {finding.match!r}; remove it "
                     "from the content it comes from and build again")
    log.info("PII guard: %d finding(s) in %.0f ms", len(problems), (time.perf_counter() - started) * 1000)
    return problems


def run(pelican):
    """``finalized`` signal handler: fail the build on any finding."""
    problems = check(pelican.settings)
    if problems:
        raise ContentError(problems)
