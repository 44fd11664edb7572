"""`invoke bench`: the build and intake measured on a generated fixture, side
by side with plain Pelican building the same suggestions as articles.

Every build runs in a child process, so its peak memory (RSS) is its own.
"Files written" and "files changed" are counted from modification times:
the portal writes a file only when its bytes change, so for the portal the
two counts are the same by construction; for plain Pelican they are not.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import textwrap
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-22"

PUBLISHED = """code: {code}
title: 基准测试新答复的意见
source: 群众意见
category: 交通出行
submitter: 李某
received: 2026-10-08
assigned: 2026-10-09
lead_unit: {unit}
answered: 2026-11-02
result: A

基准测试：村口道路破损，雨天积水，请求修复。

## 答复

经现场查看，已安排修复，预计本月完工。
"""


def _run_measured(code, env=None):
    """Like _child, but also the child's peak RSS (MB), via wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{stderr.decode()[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stdout.decode()


_removed_at = None  # time.monotonic() of the bench's last large deletion (_note_deletions)
MANY_DELETIONS = 5_000  # files replaced: fewer are not worth a minute's wait (the small fixture's 300)


def _remove(path):
    """Delete a tree an earlier run left, noting when (see _settle)."""
    if Path(path).exists():
        shutil.rmtree(path, ignore_errors=True)
        _note_deletions()


def _note_deletions():
    """Files were just deleted (or replaced): the next cold build waits (see _settle)."""
    global _removed_at
    _removed_at = time.monotonic()


def _deleted_inode_window():
    """Seconds during which ext4 without a journal (this machine's disk)
    passes over a freed inode when it makes a file, checking each one's
    deletion time: the dirty-page expiry, 30 s more while the inode's block
    is dirty (fs/ext4/ialloc.c, recently_deleted), and a margin."""
    try:
        with open("/proc/sys/vm/dirty_expire_centisecs") as fh:
            return int(fh.read()) / 100 + 30 + 2
    except (OSError, ValueError):
        return 62


def _settle():
    """Before a cold build: write back dirty pages, wait until the inodes of
    trees deleted just before are no longer "recently deleted", and, where
    allowed (root), drop the kernel's page, dentry and inode caches, so that
    every cold build (the portal's and Pelican's alike) starts from the same
    state. Measured here: a county cold build right after deleting the last
    run's 125,000 files took 37.7 s and 22 s of kernel time; a minute later,
    32.7 s and 15 s. On a machine that has made and deleted millions of files the
    dentry and inode caches grow to gigabytes and each mkdir slows several
    fold. Returns (whether the caches were dropped, seconds waited)."""
    os.sync()
    waited = 0.0
    if _removed_at is not None:
        waited = max(0.0, _removed_at + _deleted_inode_window() - time.monotonic())
        time.sleep(waited)
    try:
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True, waited
    except OSError:
        return False, waited


def _make_files(root, files):
    """Write (relative path, bytes) pairs under root, making folders once."""
    made = set()
    for rel, data in files:
        path = os.path.join(root, rel)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "xb") as fh:
            fh.write(data)


def _snapshot(root):
    """{relative path: mtime_ns} of every file under root."""
    result = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            result[os.path.relpath(path, root)] = os.stat(path).st_mtime_ns
    return result


def _changed(before, after):
    return sum(1 for k, v in after.items() if before.get(k) != v) + sum(1 for k in before if k not in after)


