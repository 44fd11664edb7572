"""POST /api/submissions through the Chalice test client: every rule and
every error path."""

import json
import urllib.parse

import pytest

from intake_helpers import (CONTENT, body_json, drain, post_form, post_json, submission,
                            token)

from chalicelib import schema, tracking


def only_message(queue):
    [msg] = drain(queue)
    return json.loads(msg.body)


# --- success ----------------------------------------------------------------------

def test_json_success(client, queue):
    r = post_json(client, submission(title="道路维修", target="deputy:d-001", name="张三",
                                     phone="+86 138-1234-5678", contact=True, anonymous=False),
                  headers={"user-agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"})
    assert r.status_code == 202
    data = body_json(r)
    assert tracking.is_valid(data["code"])
    assert data["track_url"] == f"/track/?code={data['code']}"
    msg = only_message(queue)
    assert msg["schema"] == 1 and msg["code"] == data["code"]
    assert msg["received_at"].endswith("+08:00")
    assert msg["payload"] == {
        "category": "transport", "title": "道路维修", "content": CONTENT,
        "target": "deputy:d-001", "name": "张三", "phone": "13812345678",
        "anonymous": False, "contact": True, "consent": True}
    assert msg["client"]["channel"] == "json"
    assert msg["client"]["user_agent"] == "wechat"
    assert len(msg["client"]["client_hash"]) == 20
    assert "127.0.0.1" not in json.dumps(msg)


def test_raw_utf8_json_with_bom(client, queue):
    body = b"\xef\xbb\xbf" + json.dumps(submission(), ensure_ascii=False).encode("utf-8")
    r = post_json(client, body, headers={"content-type": "application/json; charset=utf-8"})
    assert r.status_code == 202
    assert only_message(queue)["payload"]["content"] == CONTENT


def test_form_success_redirects_to_thanks(client, queue):
    data = submission(consent="on", anonymous="on")
    del data["form_token"]          # the no-JavaScript path has no token
    r = post_form(client, data, headers={"content-type": "application/x-www-form-urlencoded; charset=UTF-8"})
    assert r.status_code == 303
    location = r.headers["Location"]
    assert location.startswith("/api/thanks?code=")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    msg = only_message(queue)
    assert msg["code"] == code and msg["client"]["channel"] == "web-form"
    assert msg["payload"]["anonymous"] is True and msg["payload"]["name"] is None


def test_gbk_form_is_decoded(client, queue):
    data = submission(content="自来水管破裂已经三天了，请尽快派人维修。", consent="1")
    body = urllib.parse.urlencode(data, encoding="gbk")
    r = post_form(client, body, headers={"content-type": "application/x-www-form-urlencoded; charset=gbk"})
    assert r.status_code == 303
    assert only_message(queue)["payload"]["content"] == "自来水管破裂已经三天了，请尽快派人维修。"


def test_site_url_prefixes_site_links_not_the_receipt(client, configure):
    configure(PORTAL_SITE_URL="https://rd.example.gov.cn/")
    r = post_form(client, {k: v for k, v in submission(consent="1").items() if k != "form_token"})
    assert r.headers["Location"].startswith("/api/thanks?code=")
    r = post_json(client, submission())
    assert body_json(r)["track_url"].startswith("https://rd.example.gov.cn/track/?code=")


# --- validation -------------------------------------------------------------------

def errors_for(client, **fields):
    r = post_json(client, submission(**fields))
    assert r.status_code == 400, r.body
    return body_json(r)["errors"]


@pytest.mark.parametrize("fields, field", [
    ({"category": None}, "category"),
    ({"category": "roads"}, "category"),
    ({"category": ["transport"]}, "category"),
    ({"content": None}, "content"),
    ({"content": "   \n  "}, "content"),
    ({"content": "太短了太短了太短了"}, "content"),                       # 9 characters
    ({"content": "短" + "\u3000" * 30}, "content"),                        # padded with ideographic spaces
    ({"content": "短\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b"}, "content"),
    ({"content": "长" * 2001}, "content"),
    ({"content": {"text": CONTENT}}, "content"),
    ({"content": "坏字符" + "\ud800" + "请处理一下这个问题"}, "content"),
    ({"title": "题" * 61}, "title"),
    ({"target": "deputy:d-999"}, "target"),
    ({"target": "station:nowhere"}, "target"),
    ({"target": "mayor:d-001"}, "target"),
    ({"target": "deputy:D-001<script>"}, "target"),
    ({"name": "名" * 21}, "name"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "12812345678"}, "phone"),
    ({"phone": "0873-12345"}, "phone"),
    ({"contact": True}, "phone"),
    ({"consent": None}, "consent"),
    ({"consent": False}, "consent"),
    ({"consent": "maybe"}, "consent"),
    ({"anonymous": "perhaps"}, "anonymous"),
    ({"contact": [1]}, "contact"),
    ({"idempotency_key": "short"}, "idempotency_key"),
    ({"idempotency_key": "bad key with spaces!"}, "idempotency_key"),
])
def test_invalid_field(client, queue, fields, field):
    errors = errors_for(client, **fields)
    assert field in errors
    assert all(isinstance(m, str) and m for m in errors.values())
    assert drain(queue) == []


