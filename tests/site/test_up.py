"""`invoke up`: builds, serves with the site's own 404 page, rebuilds on change."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import MINI, ROOT, TODAY

pytestmark = pytest.mark.slow


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    """(status, body text); a 4xx/5xx is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except (urllib.error.URLError, ConnectionError, OSError) as err:
            last = err
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Server:
    def __init__(self, *args, log):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        invoke = shutil.which("invoke")
        cmd = [invoke] if invoke else [sys.executable, "-m", "invoke"]
        env = {**os.environ, "PORTAL_TODAY": TODAY, "PYTHONUNBUFFERED": "1"}
        self.log = log
        self.proc = subprocess.Popen([*cmd, "up", "--port", str(self.port), *args], cwd=ROOT, env=env,
                                     stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def url(self, path):
        return self.base + path

    def wait_ready(self, timeout=60):
        def ready():
            assert self.proc.poll() is None, f"invoke up exited:\n{self.log.read_text()}"
            return get(self.url("/"))[0] == 200
        wait_for(ready, timeout, f"{self.base}/ to answer")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def mini_server(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    server = Server("--content", str(content), "--output", str(tmp_path / "output"),
                    log=tmp_path / "up.log")
    server.content = content
    server.output = tmp_path / "output"
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_up_serves_the_sample_with_its_404_page(tmp_path):
    # Plain `invoke up`: the repository's content, built into its output/.
    server = Server(log=tmp_path / "up.log")
    try:
        server.wait_ready()
        status, body = get(server.url("/"))
        assert status == 200
        assert '<html lang="zh-CN">' in body
        status, body = get(server.url("/no-such-page"))
        assert status == 404
        assert "<h1>页面不存在</h1>" in body and '<html lang="zh-CN">' in body
    finally:
        server.stop()


def test_up_serves_other_content_and_rebuilds_on_change(mini_server):
    status, body = get(mini_server.url("/deputies/d-001/"))
    assert status == 200 and "村党总支书记" in body
    assert (mini_server.output / "index.html").exists()
    # The preview keeps its writer manifest next to its output, not in the repository's cache/
    assert (mini_server.output.parent / "output-cache" / "portal.sqlite3").exists()
    status, body = get(mini_server.url("/no-such-page/"))
    assert status == 404 and "页面不存在" in body

    path = mini_server.content / "deputies" / "d-001.md"
    text = path.read_text("utf-8")
    assert "occupation: 村党总支书记\n" in text
    path.write_text(text.replace("occupation: 村党总支书记\n", "occupation: 村党总支书记兼村委会主任\n"), "utf-8")
    wait_for(lambda: "村党总支书记兼村委会主任" in get(mini_server.url("/deputies/d-001/"))[1],
             15, "the edited deputy page to be served")

    # A content error does not take the site down: the last good build stays served.
    path.write_text(path.read_text("utf-8").replace("gender: 女", "gender: F"), "utf-8")
    wait_for(lambda: "site not updated" in mini_server.log.read_text("utf-8", errors="replace"),
             15, "the build to report the problem")
    status, body = get(mini_server.url("/deputies/d-001/"))
    assert status == 200 and "村党总支书记兼村委会主任" in body
