"""查询进度 without JavaScript: ``GET /api/track?code=…``.

The site publishes a PII-free status record for every case at an address
derived from the code, ``/track/s/<key>.html`` (and ``.json``), where

    key = hex(PBKDF2-HMAC-SHA256(normalised code, SALT, ITERATIONS))[:32]

A static site cannot look anything up, so the form of the 查询进度 page
GETs this route, which checks the code (a typo is explained by its check
symbol, in Chinese, with the form given back) and answers 303 to the
status page. With JavaScript the page computes the same key in the browser
(WebCrypto) and never calls this route.

Trade-offs: the salt is public (it is in the page), so the slow hash does
not make one code secret; it makes *enumerating* codes from the site's
file names costly: 2^40 codes x 1,000 iterations is about 10^15 hash
operations, days of a GPU, to learn PII-free statuses. More iterations
would cost every cold build of a county site (20,000 codes) seconds per
thousand; the build caches keys, so only new codes pay. A valid code that has
no record yet (submitted, not yet pulled into a case) ends on the site's
404 page: this function does not know which records exist, and asking the
site would make it a lookup oracle.

This module is also the single source of ``status_key`` for the site build
(``plugins/portal/tracking_pages.py`` loads this file by path), so it
imports nothing from the package at module level.
"""

import hashlib

SALT = "renda-portal/track/v1"
ITERATIONS = 1000
KEY_LENGTH = 32  # hex characters (128 bits)


def status_key(code):
    """The record key of a *normalised* code (``K7M-3PQ-XC4``)."""
    raw = hashlib.pbkdf2_hmac("sha256", code.encode("utf-8"), SALT.encode("utf-8"), ITERATIONS)
    return raw.hex()[:KEY_LENGTH]


def status_path(code):
    return f"/track/s/{status_key(code)}.html"


def _form_page(status, typed, message):
    from . import web
    e = web._e
    body = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="robots" content="noindex"><title>查询办理进度</title><style>{web._CSS}</style></head><body>'
        '<h1>查询办理进度</h1>'
        f'<div class="errors" role="alert"><p class="msg" id="code-msg">{e(message)}</p></div>'
        '<form method="get" action="/api/track" accept-charset="utf-8">'
        '<div class="field"><label for="f-code">受理编号</label>'
        f'<input type="text" id="f-code" name="code" value="{e(typed)}" aria-describedby="code-msg" '
        'autocomplete="off" autocapitalize="characters" spellcheck="false"></div>'
        '<p><button type="submit">查询</button></p></form></body></html>')
    return web.html_response(status, body)


def lookup(request):
    from . import runtime, tracking, web
    params = request.query_params or {}
    typed = str(params.get("code") or "")[:60]
    try:
        code = tracking.normalize(typed)
    except tracking.CodeError as err:
        hint = ""
        if err.reason == "check":
            hint = "（编号最后一位是校验位，用来发现输错的字符。）"
        return _form_page(400, typed, err.message + hint)
    # The location is built from the normalised code only (no open redirect).
    return web.redirect(runtime.settings().site_url + status_path(code))
