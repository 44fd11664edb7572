"""Honeypot, form token, rate limit, proof of work, client privacy, CORS."""

import json
import time

import pytest

from intake_helpers import SECRET, body_json, drain, post_form, post_json, submission, token

from chalicelib import abuse

KEY = SECRET.encode()


# --- honeypot ------------------------------------------------------------------------

def test_honeypot_rejects_json_and_form(client, queue):
    r = post_json(client, submission(website="http://spam.example"))
    assert r.status_code == 400 and "form" in body_json(r)["errors"]
    r = post_form(client, {**submission(consent="1"), "website": "spam"})
    assert r.status_code == 400
    page = r.body.decode()
    assert 'name="website" tabindex="-1" autocomplete="off">' in page      # given back empty
    assert drain(queue) == []


def test_empty_honeypot_is_fine(client):
    assert post_json(client, submission(website="")).status_code == 202


# --- form token ----------------------------------------------------------------------

def test_form_token_endpoint(client):
    r = client.http.get("/api/form-token")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    data = body_json(r)
    assert data["min_age"] == 3 and data["max_age"] == 86400 and data["pow"] is False
    assert abuse.check_token(KEY, data["token"], 3, 86400, now=time.time() + 5) is None


def test_fresh_token_is_too_fast(client, queue):
    fresh = body_json(client.http.get("/api/form-token"))["token"]
    r = post_json(client, submission(form_token=fresh))
    assert r.status_code == 400 and "过快" in body_json(r)["errors"]["form_token"]
    assert drain(queue) == []


@pytest.mark.parametrize("bad", [
    token(age=90000),                                   # more than 24 h old
    token()[:-2] + "xx",                                # signature tampered
    "1.2.3", "garbage", "a.b", "9" * 200,
    abuse.issue_token(b"another-secret", now=time.time() - 10),
])
def test_bad_tokens(client, bad):
    r = post_json(client, submission(form_token=bad))
    assert r.status_code == 400 and "form_token" in body_json(r)["errors"]


def test_token_age_window():
    assert abuse.check_token(KEY, token(age=1.5), 3, 86400) is not None
    assert abuse.check_token(KEY, token(age=4.5), 3, 86400) is None
    assert abuse.check_token(KEY, token(age=86000), 3, 86400) is None
    assert abuse.check_token(KEY, token(age=86500), 3, 86400) is not None


def test_form_post_without_token_accepted_but_bad_token_not(client):
    data = {k: v for k, v in submission(consent="1").items() if k != "form_token"}
    assert post_form(client, data).status_code == 303
    r = post_form(client, {**data, "content": data["content"] + "。", "form_token": "forged.1.x"})
    assert r.status_code == 400


# --- rate limit -----------------------------------------------------------------------

def test_rate_limit_429_with_retry_after(client, configure, queue):
    configure(PORTAL_RATE_LIMIT="2", PORTAL_RATE_WINDOW="600")
    assert post_json(client, submission()).status_code == 202
    assert post_json(client, submission()).status_code == 202
    r = post_json(client, submission())
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 601
    assert "error" in body_json(r)
    r = post_form(client, {"content": "我写的内容要保留下来请勿丢失", "consent": "1"})
    assert r.status_code == 429 and "我写的内容要保留下来请勿丢失" in r.body.decode()
    assert len(drain(queue)) == 2


def test_validation_errors_do_not_count(client, configure):
    configure(PORTAL_RATE_LIMIT="2")
    for _ in range(5):
        assert post_json(client, submission(content="短")).status_code == 400
    assert post_json(client, submission()).status_code == 202


def test_honeypot_hits_count(client, configure):
    configure(PORTAL_RATE_LIMIT="2")
    post_json(client, submission(website="x"))
    post_json(client, submission(website="x"))
    assert post_json(client, submission()).status_code == 429


def test_rate_limit_is_per_client_behind_trusted_proxy(client, configure, tmp_path):
    configure(PORTAL_RATE_LIMIT="1", PORTAL_TRUSTED_PROXIES="1")
    a = {"x-forwarded-for": "203.0.113.7"}
    b = {"x-forwarded-for": "198.51.100.23"}
    assert post_json(client, submission(), headers=a).status_code == 202
    assert post_json(client, submission(), headers=a).status_code == 429
    assert post_json(client, submission(), headers=b).status_code == 202
    # a client cannot escape by prepending its own X-Forwarded-For entry
    spoof = {"x-forwarded-for": "10.9.9.9, 203.0.113.7"}
    assert post_json(client, submission(), headers=spoof).status_code == 429
    # no raw address is stored anywhere in the queue file
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("queue.sqlite3*"))
    assert b"203.0.113.7" not in raw and b"198.51.100.23" not in raw


