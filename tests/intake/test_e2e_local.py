"""End to end: the real local HTTP server on 127.0.0.1, a JSON submission,
a no-JavaScript form post and an Open311 request, then exactly those three
messages on the queue."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from intake_helpers import CONTENT, OPEN311_KEY, drain, submission


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(url, data=None, ctype=None, method=None):
    req = urllib.request.Request(url, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def server(env):
    import os
    from chalicelib.local import serve_local
    before = dict(os.environ)
    srv = serve_local("127.0.0.1", 0, block=False)   # port 0: a free port
    host, port = srv.server.server_address[:2]
    yield f"http://{host}:{port}"
    srv.shutdown()
    srv.server.server_close()
    for key in set(os.environ) - set(before):       # the stage's defaults
        del os.environ[key]


def test_three_channels_reach_the_queue(server, queue):
    # JSON, with a token fetched from the server (aged like a real form)
    status, _, body = call(f"{server}/api/form-token")
    assert status == 200 and json.loads(body)["token"]
    data = submission(title="路灯", name="王五", phone="13700001111", contact=True)
    status, headers, body = call(f"{server}/api/submissions",
                                 json.dumps(data, ensure_ascii=False).encode(), "application/json")
    assert status == 202, body
    json_code = json.loads(body)["code"]

    # form, no JavaScript: no token, 303 to the thank-you page
    form = {"category": "water", "content": "东溪村自来水浑浊已有一周，请检查水源。", "consent": "1"}
    status, headers, _ = call(f"{server}/api/submissions", urllib.parse.urlencode(form).encode(),
                              "application/x-www-form-urlencoded")
    assert status == 303
    form_code = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)["code"][0]
    assert headers["Location"] == f"/api/thanks?code={form_code}"

    # a form with a mistake: 400 HTML page with the text given back
    status, headers, page = call(f"{server}/api/submissions",
                                 urllib.parse.urlencode({"content": "太短"}).encode(),
                                 "application/x-www-form-urlencoded")
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert "太短" in page.decode()

    # Open311
    o311 = {"api_key": OPEN311_KEY, "service_code": "transport", "description": CONTENT,
            "address_string": "青石镇大石村", "attribute[consent]": "true"}
    status, _, body = call(f"{server}/api/open311/v2/requests.json",
                           urllib.parse.urlencode(o311).encode(), "application/x-www-form-urlencoded")
    assert status == 200, body
    o311_code = json.loads(body)[0]["token"]

    # garbage over the wire: still a clean answer
    status, _, _ = call(f"{server}/api/submissions", b"\xff" * 100, "application/json")
    assert status == 400
    status, _, _ = call(f"{server}/api/submissions", b"x" * 20000, "application/json")
    assert status == 413

    messages = [json.loads(m.body) for m in drain(queue)]
    assert sorted(m["code"] for m in messages) == sorted([json_code, form_code, o311_code])
    assert {m["client"]["channel"] for m in messages} == {"json", "web-form", "open311"}
    for m in drain(queue):
        pytest.fail(f"unexpected message {m}")


def test_concurrent_submissions_each_get_their_own_code(server, queue, env):
    """chalice's app.current_request is one attribute of the app
    (aws/chalice#759); with requests on threads sharing it, one request was
    answered with another's code and a submission was lost. The server now
    gives each thread its own (test_local_server.py pushes harder)."""
    import concurrent.futures
    env.setenv("PORTAL_REQUIRE_TOKEN_JSON", "off")
    env.setenv("PORTAL_RATE_LIMIT", "100000")
    from chalicelib import config
    config.reset()

    def submit(i):
        body = json.dumps({"category": "transport", "consent": True,
                           "content": f"第{i}条：集市路口拥堵，请求增设交通标志。"}).encode()
        status, _, reply = call(f"{server}/api/submissions", body, "application/json")
        return i, status, json.loads(reply).get("code")

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(submit, range(300)))
    assert all(status == 202 for _, status, _ in answers)
    stored = {b["code"]: b["payload"]["content"] for b in (json.loads(m.body) for m in drain(queue))}
    assert len(stored) == 300
    for i, _, code in answers:
        assert stored[code].startswith(f"第{i}条"), (i, code, stored[code])
