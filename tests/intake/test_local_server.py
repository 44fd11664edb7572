"""The local HTTP server (chalicelib/local.py) runs requests in parallel on
a fixed pool of workers. Under many more parallel clients than workers,
on new and on kept-alive connections, every accepted submission must be on
the queue exactly once, under the code its own response carried; the rate
limit must hold exactly; and nothing may log client addresses."""

import concurrent.futures
import http.client
import json
import os
import threading
import urllib.parse
import uuid

import pytest

from intake_helpers import drain

WORKERS = 4


@pytest.fixture
def switch_often():
    """Switch threads every few microseconds instead of every 5 ms, so that
    a race between requests shows up in a few hundred of them."""
    import sys
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


@pytest.fixture
def server(env, switch_often):
    from chalicelib import config
    from chalicelib.local import serve_local
    env.setenv("PORTAL_REQUIRE_TOKEN_JSON", "off")
    env.setenv("PORTAL_RATE_LIMIT", "100000")
    before = dict(os.environ)
    srv = serve_local("127.0.0.1", 0, block=False, workers=WORKERS)
    config.reset()
    yield srv.server.server_address[:2]
    srv.shutdown()
    srv.server.server_close()
    for key in set(os.environ) - set(before):       # the stage's defaults
        del os.environ[key]


def text(i):
    return f"第{i}条：集市路口拥堵，请求增设交通标志。"


def post(conn, i, kind="json", key=None):
    """One submission on ``conn``; returns (status, code or None, headers)."""
    if kind == "json":
        data = {"category": "transport", "consent": True, "content": text(i)}
        if key:
            data["idempotency_key"] = key
        body, ctype = json.dumps(data).encode(), "application/json"
    else:
        body = urllib.parse.urlencode({"category": "transport", "consent": "1",
                                       "content": text(i)}).encode()
        ctype = "application/x-www-form-urlencoded"
    conn.request("POST", "/api/submissions", body=body, headers={"Content-Type": ctype})
    response = conn.getresponse()
    reply = response.read()
    code = None
    if response.status == 202:
        code = json.loads(reply)["code"]
    elif response.status == 303:
        query = urllib.parse.urlsplit(response.getheader("Location")).query
        code = urllib.parse.parse_qs(query)["code"][0]
    return response.status, code, dict(response.getheaders())


def stored(queue):
    out = {}
    for m in drain(queue):
        body = json.loads(m.body)
        out.setdefault(body["code"], []).append(body["payload"]["content"])
    return out


def test_many_parallel_clients_each_get_their_own_code(server, queue):
    host, port = server
    clients, per_client = 12 * WORKERS, 8

    def client(c):
        answers = []
        keep_alive = c % 3 == 0            # a third reuse one connection
        conn = http.client.HTTPConnection(host, port, timeout=60)
        for k in range(per_client):
            i = c * per_client + k
            if not keep_alive:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
            status, code, _ = post(conn, i, "form" if i % 4 == 0 else "json")
            answers.append((i, status, code))
        conn.close()
        return answers

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        answers = [a for batch in pool.map(client, range(clients)) for a in batch]
    assert len(answers) == clients * per_client
    assert all(status in (202, 303) for _, status, _ in answers)
    on_queue = stored(queue)
    assert len(on_queue) == len(answers)                     # no code twice, none lost
    for i, _, code in answers:
        assert on_queue[code] == [text(i)], (i, code)        # its own text, once


def test_parallel_retries_of_one_submission_store_it_once(server, queue):
    host, port = server
    key, n = uuid.uuid4().hex, 16
    barrier = threading.Barrier(n)

    def retry(_):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        barrier.wait()
        try:
            return post(conn, 7, key=key)
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(retry, range(n)))
    assert {status for status, _, _ in answers} == {202}
    assert len({code for _, code, _ in answers}) == 1
    assert stored(queue) == {answers[0][1]: [text(7)]}


def test_rate_limit_holds_exactly_under_parallel_requests(server, queue, configure):
    configure(PORTAL_RATE_LIMIT="5", PORTAL_RATE_WINDOW="600")
    host, port = server
    n = 30
    barrier = threading.Barrier(n)

    def attempt(i):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        barrier.wait()
        try:
            return post(conn, i)
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(attempt, range(n)))
    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [202] * 5 + [429] * 25
    assert all(1 <= int(h["Retry-After"]) <= 601 for s, _, h in answers if s == 429)
    assert sorted(stored(queue)) == sorted(code for s, code, _ in answers if s == 202)


def test_parallel_mistakes_do_not_use_up_the_limit(server, queue, configure):
    configure(PORTAL_RATE_LIMIT="3", PORTAL_RATE_WINDOW="600")
    host, port = server

    def mistake(_):
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("POST", "/api/submissions", headers={"Content-Type": "application/json"},
                         body=json.dumps({"category": "transport", "consent": True, "content": "短"}))
            return conn.getresponse().status
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        assert set(pool.map(mistake, range(32))) == {400}
    conn = http.client.HTTPConnection(host, port, timeout=60)
    assert [post(conn, i)[0] for i in range(4)] == [202, 202, 202, 429]
    conn.close()
    assert len(stored(queue)) == 3


def test_kept_alive_connection_and_other_routes(server, queue):
    host, port = server
    conn = http.client.HTTPConnection(host, port, timeout=60)
    codes = [post(conn, i)[1] for i in range(20)]
    conn.request("GET", "/api/health")
    response = conn.getresponse()
    assert response.status == 200 and json.loads(response.read())["status"] == "ok"
    conn.request("GET", "/api/nowhere")
    response = conn.getresponse()
    assert response.status == 403          # API Gateway's answer for an unknown route
    response.read()
    conn.close()
    assert sorted(stored(queue)) == sorted(codes) and len(set(codes)) == 20


def test_no_access_log_with_client_addresses(server, capfd):
    host, port = server
    conn = http.client.HTTPConnection(host, port, timeout=60)
    post(conn, 1)
    conn.request("GET", "/api/health")
    conn.getresponse().read()
    conn.close()
    out, err = capfd.readouterr()
    assert "127.0.0.1" not in out + err


def test_requests_on_threads_see_their_own_request():
    """app.current_request is per thread once the server has set the app up;
    without that, chalice's single attribute is shared (aws/chalice#759)."""
    from chalice import Chalice
    from chalicelib.local import per_thread_requests
    app = per_thread_requests(Chalice(app_name="probe"))
    assert per_thread_requests(app) is app           # once
    n = 8
    barrier, seen = threading.Barrier(n), {}

    def run(i):
        app.current_request = f"request {i}"
        barrier.wait()                                 # all set before any reads
        seen[i] = app.current_request

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {i: f"request {i}" for i in range(n)}