def test_several_errors_at_once(client):
    errors = errors_for(client, category="", content="短", consent=False, phone="abc")
    assert set(errors) == {"category", "content", "consent", "phone"}
    assert "10" in errors["content"] and "1" in errors["content"]


@pytest.mark.parametrize("content", ["十个字十个字十个字十", "长" * 2000, "  十个字十个字十个字十  \n"])
def test_content_length_bounds_accepted(client, content):
    assert post_json(client, submission(content=content)).status_code == 202


def test_content_is_trimmed_and_keeps_chinese_punctuation(client, queue):
    text = "\r\n  路灯坏了，晚上很黑（已有两周）！请维修？\r\n\r\n\r\n\r\n谢谢。\u200b  \n"
    assert post_json(client, submission(content=text)).status_code == 202
    assert only_message(queue)["payload"]["content"] == "路灯坏了，晚上很黑（已有两周）！请维修？\n\n谢谢。"


def test_title_limit_and_station_target_accepted(client, queue):
    r = post_json(client, submission(title="题" * 60, target="station:dongxi"))
    assert r.status_code == 202
    assert only_message(queue)["payload"]["target"] == "station:dongxi"


@pytest.mark.parametrize("raw, expected", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("008613812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),      # full-width digits
    ("0873-1234567", "0873-1234567"),
    ("08731234567", "0873-1234567"),
    ("(0873) 6123456", "0873-6123456"),
    ("010-12345678", "010-12345678"),
    ("01012345678", "010-12345678"),
    ("021 87654321", "021-87654321"),
    ("+86 873 1234567", "0873-1234567"),
    ("+86 10 12345678", "010-12345678"),
    ("12345678901", None),
    ("1381234567", None),
    ("138123456789", None),
    ("0873-123", None),
    ("phone", None),
    ("+1 415 555 0100", None),
])
def test_phone_formats(raw, expected):
    assert schema.normalize_phone(raw) == expected


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("on", True), ("1", True), ("是", True), ("true", True),
    ("", False), ("0", False), ("否", False), ("off", False), (None, False), (1, True), (0, False),
])
def test_flags(value, expected):
    assert schema.flag(value) is expected


def test_form_errors_page_gives_back_everything_escaped(client, queue):
    evil = '<script>alert("x")</script>&"\''
    data = {"category": "transport", "title": evil, "content": "短" + evil, "name": evil,
            "phone": "not-a-phone" + evil, "target": "deputy:d-002", "anonymous": "1",
            "contact": "1", "idempotency_key": "k" * 20}
    r = post_form(client, data)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/html")
    page = r.body.decode()
    assert '<html lang="zh-CN">' in page
    assert "<script>" not in page and 'alert("x")' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&quot;&#x27;" in page
    assert 'name="title" value="&lt;script&gt;' in page
    assert "<textarea id=\"f-content\" name=\"content\">短&lt;script&gt;" in page
    assert '<option value="deputy:d-002" selected>' in page
    assert '<option value="transport" selected>' in page
    assert 'name="anonymous" value="1" checked' in page
    assert 'name="consent" value="1">' in page                # not ticked: not given back as ticked
    assert 'name="idempotency_key" value="kkkkkkkkkkkkkkkkkkkk"' in page
    assert "请阅读并同意《隐私说明》后再提交。" in page
    assert "电话号码格式不正确" in page
    assert 'action="/api/submissions"' in page
    assert drain(queue) == []


def test_resubmitting_the_error_page_form_works(client, queue):
    """What the error page gives back is exactly what the form posts."""
    data = {"category": "transport", "content": CONTENT, "idempotency_key": "resubmit-001"}
    assert post_form(client, data).status_code == 400          # consent missing
    data["consent"] = "1"
    r = post_form(client, data)
    assert r.status_code == 303
    assert only_message(queue)["payload"]["consent"] is True


# --- idempotency ---------------------------------------------------------------------

