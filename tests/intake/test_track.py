"""GET /api/track: 查询进度 without JavaScript. A code that can be right is
redirected (303) to its static status page; one that cannot gets the
Chinese reason and the form back with what was typed."""

import hashlib
import urllib.parse

import pytest

from chalicelib import track, tracking

CODE = tracking.format_code("K7M3PQXC" + tracking.check_symbol("K7M3PQXC"))


def get(client, code):
    return client.http.get("/api/track?" + urllib.parse.urlencode({"code": code}))


def expected_location(code, site=""):
    key = hashlib.pbkdf2_hmac("sha256", code.encode(), track.SALT.encode(), track.ITERATIONS).hex()[:32]
    return f"{site}/track/s/{key}.html"


@pytest.mark.parametrize("typed", [CODE, CODE.lower(), CODE.replace("-", " "), " " + CODE.replace("-", "") + " "])
def test_a_valid_code_redirects_to_its_status_page(client, typed):
    r = get(client, typed)
    assert r.status_code == 303
    assert r.headers["Location"] == expected_location(CODE)
    assert r.headers["Cache-Control"] == "no-store"


def test_lookalikes_are_read_as_the_intake_reads_them(client):
    code = tracking.format_code("10A1B2C3" + tracking.check_symbol("10A1B2C3"))
    r = get(client, code.replace("1", "l").replace("0", "O"))
    assert r.status_code == 303 and r.headers["Location"] == expected_location(code)


def test_the_site_url_prefixes_the_redirect(client, configure):
    configure(PORTAL_SITE_URL="https://rd.example.gov.cn/")
    assert get(client, CODE).headers["Location"] == expected_location(CODE, "https://rd.example.gov.cn")


@pytest.mark.parametrize("typed, message", [
    ("", "请输入受理编号"),
    ("K7M-3PQ", "您输入了6位"),
    ("K7M-3PQ-XU!", "不应出现字符"),
    (CODE[:-1] + ("0" if CODE[-1] != "0" else "1"), "校验位"),
])
def test_a_code_that_cannot_be_right_gets_the_reason_and_the_form(client, typed, message):
    r = get(client, typed)
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/html")
    page = r.body.decode("utf-8")
    assert message in page
    assert '<form method="get" action="/api/track"' in page
    assert f'value="{typed}"' in page.replace("&#x27;", "'") or typed == ""


def test_a_typo_is_explained_by_the_check_symbol(client):
    r = get(client, CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))
    page = r.body.decode("utf-8")
    assert "校验不符" in page and "最后一位是校验位" in page


def test_no_code_at_all(client):
    r = client.http.get("/api/track")
    assert r.status_code == 400 and "请输入受理编号" in r.body.decode("utf-8")