class Bench:
    def __init__(self, scale, work):
        self.scale = scale
        self.work = Path(work)
        self.records = []

    def record(self, name, value, unit):
        self.records.append({"name": name, "value": round(value, 4) if isinstance(value, float) else value,
                             "unit": unit, "scale": self.scale})
        print(f"  {name:<28} {value:>12.3f} {unit}" if isinstance(value, float)
              else f"  {name:<28} {value:>12} {unit}", flush=True)

    # -- the portal ---------------------------------------------------------

    def settle(self, name):
        dropped, waited = _settle()
        self.record(f"{name}_caches_dropped", int(dropped), "yes=1")
        self.record(f"{name}_waited_for_deleted_inodes_s", waited, "s")

    def portal_build(self, name, files_name=None, rss_name=None):
        """One build of the portal in a child process: records ``<name>_s``,
        the files whose bytes changed and the peak RSS (the child and the
        processes it forked, whichever was largest). Returns the seconds, that
        count and the output's files after it ({path: mtime_ns})."""
        code = textwrap.dedent(f"""
            from portal_tools import site
            site.build(path={str(self.content)!r}, output_path={str(self.output)!r},
                       cache_path={str(self.cache)!r}, portal_intake_data="", search=False)
        """)
        before = _snapshot(self.output) if self.output.exists() else {}
        # The last build's files written back first, else this build is timed while the
        # kernel writes them (a province publish during the writeback of 1.6 GB of
        # small files: 3.4 s, against 2.2 s after it).
        os.sync()
        seconds, rss, _ = _run_measured(code, {"PORTAL_TODAY": TODAY, "PORTAL_INBOX": str(self.inbox)})
        after = _snapshot(self.output)
        changed = _changed(before, after)
        self.record(f"{name}_s", seconds, "s")
        self.record(files_name or f"{name}_changed_files", changed, "files")
        self.record(rss_name or f"{name}_peak_rss_mb", rss, "MB")
        return seconds, changed, after

    def write_floor(self, paths):
        """The disk's share of a cold build: seconds to make the cold build's
        files (``paths``) again in a new directory, their bytes already in
        memory, on every core, from the same settled state. Nothing is
        rendered or scanned, so no build of this output can be faster on
        this machine. It runs after the warm builds: the caches it drops
        would slow them (a no-op build 0.69 s instead of 0.35 s). The bytes
        are held by the writing processes, not by the bench: every later
        child would report the bench's size as its peak RSS (exec keeps the
        high-water mark of the process forked to run it)."""
        _remove(self.floor_dir)
        workers = min(os.cpu_count() or 1, 4)
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        children = []
        for k in range(workers):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    os.close(ready_r)
                    os.close(go_w)
                    # A contiguous run of paths each: interleaved, the processes
                    # contend in the same folders (2-91 % more kernel time here).
                    mine = paths[len(paths) * k // workers:len(paths) * (k + 1) // workers]
                    files = [(rel, (self.output / rel).read_bytes()) for rel in mine]
                    os.write(ready_w, b".")
                    os.close(ready_w)  # with one failed before this, the bench reads EOF, not waits
                    if os.read(go_r, 1) == b".":
                        _make_files(self.floor_dir, files)
                        code = 0
                except BaseException:  # noqa: BLE001 - the parent fails the run
                    traceback.print_exc()
                finally:
                    os._exit(code)
            children.append(pid)
        os.close(ready_w)
        os.close(go_r)
        with os.fdopen(ready_r, "rb") as fh:
            fh.read(workers)  # every process has its bytes (or ended)
        self.settle("write_floor")
        started = time.perf_counter()
        with os.fdopen(go_w, "wb") as fh:
            fh.write(b"." * workers)
        failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
        seconds = time.perf_counter() - started
        if failed:
            raise RuntimeError("a process making the write floor's files failed")
        self.record("cold_write_floor_s", seconds, "s")

    def search_index(self):
        """Pagefind over the built site (after the pages are live)."""
        code = textwrap.dedent(f"""
            from portal_tools import search
            r = search.update_index({str(self.output)!r}, {str(self.cache)!r})
            print(r.pages)
        """)
        seconds, rss, out = _run_measured(code)
        self.record("search_index_s", seconds, "s")
        self.record("search_index_peak_rss_mb", rss, "MB")
        self.record("search_indexed_pages", int(out.strip().splitlines()[-1]), "pages")

    def run_portal(self, search=True, floor=True):
        from portal_tools import fixture
        source = self.work / "fixture"
        if not (source / "suggestions").exists():
            print(f"generating the {self.scale} fixture …", flush=True)
            fixture.generate(self.scale, source)
        self.content = self.work / "content"
        self.output = self.work / "output"
        self.cache = self.work / "cache"
        self.inbox = self.work / "inbox"
        self.floor_dir = self.work / "write-floor"  # see write_floor; kept until the next run
        for path in (self.content, self.output, self.cache, self.floor_dir):
            _remove(path)
        self.inbox.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, self.content)
        print("portal:", flush=True)
        self.settle("cold")
        cold, _, cold_files = self.portal_build("cold_build", "cold_files_written", "cold_peak_rss_mb")
        self.record("output_files", len(cold_files), "files")
        self.portal_build("noop_build", "noop_files_written")
        # Publish one new answered suggestion.
        sys.path.insert(0, str(ROOT / "intake"))
        from chalicelib import tracking
        unit = sorted(p.stem for p in (self.content / "units").glob("*.md"))[0]
        (self.content / "suggestions" / "bench-new.md").write_text(
            PUBLISHED.format(code=tracking.new_code(), unit=unit), "utf-8")
        publish, _, _ = self.portal_build("publish_one", "publish_changed_files")
        # Edit one deputy.
        deputy = sorted((self.content / "deputies").glob("*.md"))[0]
        text = deputy.read_text("utf-8")
        deputy.write_text(text.replace("occupation: ", "occupation: 基准测试修改 ", 1), "utf-8")
        self.portal_build("edit_deputy")
        self.run_template_change()
        if search:
            self.search_index()
        if floor:
            self.write_floor(sorted(cold_files))
        return cold, publish

    def run_template_change(self):
        template = ROOT / "theme" / "templates" / "suggestion.html"
        backup = template.read_text("utf-8")
        try:
            # Inside the content block: every suggestion page changes.
            head, _, tail = backup.rpartition("{% endblock %}")
            template.write_text(head + "<!-- bench -->{% endblock %}" + tail, "utf-8")
            _, changed, _ = self.portal_build("template_change")
            if changed >= MANY_DELETIONS:  # each page written again replaced the file before it
                _note_deletions()
        finally:
            template.write_text(backup, "utf-8")

    # -- plain Pelican ------------------------------------------------------

    def run_baseline(self):
        """Plain Pelican 4, default theme, content cache on, the same
        suggestions as ordinary articles (a date added from `received`)."""
        articles = self.work / "baseline" / "content"
        _remove(self.work / "baseline")
        articles.mkdir(parents=True)
        for path in sorted((self.work / "fixture" / "suggestions").rglob("*.md")):
            text = path.read_text("utf-8")
            received = next((line.split(":", 1)[1].strip() for line in text.split("\n")
                             if line.startswith("received:")), "2026-01-01")
            (articles / path.name).write_text(f"date: {received}\n{text}", "utf-8")
        settings = self.work / "baseline" / "pelicanconf.py"
        settings.write_text(textwrap.dedent(f"""
            SITENAME = "baseline"
            PATH = {str(articles)!r}
            OUTPUT_PATH = {str(self.work / 'baseline' / 'output')!r}
            CACHE_PATH = {str(self.work / 'baseline' / 'cache')!r}
            CACHE_CONTENT = True
            LOAD_CONTENT_CACHE = True
            TIMEZONE = "Asia/Shanghai"
            SLUGIFY_SOURCE = "basename"  # titles repeat; file names are unique
        """), "utf-8")
        code = f"""
import logging; logging.disable(logging.WARNING)
from pelican import Pelican
from pelican.settings import read_settings
Pelican(read_settings({str(settings)!r})).run()
"""
        out = self.work / "baseline" / "output"
        print("plain Pelican (baseline):", flush=True)
        self.settle("baseline")
        cold, rss, _ = _run_measured(code)
        self.record("baseline_cold_s", cold, "s")
        self.record("baseline_cold_peak_rss_mb", rss, "MB")
        before = _snapshot(out)
        touched = sorted(articles.glob("*.md"))[0]
        touched.write_text(touched.read_text("utf-8") + "\n", "utf-8")
        os.sync()  # as for the portal's builds
        warm, _, _ = _run_measured(code)
        self.record("baseline_warm_s", warm, "s")
        self.record("baseline_warm_files_written", _changed(before, _snapshot(out)), "files")
        return cold, warm

    # -- the intake ---------------------------------------------------------

    def run_intake(self, submissions=500, http_submissions=2000, concurrency=16, intake_dir=None):
        """In-process p50/p99 on the embedded queue, the local HTTP server
        (``run_intake_http``) and the import time. ``intake_dir`` measures
        another checkout's intake/ (a before/after comparison)."""
        print("intake:", flush=True)
        intake_dir = Path(intake_dir or ROOT / "intake").resolve()
        queue_dir = self.work / "intake"
        shutil.rmtree(queue_dir, ignore_errors=True)
        queue_dir.mkdir(parents=True)
        site_data = queue_dir / "site_data.json"
        site_data.write_text(json.dumps({"categories": [["transport", "交通出行"]], "deputies": {},
                                         "stations": {}}, ensure_ascii=False), "utf-8")
        env = {"PORTAL_SECRET": "bench-secret", "PORTAL_SITE_DATA": str(site_data),
               "PORTAL_REQUIRE_TOKEN_JSON": "off", "PORTAL_RATE_LIMIT": "100000000"}
        code = textwrap.dedent(f"""
            import json, statistics, sys, time
            sys.path.insert(0, {str(intake_dir)!r})
            from chalice.test import Client
            import app
            latencies = []
            with Client(app.app) as client:
                for i in range({submissions}):
                    body = json.dumps({{"category": "transport", "consent": True,
                                        "content": f"第{{i}}条：村口道路破损，雨天积水，请求修复。"}})
                    t = time.perf_counter()
                    r = client.http.post("/api/submissions", body=body,
                                         headers={{"Content-Type": "application/json"}})
                    latencies.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 202, r.body
            latencies.sort()
            print(json.dumps([statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]]))
        """)
        _, _, out = _run_measured(code, {**env, "PORTAL_QUEUE": f"sqlite://{queue_dir / 'inproc.sqlite3'}"})
        p50, p99 = json.loads(out.strip().splitlines()[-1])
        self.record("intake_p50_ms", p50, "ms")
        self.record("intake_p99_ms", p99, "ms")
        self.run_intake_http(env, queue_dir, http_submissions, concurrency, intake_dir)
        imports = []
        for _ in range(5):
            _, _, out = _run_measured(
                f"import sys, time; sys.path.insert(0, {str(intake_dir)!r}); t = time.perf_counter(); "
                "import app; print(time.perf_counter() - t)", env)
            imports.append(float(out.strip().splitlines()[-1]) * 1000)
        self.record("intake_import_ms", statistics.median(imports), "ms")

    def run_intake_http(self, env, queue_dir, total, concurrency, intake_dir=None):
        """``total`` JSON submissions, ``concurrency`` at a time, each on a new
        connection, to the local server (chalicelib/local.py) on the embedded
        queue. Lost is counted per submission, not by totals: an accepted
        (202) submission counts as lost unless the queue holds, under the code
        its own response carried, a message with its own text (a response
        with another request's code is a lost submission too)."""
        import concurrent.futures
        import http.client
        import socket
        intake_dir = Path(intake_dir or ROOT / "intake").resolve()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        queue_url = f"sqlite://{queue_dir / 'http.sqlite3'}"
        server = subprocess.Popen([sys.executable, str(intake_dir / "chalicelib" / "local.py"),
                                   "--port", str(port)], cwd=ROOT,
                                  env={**os.environ, **env, "PORTAL_QUEUE": queue_url},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)

            def content(i):
                return f"第{i}条：集市路口拥堵，请求增设交通标志。"

            def submit(i):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                body = json.dumps({"category": "transport", "consent": True, "content": content(i)})
                try:
                    conn.request("POST", "/api/submissions", body=body.encode(),
                                 headers={"Content-Type": "application/json"})
                    response = conn.getresponse()
                    reply = response.read()
                    if response.status != 202:
                        return response.status, None
                    return 202, json.loads(reply).get("code")
                except (OSError, ValueError):
                    return None, None
                finally:
                    conn.close()

            started = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                answers = list(pool.map(submit, range(total)))
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
        # Everything on the queue, read through the queue's own interface
        # (as the staff pull does), in a child with that checkout's code.
        _, _, out = _run_measured(textwrap.dedent(f"""
            import json, sys
            sys.path.insert(0, {str(intake_dir)!r})
            from chalicelib.queues import queue_from_env
            q = queue_from_env({{"PORTAL_QUEUE": {queue_url!r}}})
            found = []
            while True:
                batch = q.receive(max_messages=10, visibility_timeout=3600)
                if not batch:
                    break
                for m in batch:
                    body = json.loads(m.body)
                    found.append([body["code"], body["payload"]["content"]])
            print(json.dumps(found, ensure_ascii=False))
        """))
        stored = {}
        messages = json.loads(out.strip().splitlines()[-1])
        for code, text in messages:
            stored.setdefault(code, []).append(text)
        accepted = [(i, code) for i, (status, code) in enumerate(answers) if status == 202]
        lost = sum(1 for i, code in accepted if content(i) not in stored.get(code, []))
        self.record("intake_http_per_s", len(accepted) / elapsed, "submissions/s")
        self.record("intake_http_accepted", len(accepted), "submissions")
        self.record("intake_http_refused", total - len(accepted), "submissions")
        self.record("intake_lost", lost, "submissions")
        self.record("intake_queue_duplicates", len(messages) - len(stored), "messages")


