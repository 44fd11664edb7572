"""Full-text search: the Pagefind index of the built site (``output/pagefind/``).

Pagefind's extended binary (the ``pagefind[extended]`` package) reads the
built HTML and writes a static index that the search page (``/search/``)
queries in the browser; it segments Chinese, so 道路 finds 通组道路. Only
the parts of pages marked ``data-pagefind-body`` are indexed (the detail
pages: suggestions, deputies, stations, reception days, units, news and
pages); listings, statistics, bulletins, notices, 404 and tracking pages
carry no mark and are left out.

The index is built after the site, so the pages are live first. It is never
left half-written: Pagefind writes into ``output/.pagefind-new/`` (a dot
directory: the deploy skips it), the result is checked, and only then is it
swapped with ``output/pagefind/`` in one rename. A failed or interrupted
run leaves the previous index as it was and raises ``SearchIndexError``;
the next build tries again. When no HTML file changed since the last
successful index (paths, sizes and modification times: the writer touches
only files whose bytes change), nothing is done.

Pagefind's ready-made UI bundles (``pagefind-ui.js`` …) are removed from
the output: the portal has its own small search script, and those bundles
carry their translators' e-mail addresses, which the PII guard would
rightly refuse.
"""

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

INDEX_DIR = "pagefind"
NEW_DIR = ".pagefind-new"
OLD_DIR = ".pagefind-old"
STAMP_NAME = "search-index.json"
# What runs Pagefind (tests replace it to simulate failures).
COMMAND = [sys.executable, "-m", "pagefind"]
TIMEOUT = 600  # seconds
# Files of Pagefind's bundle that the portal does not use.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
REQUIRED = ("pagefind.js", "pagefind-entry.json")


class SearchIndexError(RuntimeError):
    """Indexing failed; the previous index (if any) is still in place."""

    def report(self):
        return (f"搜索索引未更新（网站已生成，原有索引保留不变，下次生成时将重试）/ search index not updated "
                f"(the site is built; the previous index is kept and the next build retries): {self}")


@dataclass
class Result:
    status: str          # "indexed" or "unchanged"
    pages: int = 0       # pages in the index
    seconds: float = 0.0

    def summary(self):
        if self.status == "unchanged":
            return "搜索索引无需更新 / search index up to date"
        return f"搜索索引已更新：{self.pages} 页，{self.seconds:.1f} 秒 / search index: {self.pages} pages in {self.seconds:.1f}s"


def html_fingerprint(output):
    """A digest of every HTML file's path, size and modification time (the
    index's own directories excluded), plus the Pagefind version."""
    output = Path(output)
    h = hashlib.sha256(_pagefind_version().encode())
    for dirpath, dirnames, filenames in os.walk(output):
        top = Path(dirpath) == output
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (top and d == INDEX_DIR))
        for name in sorted(filenames):
            if name.endswith((".html", ".htm")):
                path = Path(dirpath) / name
                st = path.stat()
                h.update(f"{path.relative_to(output).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _pagefind_version():
    try:
        from importlib.metadata import version
        return version("pagefind")
    except Exception:  # noqa: BLE001 - not installed: indexing will say so
        return "?"


def index_pages(output):
    """Pages in the live index (0 when there is none)."""
    try:
        entry = json.loads((Path(output) / INDEX_DIR / "pagefind-entry.json").read_text("utf-8"))
        return sum(lang.get("page_count", 0) for lang in entry.get("languages", {}).values())
    except (OSError, ValueError, AttributeError):
        return 0


def update_index(output, cache_dir, force=False):
    """Index ``output`` into ``output/pagefind/`` unless no HTML changed since
    the last successful run; return a Result. Raise SearchIndexError on
    failure, with the previous index untouched."""
    output, cache_dir = Path(output), Path(cache_dir)
    stamp_path = cache_dir / STAMP_NAME
    live = output / INDEX_DIR
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _lock(cache_dir / "search-index.lock"):
        _recover(output)
        fingerprint = html_fingerprint(output)
        if not force and _read_stamp(stamp_path) == fingerprint and all((live / n).is_file() for n in REQUIRED):
            return Result("unchanged", index_pages(output))
        started = time.perf_counter()
        new = output / NEW_DIR
        shutil.rmtree(new, ignore_errors=True)
        try:
            _run_pagefind(output, new)
            _check(new)
            for name in UNUSED:
                (new / name).unlink(missing_ok=True)
            _swap(new, live)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        shutil.rmtree(new, ignore_errors=True)   # after the exchange: the previous index
        shutil.rmtree(output / OLD_DIR, ignore_errors=True)
        tmp = stamp_path.with_name(stamp_path.name + ".tmp")
        tmp.write_text(json.dumps({"html": fingerprint}), "utf-8")
        os.replace(tmp, stamp_path)
        return Result("indexed", index_pages(output), time.perf_counter() - started)


def _read_stamp(path):
    try:
        return json.loads(path.read_text("utf-8")).get("html")
    except (OSError, ValueError, AttributeError):
        return None


def _run_pagefind(output, target):
    command = [*COMMAND, "--site", str(output), "--output-path", str(target), "--silent"]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError as err:
        raise SearchIndexError(f"找不到 Pagefind / Pagefind not found ({err}); "
                               "pip install 'pagefind[extended]>=1.5'") from err
    except subprocess.TimeoutExpired as err:
        raise SearchIndexError(f"Pagefind 超过 {TIMEOUT} 秒未完成 / Pagefind timed out") from err
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit status {proc.returncode}"
        raise SearchIndexError(f"Pagefind 失败 / Pagefind failed ({how})" + (": " + " | ".join(detail) if detail else ""))


def _check(new):
    """The new index is complete enough to serve: its entry file names the
    metadata file of each language, and that file exists."""
    missing = [n for n in REQUIRED if not (new / n).is_file()]
    if missing:
        raise SearchIndexError(f"Pagefind 未写出 {', '.join(missing)} / Pagefind wrote no {', '.join(missing)}")
    try:
        entry = json.loads((new / "pagefind-entry.json").read_text("utf-8"))
        languages = entry["languages"]
        for code, lang in languages.items():
            if not (new / f"pagefind.{lang['hash']}.pf_meta").is_file():
                raise SearchIndexError(f"索引不完整 / incomplete index: no metadata for language {code}")
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise SearchIndexError(f"索引入口文件无法读取 / unreadable pagefind-entry.json ({err})") from err


def _swap(new, live):
    """Put ``new`` in place of ``live`` in one step: an exchange where the
    system has one (Linux renameat2), so ``live`` is never missing; else
    two renames (``_recover`` repairs an interruption between them)."""
    if not live.exists():
        os.rename(new, live)
        return
    if _exchange(new, live):
        return
    old = live.parent / OLD_DIR
    shutil.rmtree(old, ignore_errors=True)
    os.rename(live, old)
    os.rename(new, live)
    # ``old`` is removed by the caller


def _recover(output):
    """After an interruption between the two renames of ``_swap``: the
    previous index goes back in place."""
    live, old = output / INDEX_DIR, output / OLD_DIR
    if old.is_dir() and not live.exists():
        os.rename(old, live)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a, b):
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False   # the file system cannot exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


class _lock:
    """One indexer at a time per cache directory (``invoke up`` and a
    manual ``invoke build`` may overlap)."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.fh = open(self.path, "a+")
        try:
            import fcntl
            fcntl.flock(self.fh, fcntl.LOCK_EX)
        except ImportError:  # not POSIX: no lock
            pass
        return self

    def __exit__(self, *exc):
        self.fh.close()