def test_untrusted_forwarded_for_is_ignored(client, configure):
    configure(PORTAL_RATE_LIMIT="1")
    assert post_json(client, submission(), headers={"x-forwarded-for": "1.1.1.1"}).status_code == 202
    assert post_json(client, submission(), headers={"x-forwarded-for": "2.2.2.2"}).status_code == 429


def test_rate_limit_off(client, configure):
    configure(PORTAL_RATE_LIMIT="0")
    for _ in range(12):
        assert post_json(client, submission()).status_code == 202


@pytest.mark.parametrize("xff, n, expected", [
    ("", 1, "9.9.9.9"),
    ("1.1.1.1", 0, "9.9.9.9"),
    ("1.1.1.1", 1, "1.1.1.1"),
    ("6.6.6.6, 1.1.1.1", 1, "1.1.1.1"),
    ("6.6.6.6, 1.1.1.1, 130.176.0.1", 2, "1.1.1.1"),
    ("1.1.1.1", 2, "1.1.1.1"),
])
def test_client_address(xff, n, expected):
    assert abuse.client_address({"x-forwarded-for": xff}, "9.9.9.9", n) == expected


def test_client_hash_is_keyed():
    h = abuse.client_hash(KEY, "203.0.113.7")
    assert h == abuse.client_hash(KEY, "203.0.113.7") != abuse.client_hash(b"other", "203.0.113.7")
    assert "203" not in h or len(h) == 20


@pytest.mark.parametrize("ua, cls", [
    ("Mozilla/5.0 (Linux; Android 12) MicroMessenger/8.0.40", "wechat"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148", "mobile"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120", "desktop"),
    ("curl/8.0", "script"), ("Baiduspider", "bot"), ("", "none"),
])
def test_user_agent_class(ua, cls):
    assert abuse.user_agent_class(ua) == cls


# --- proof of work ---------------------------------------------------------------------

def test_challenge_404_when_off(client):
    assert client.http.get("/api/challenge").status_code == 404


def test_pow_required_when_on(client, configure, queue):
    configure(PORTAL_POW="on", PORTAL_POW_MAX_NUMBER="2000")
    assert body_json(client.http.get("/api/form-token"))["pow"] is True
    r = post_json(client, submission())
    assert r.status_code == 400 and "altcha" in body_json(r)["errors"]
    challenge = body_json(client.http.get("/api/challenge"))
    assert challenge["algorithm"] == "SHA-256" and challenge["maxnumber"] == 2000
    solution = abuse.solve_challenge(challenge)
    assert post_json(client, submission(altcha=solution)).status_code == 202
    # a solution works once
    r = post_json(client, submission(altcha=solution))
    assert r.status_code == 400 and "altcha" in body_json(r)["errors"]
    assert len(drain(queue)) == 1


def test_pow_verification_rejects_forgeries():
    ch = abuse.create_challenge(KEY, 500)
    good = abuse.solve_challenge(ch)
    assert abuse.verify_solution(KEY, good) == ch["challenge"]
    assert abuse.verify_solution(b"other", good) is None
    import base64
    data = json.loads(base64.b64decode(good))
    wrong = base64.b64encode(json.dumps(dict(data, number=data["number"] + 1)).encode()).decode()
    assert abuse.verify_solution(KEY, wrong) is None
    expired = abuse.create_challenge(KEY, 50, expires_in=-1)
    assert abuse.verify_solution(KEY, abuse.solve_challenge(expired)) is None
    for junk in (None, "", "!!!", base64.b64encode(b"[]").decode(), base64.b64encode(b'{"salt":1}').decode()):
        assert abuse.verify_solution(KEY, junk) is None


# --- CORS ---------------------------------------------------------------------------------

def test_cors_allowlist(client, configure):
    origin = {"origin": "https://rd.example.gov.cn"}
    r = post_json(client, submission(), headers=origin)
    assert "Access-Control-Allow-Origin" not in r.headers
    configure(PORTAL_CORS_ORIGINS="https://rd.example.gov.cn, https://other.example")
    r = post_json(client, submission(), headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "https://rd.example.gov.cn"
    assert r.headers["Vary"] == "Origin"
    r = client.http.request("OPTIONS", "/api/submissions", headers=origin)
    assert r.status_code == 204 and "POST" in r.headers["Access-Control-Allow-Methods"]
    r = client.http.request("OPTIONS", "/api/submissions", headers={"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.http.get("/api/form-token", headers=origin)
    assert r.headers["Access-Control-Allow-Origin"] == "https://rd.example.gov.cn"


def test_no_secret_in_prod_fails_closed(client, configure):
    configure(PORTAL_SECRET=None, PORTAL_STAGE="prod")
    assert post_json(client, submission()).status_code == 503
    assert client.http.get("/api/form-token").status_code == 503
    assert client.http.get("/api/health").status_code == 503
