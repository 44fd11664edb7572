"""`invoke up`: build the portal, serve it, rebuild when its sources change."""

import functools
import http.server
import threading
import time
from pathlib import Path

from . import site

WATCHED = ("content", "theme", "plugins", "pelicanconf.py")


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Serves output/; unknown paths get the site's own 404 page."""

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
    return target, options


def rebuild(output, **options):
    started = time.perf_counter()
    try:
        site.build(**{"output_path": output, **options})
    except site.content_error() as err:
        print(err.report(), flush=True)
        print("网站未更新，请修改后保存 / site not updated: fix the files above", flush=True)
        return False
    print(f"已重新生成 / rebuilt in {time.perf_counter() - started:.1f}s", flush=True)
    return True


def watch(output, stop, **options):
    from watchfiles import watch as watch_changes
    roots = [Path(options["path"]) if p == "content" and "path" in options else site.ROOT / p
             for p in WATCHED]
    paths = [str(p) for p in roots if p.exists()]
    for _changes in watch_changes(*paths, stop_event=stop, debounce=300):
        rebuild(output, **options)


def make_server(host, port, output):
    handler = functools.partial(StaticHandler, directory=str(output))
    return http.server.ThreadingHTTPServer((host, port), handler)


def run(host="127.0.0.1", port=8000, content=None, output=None):
    """Serve ``output`` (default output/) built from ``content`` (default content/)."""
    output, options = build_options(content, output)
    if not rebuild(output, **options) and not (output / "index.html").exists():
        print("首次生成失败，修改后将自动重试 / first build failed; watching for fixes", flush=True)
    stop = threading.Event()
    threading.Thread(target=watch, args=(output, stop), kwargs=options, daemon=True).start()
    server = make_server(host, port, output)
    print(f"门户已启动 / portal running: http://{host}:{port}/  (Ctrl-C 停止)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
