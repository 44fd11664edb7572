"""`invoke up`: build the portal, serve it, rebuild when its sources change."""

import functools
import http.client
import http.server
import os
import sys
import threading
import time
from pathlib import Path

from . import site

WATCHED = ("content", "theme", "plugins", "pelicanconf.py")


HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "host", "content-length",
              "server", "date"}  # the dev server sends its own


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves output/; unknown paths get the site's own 404 page; /api/ goes
    to the intake function, as a CDN path does in production."""

    api = None  # (host, port) of the local intake server

    def _proxy(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        conn = http.client.HTTPConnection(*self.api, timeout=30)
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            reply = conn.getresponse()
            data = reply.read()
        except OSError:
            self.send_error(502, "intake unavailable")
            return
        finally:
            conn.close()
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _route(self, static):
        if self.api and self.path.startswith("/api/"):
            return self._proxy()
        if static is None:
            return self.send_error(405)
        return static()

    def do_GET(self):
        self._route(super().do_GET)

    def do_HEAD(self):
        self._route(super().do_HEAD)

    def do_POST(self):
        self._route(None)

    def do_OPTIONS(self):
        self._route(None)

    def send_error(self, code, message=None, explain=None):
        page = self.directory and (site.Path(self.directory) / "404.html")
        if code == 404 and page and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format, *args):
        pass  # quiet: the console is for build reports


def build_options(content=None, output=None):
    """(output directory, site.build options) for serving ``content``."""
    target = Path(output).resolve() if output else site.ROOT / "output"
    options = {"output_path": target} if output else {}
    if content:
        options["path"] = Path(content).resolve()
        if options["path"] != (site.ROOT / "content").resolve():
            # Other content gets its own intake site data, not the repository's.
            options["portal_intake_data"] = str(target.with_name(target.name + "-intake") / "site_data.json")
            Path(options["portal_intake_data"]).parent.mkdir(parents=True, exist_ok=True)
    return target, options


class SearchIndexer:
    """Updates the search index on a thread of its own after each rebuild,
    so a rebuild is served at once; a rebuild during indexing makes it
    index once more afterwards (never a stale index left behind)."""

    def __init__(self):
        self.wanted = threading.Event()
        self.settings = None
        threading.Thread(target=self._loop, daemon=True).start()

    def request(self, settings):
        self.settings = settings
        self.wanted.set()

    def _loop(self):
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                result = site.update_search(self.settings)
            except site.search_error() as err:
                print(err.report(), flush=True)
            else:
                if result.status == "indexed":
                    print(result.summary(), flush=True)


def rebuild(output, indexer=None, **options):
    started = time.perf_counter()
    try:
        settings = site.build(**{"output_path": output, **options}, search=indexer is None)
    except site.content_error() as err:
        print(err.report(), flush=True)
        print("网站未更新，请修改后保存 / site not updated: fix the files above", flush=True)
        return False
    except site.search_error() as err:
        print(err.report(), flush=True)
    else:
        if indexer is not None:
            indexer.request(settings)
    print(f"已重新生成 / rebuilt in {time.perf_counter() - started:.1f}s", flush=True)
    return True


def watch(output, stop, indexer=None, **options):
    """Rebuild on changes to the content, the theme, the plugin, the settings
    and the private cases (their tracking status pages come from them)."""
    from watchfiles import watch as watch_changes
    roots = [Path(options["path"]) if p == "content" and "path" in options else site.ROOT / p
             for p in WATCHED]
    sys.path.insert(0, str(site.ROOT / "plugins"))
    from portal.casefiles import inbox_path
    inbox = inbox_path({"PATH": str(options.get("path") or site.ROOT / "content")})
    if inbox is not None:
        inbox.mkdir(parents=True, exist_ok=True)
        roots.append(inbox)
    paths = [str(p) for p in roots if p.exists()]
    for _changes in watch_changes(*paths, stop_event=stop, debounce=300):
        rebuild(output, indexer, **options)


def start_intake(site_data):
    """The intake function on a free loopback port, on the embedded queue
    (var/queue.sqlite3) with the dev stage's settings."""
    intake = str(site.ROOT / "intake")
    if intake not in sys.path:
        sys.path.insert(0, intake)
    os.environ.setdefault("PORTAL_TRUSTED_PROXIES", "1")  # our proxy adds X-Forwarded-For
    if site_data:
        os.environ["PORTAL_SITE_DATA"] = str(site_data)
    from chalicelib.local import serve_local
    server = serve_local("127.0.0.1", 0, block=False)
    return server, server.server.server_address[:2]


def make_server(host, port, output, api=None):
    handler = functools.partial(type("Handler", (StaticHandler,), {"api": api}), directory=str(output))
    return http.server.ThreadingHTTPServer((host, port), handler)


def run(host="127.0.0.1", port=8000, content=None, output=None):
    """Serve ``output`` (default output/) built from ``content`` (default content/)."""
    output, options = build_options(content, output)
    indexer = SearchIndexer()  # the pages are served first; search follows a moment later
    if not rebuild(output, indexer, **options) and not (output / "index.html").exists():
        print("首次生成失败，修改后将自动重试 / first build failed; watching for fixes", flush=True)
    stop = threading.Event()
    threading.Thread(target=watch, args=(output, stop, indexer), kwargs=options, daemon=True).start()
    intake, api = start_intake(options.get("portal_intake_data"))
    server = make_server(host, port, output, api)
    print(f"门户已启动 / portal running: http://{host}:{port}/  (Ctrl-C 停止)", flush=True)
    queue = os.environ.get("PORTAL_QUEUE") or "var/queue.sqlite3"
    print(f"留言提交到本机队列 / submissions go to the embedded queue: {queue}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
        intake.shutdown()