def run(scale="county", work=None, json_path=None, baseline=True, intake=True, search=True, province=False):
    """The benchmark at ``scale``; with ``province``, the portal's builds
    also at province scale in the same run, and the ratio of the two cold
    builds."""
    work = Path(work or ROOT / "var" / "bench")
    bench = Bench(scale, work / scale)
    (work / scale).mkdir(parents=True, exist_ok=True)
    print(f"benchmark at {scale} scale in {work / scale} (today = {TODAY})", flush=True)
    cold, publish = bench.run_portal(search=search)
    if baseline:
        base_cold, base_warm = bench.run_baseline()
        bench.record("cold_vs_baseline_ratio", cold / base_cold, "×")
        floor = next((r["value"] for r in bench.records if r["name"] == "cold_write_floor_s"), None)
        if floor is not None:
            bench.record("write_floor_vs_baseline_cold", floor / base_cold, "×")
        bench.record("publish_speedup_vs_baseline_warm", base_warm / publish, "×")
    if intake:
        bench.run_intake()
    records = bench.records
    if province and scale != "province":
        big = Bench("province", work / "province")
        (work / "province").mkdir(parents=True, exist_ok=True)
        print(f"portal at province scale in {work / 'province'}", flush=True)
        big_cold, _ = big.run_portal(search=False, floor=False)
        big.record(f"province_vs_{scale}_cold_ratio", big_cold / cold, "×")
        records = records + big.records
    if json_path:
        Path(json_path).write_text(json.dumps(records, ensure_ascii=False, indent=1), "utf-8")
    return records