def test_same_submission_twice_gives_same_code_and_one_message(client, queue):
    data = submission()
    first, second = post_json(client, data), post_json(client, data)
    assert first.status_code == second.status_code == 202
    assert body_json(first)["code"] == body_json(second)["code"]
    assert len(drain(queue)) == 1


def test_same_key_with_edited_content_is_a_new_submission(client, queue):
    data = submission()
    first = body_json(post_json(client, data))["code"]
    data["content"] = CONTENT + "补充：桥头也有塌陷。"
    second = body_json(post_json(client, data))["code"]
    assert first != second and len(drain(queue)) == 2


def test_double_click_without_key_or_javascript(client, queue):
    data = {"category": "water", "content": CONTENT, "consent": "1"}
    a, b = post_form(client, data), post_form(client, data)
    assert a.headers["Location"] == b.headers["Location"]
    assert len(drain(queue)) == 1


def test_retry_after_pull_gets_same_code_and_no_new_message(client, queue):
    data = submission()
    code = body_json(post_json(client, data))["code"]
    [m] = drain(queue)
    queue.delete(m.receipt_handle)
    assert body_json(post_json(client, data))["code"] == code
    assert drain(queue) == []


def test_queue_down_answers_503_then_retry_succeeds_once(client, configure, tmp_path, queue):
    data = submission()
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    configure(PORTAL_QUEUE=f"sqlite://{blocker}/q.sqlite3")
    r = post_json(client, data)
    assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
    assert "error" in body_json(r)
    r = post_form(client, {**data, "consent": "1", "form_token": ""})
    assert r.status_code == 503 and "Retry-After" in r.headers
    assert CONTENT in r.body.decode()                     # the citizen keeps the text
    configure(PORTAL_QUEUE=f"sqlite://{tmp_path / 'queue.sqlite3'}")
    first, second = post_json(client, data), post_json(client, data)
    assert first.status_code == second.status_code == 202
    assert body_json(first)["code"] == body_json(second)["code"]
    assert len(drain(queue)) == 1


def test_sqs_misconfigured_answers_503(client, configure):
    configure(PORTAL_QUEUE="sqs://")
    r = post_json(client, submission())
    assert r.status_code == 503 and "Retry-After" in r.headers


# --- transport-level errors ------------------------------------------------------------

def test_oversized_body_413(client, queue):
    big = submission(content="长" * 6000)
    r = post_json(client, big)
    assert r.status_code == 413 and "error" in body_json(r)
    r = post_form(client, big)
    assert r.status_code == 413 and r.headers["Content-Type"].startswith("text/html")
    r = post_json(client, b"{}", headers={"content-length": str(10 ** 9)})
    assert r.status_code == 413
    assert drain(queue) == []


@pytest.mark.parametrize("ctype", ["text/plain", "multipart/form-data; boundary=x", "application/xml",
                                   "application/octet-stream", "image/png", "application/jsonx",
                                   "application/json; charset=latin-1",
                                   "application/x-www-form-urlencoded; charset=klingon"])
def test_unsupported_media_type_415(client, ctype):
    r = client.http.post("/api/submissions", headers={"content-type": ctype}, body=b"content=x")
    assert r.status_code == 415


def test_missing_content_type_is_415(client):
    r = client.http.post("/api/submissions", headers={"content-type": ""}, body=b"{}")
    assert r.status_code == 415


@pytest.mark.parametrize("body", [
    b"{", b"[]", b"null", b"42", b'"text"', b"\xff\xfe\x00", b"[" * 16000, b'{"a": NaN',
    b'{"content": "\\ud800\\udfff"}', b'{"category": {"$gt": ""}}', b"\x00" * 100,
], ids=lambda b: repr(b[:20]))
def test_malformed_json_400(client, body):
    r = post_json(client, body)
    assert r.status_code == 400
    assert "errors" in body_json(r)


@pytest.mark.parametrize("body", [b"%ff%fe=%c3%28", b"content=%E4%B8", b"\xff\xfe=\x00",
                                  "&".join(f"f{i}=1" for i in range(500)).encode()])
def test_malformed_form_400(client, body):
    r = post_form(client, body)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/html")


