"""What the citizen-facing routes do; app.py only maps URLs to these."""

import logging

from . import abuse, runtime, schema, sitedata, submissions, tracking, web
from .queues import QueueUnavailable

log = logging.getLogger("intake")
QUEUE_RETRY_AFTER = 30


def _source_ip(request):
    try:
        return (request.context.get("identity") or {}).get("sourceIp")
    except AttributeError:
        return None


def client_of(request, settings):
    address = abuse.client_address(request.headers, _source_ip(request), settings.trusted_proxies)
    return abuse.client_hash(settings.secret, address)


_FAIL_OPEN = {"retry_after": 0, "acquire": (0, None), "release": None}


def _safe_state(method, *args):
    """Rate-limit bookkeeping fails open: losing it must not lose a submission."""
    try:
        return getattr(runtime.state(), method)(*args)
    except Exception as exc:
        log.error("rate-limit state unavailable: %s", type(exc).__name__)
        return _FAIL_OPEN.get(method, True)


class RateCount:
    """One request's place in a client's rate limit.

    With the limit on, the check and the count are one step
    (``state.acquire``), so parallel requests of one client cannot all pass
    the check before any is counted; an outcome that must not count (a
    typing mistake, the queue unavailable, an unexpected error) gives the
    count back. With the limit off, or if the state failed open, an outcome
    that counts is recorded at the end, as before.
    """

    def __init__(self, key, limit, window):
        self.key, self.window = key, window
        self.wait, self.ticket = _safe_state("acquire", key, limit, window) if limit > 0 else (0, None)

    def count(self):
        if self.ticket is None:
            _safe_state("hit", self.key, self.window)
        self.ticket = None           # counted for good

    def uncount(self):
        if self.ticket is not None:
            _safe_state("release", self.ticket)
        self.ticket = None


def _load_site(settings):
    try:
        return sitedata.load(settings.site_data_path)
    except sitedata.SiteDataMissing as exc:
        log.error("site data missing: %s", exc)
        return None


def form_token(request):
    s = runtime.settings()
    if s.secret is None:
        return web.json_response(503, {"error": "服务配置不完整，请稍后再试。"},
                                 {"Retry-After": "300"})
    return web.json_response(200, {
        "token": abuse.issue_token(s.secret),
        "min_age": s.token_min_age, "max_age": s.token_max_age, "pow": s.pow_enabled})


def challenge(request):
    s = runtime.settings()
    if not s.pow_enabled:
        return web.json_response(404, {"error": "未启用人机验证。"})
    if s.secret is None:
        return web.json_response(503, {"error": "服务配置不完整，请稍后再试。"},
                                 {"Retry-After": "300"})
    return web.json_response(200, abuse.create_challenge(s.secret, s.pow_max_number))


def health(request):
    s = runtime.settings()
    checks = {"site_data": _load_site(s) is not None, "secret": s.secret is not None}
    ok = all(checks.values())
    return web.json_response(200 if ok else 503, {"status": "ok" if ok else "degraded",
                                                  "checks": checks})


def preflight(request):
    from chalice import Response
    return Response(body="", status_code=204,
                    headers=web.cors_headers(request, runtime.settings(), preflight=True))


def submit(request):
    s = runtime.settings()
    kind, fields = web.parse_submission(request)
    as_html = kind == "form"
    channel = "web-form" if as_html else "json"
    site = _load_site(s)

    def fail(status, errors=None, message="", heading="提交未成功", headers=None):
        if as_html:
            return web.form_page(status, heading, message, errors or {}, fields, site, s, headers)
        body = {"errors": errors} if errors else {"error": message}
        if message and errors:
            body["error"] = message
        return web.json_response(status, body, headers)

    if site is None or s.secret is None:
        return fail(503, message="意见征集服务暂时不可用（系统正在更新），请稍后再试。您填写的内容如下，请先复制保存。",
                    headers={"Retry-After": "300"})
    client = client_of(request, s)
    key_of_client = f"web:{client}"

    def limited(wait):
        minutes = max(1, (wait + 59) // 60)
        return fail(429, message=f"提交次数过多，请约{minutes}分钟后再试。",
                    headers={"Retry-After": str(wait)})

    # A client over the limit hears so first. A typing mistake is answered
    # before the count is taken, which it never touches: parallel mistakes
    # cannot hold the count while they are looked at.
    wait = _safe_state("retry_after", key_of_client, s.rate_limit, s.rate_window) if s.rate_limit > 0 else 0
    if wait:
        return limited(wait)
    suspicious = _suspicious(fields, kind, s)
    errors = {}
    try:
        key = schema.idempotency_key(fields.get("idempotency_key"))
    except schema.Invalid as exc:
        key, errors["idempotency_key"] = None, str(exc)
    payload, field_errors = schema.validate(fields, site)
    errors.update(field_errors)
    if errors and not suspicious:
        return fail(400, errors)
    rate = RateCount(key_of_client, s.rate_limit, s.rate_window)
    if rate.wait:
        return limited(rate.wait)
    try:
        return _submit_counted(request, s, fields, payload, key, suspicious, client, channel, rate, fail)
    except BaseException:
        rate.uncount()      # an unexpected error is not the client's act
        raise


def _suspicious(fields, kind, s):
    """The errors of a submission that looks automated (the honeypot filled,
    a bad or missing form token), or None. Such a submission counts."""
    if str(fields.get(abuse.HONEYPOT_FIELD) or "").strip():
        return {"form": "提交未通过校验，请重新提交。"}
    token = fields.get(abuse.TOKEN_FIELD)
    if token:
        problem = abuse.check_token(s.secret, token, s.token_min_age, s.token_max_age)
        if problem:
            return {"form_token": problem}
    elif kind == "json" and s.require_token_json:
        return {"form_token": "缺少表单校验信息，请刷新页面后重新提交。"}
    return None


def _submit_counted(request, s, fields, payload, key, suspicious, client, channel, rate, fail):
    as_html = channel == "web-form"

    def abusive(errors):
        rate.count()
        return fail(400, errors)

    if suspicious:
        return abusive(suspicious)

    if s.pow_enabled:
        solved = abuse.verify_solution(s.secret, fields.get(abuse.POW_FIELD))
        if not solved or not _safe_state("once", f"pow:{solved}", 3600):
            return abusive({"altcha": "请完成人机验证后再提交。"})

    try:
        code = submissions.enqueue(
            runtime.queue(), s.secret, payload, channel,
            abuse.user_agent_class(request.headers.get("user-agent")), client,
            idempotency_key=key)
    except QueueUnavailable as exc:
        log.error("queue unavailable: %s", exc)
        rate.uncount()      # nothing was stored
        return fail(503, message="系统繁忙，您的意见尚未提交成功，请稍后再试。您填写的内容已保留在下方。",
                    headers={"Retry-After": str(QUEUE_RETRY_AFTER)})
    rate.count()

    if as_html:
        return web.redirect(f"/api/thanks?code={code}")  # the function's own origin
    return web.json_response(202, {"code": code, "track_url": f"{s.site_url}/track/?code={code}"})


def thanks(request):
    """The receipt after a plain (no-JavaScript) form post: a static page
    cannot read the code from its address, so the function shows it."""
    s = runtime.settings()
    raw = (request.query_params or {}).get("code", "")
    try:
        code = tracking.normalize(raw)
    except tracking.CodeError as err:
        return web.message_page(400, "受理编号有误", err.message)
    return web.receipt_page(code, f"{s.site_url}/track/?code={code}", f"{s.site_url}/")