def test_garbage_never_500(client):
    import random
    rng = random.Random(1234)
    ctypes = ["application/json", "application/x-www-form-urlencoded",
              "application/x-www-form-urlencoded; charset=gb18030", "application/json; charset=utf-8"]
    fields = list(schema.FIELDS) + ["form_token", "idempotency_key", "website", "altcha"]
    for i in range(300):
        kind = i % 3
        if kind == 0:
            body = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
        elif kind == 1:
            obj = {rng.choice(fields): rng.choice([None, True, 3.5, -1, [], {}, "x" * rng.randrange(50),
                                                   "\u0000\u202e\ud7ff", "1" * 30, "deputy:"])
                   for _ in range(rng.randrange(1, 8))}
            body = json.dumps(obj).encode()
        else:
            body = "&".join(f"{rng.choice(fields)}=%{rng.randrange(256):02x}{rng.choice(['', '%', '+', '%zz'])}"
                            for _ in range(rng.randrange(1, 10))).encode()
        r = client.http.post("/api/submissions", headers={"content-type": rng.choice(ctypes)}, body=body)
        assert r.status_code in (202, 303, 400, 413, 415, 429), (r.status_code, body)
        assert b"Traceback" not in r.body


def test_site_data_missing_503(client, site_file):
    site_file.unlink()
    r = post_json(client, submission())
    assert r.status_code == 503 and "Retry-After" in r.headers
    r = post_form(client, {"content": CONTENT})
    assert r.status_code == 503 and CONTENT in r.body.decode()
    assert client.http.get("/api/health").status_code == 503


def test_site_data_reloaded_when_rebuilt(client, site_file):
    import os
    import time
    assert post_json(client, submission(category="health")).status_code == 400
    data = json.loads(site_file.read_text(encoding="utf-8"))
    data["categories"].append(["health", "医疗卫生"])
    site_file.write_text(json.dumps(data), encoding="utf-8")
    later = time.time() + 5
    os.utime(site_file, (later, later))
    assert post_json(client, submission(category="health")).status_code == 202


def test_method_not_allowed(client):
    assert client.http.get("/api/submissions").status_code == 405


def test_health_ok(client):
    r = client.http.get("/api/health")
    assert r.status_code == 200 and body_json(r)["status"] == "ok"


def test_token_missing_in_json_is_refused_unless_configured(client, configure):
    r = post_json(client, submission(form_token=None))
    assert r.status_code == 400 and "form_token" in body_json(r)["errors"]
    configure(PORTAL_REQUIRE_TOKEN_JSON="off")
    assert post_json(client, submission(form_token=None)).status_code == 202


def test_no_phone_in_logs(client, caplog):
    import logging
    caplog.set_level(logging.DEBUG)
    post_json(client, submission(phone="13912345678", name="赵六", contact=True))
    post_json(client, submission(phone="13912345678", content="短"))
    text = caplog.text
    assert "13912345678" not in text and "赵六" not in text and "127.0.0.1" not in text
    assert "accepted" in text


def test_token_fixture_sanity():
    assert token().count(".") == 2


# --- the receipt page after a plain form post ---------------------------------------

def test_receipt_shows_the_code_from_the_redirect(client, queue):
    r = post_form(client, {k: v for k, v in submission(consent="1").items() if k != "form_token"})
    location = r.headers["Location"]
    code = location.split("code=")[1]
    page = client.http.get(location)
    assert page.status_code == 200
    html = page.body.decode("utf-8")
    assert f'<strong class="code">{code}</strong>' in html
    assert f'href="/track/?code={code}"' in html


def test_receipt_explains_a_mistyped_code(client, queue):
    from chalicelib import tracking
    code = tracking.new_code()
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    page = client.http.get(f"/api/thanks?code={typo}")
    assert page.status_code == 400
    assert "校验不符" in page.body.decode("utf-8")
    assert client.http.get("/api/thanks").status_code == 400


def test_pages_use_the_site_frame_when_the_build_provides_it(client, queue, site_file):
    from chalicelib import web
    shell = ('<!doctype html><html lang="zh-CN"><head><title><!--PORTAL-TITLE--> - 青石镇</title>'
             '</head><body><nav>站点导航</nav><main><!--PORTAL-CONTENT--></main></body></html>')
    (site_file.parent / "page_shell.html").write_text(shell, "utf-8")
    web._shell_cache.clear()
    try:
        from chalicelib import tracking
        code = tracking.new_code()
        html = client.http.get(f"/api/thanks?code={code}").body.decode("utf-8")
        assert "<title>提交成功 - 青石镇</title>" in html and "<nav>站点导航</nav>" in html
        assert f'<strong class="code">{code}</strong>' in html
        bad = post_form(client, {"content": "短", "consent": "1"})
        assert bad.status_code == 400 and "<nav>站点导航</nav>" in bad.body.decode("utf-8")
    finally:
        web._shell_cache.clear()
