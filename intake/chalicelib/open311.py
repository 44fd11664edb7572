"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for partner
apps: services are the suggestion categories, every service is ``batch``
(a person reads each submission), so POST answers with a ``token`` -- the
tracking code -- rather than a service_request_id.

Both formats of the spec are served: XML (required by the spec) and JSON.
Deliberate choices where the spec leaves room or differs from our rules:
- ``email``, ``device_id``, ``account_id`` and ``media_url`` are ignored and
  never stored (we must not hold what we cannot protect or publish);
- the citizen's consent to the privacy notice is a required attribute;
- a queue outage answers 503 with Retry-After (spec: 400 "general service
  error") so that clients retry instead of dropping the report.
"""

import hashlib
import hmac
import math
from html import escape as _html_escape

from . import abuse, runtime, schema, sitedata, submissions, web
from .handlers import RateCount
from .queues import QueueUnavailable

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"   # bump when services/attributes change
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
_LIST_ITEMS = {"services": "service", "attributes": "attribute", "values": "value",
               "service_requests": "request", "errors": "error", "endpoints": "endpoint",
               "formats": "format"}
_ATTRS = ("title", "target", "anonymous", "contact", "consent")
_FIELD_NAMES = {"category": "service_code", "content": "description", "name": "first_name/last_name",
                "phone": "phone"}


# --- serialisation -------------------------------------------------------------

def escape(text):
    # &, < and > as XML needs them (xml.sax.saxutils would pull in
    # urllib.request and slow every cold start by ~30 ms).
    return _html_escape(text, quote=False)


def _xml(tag, value):
    if isinstance(value, dict):
        inner = "".join(_xml(k, v) for k, v in value.items())
    elif isinstance(value, list):
        item = _LIST_ITEMS.get(tag, "item")
        inner = "".join(_xml(item, v) for v in value)
    elif value is None:
        return f"<{tag}/>"
    elif isinstance(value, bool):
        inner = "true" if value else "false"
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def respond(fmt, status, root, data, headers=None):
    """``root`` names the XML document element; JSON is the bare data."""
    h = {"Cache-Control": "no-store"}
    h.update(headers or {})
    if fmt == "xml":
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + _xml(root, data)
        h["Content-Type"] = FORMATS["xml"]
        from chalice import Response
        return Response(body=body, status_code=status, headers=h)
    return web.json_response(status, data, h)


def error(fmt, status, description, headers=None):
    return respond(fmt, status, "errors", [{"code": status, "description": description}], headers)


def errors(fmt, status, descriptions):
    return respond(fmt, status, "errors",
                   [{"code": status, "description": d} for d in descriptions])


def split_format(name):
    """'transport.json' -> ('transport', 'json'); unknown format -> (..., None)."""
    base, dot, fmt = name.rpartition(".")
    if not dot or fmt not in FORMATS:
        return name, None
    return base, fmt


def _site(fmt):
    s = runtime.settings()
    try:
        return sitedata.load(s.site_data_path), None
    except sitedata.SiteDataMissing:
        return None, error(fmt, 503, "服务暂时不可用，请稍后再试。", {"Retry-After": "300"})


# --- resources -------------------------------------------------------------------

def discovery(request, fmt):
    s = runtime.settings()
    if s.site_url:
        base = s.site_url
    else:
        proto = (request.headers.get("x-forwarded-proto") or "http").split(",")[0].strip()
        base = f"{proto}://{request.headers.get('host') or 'localhost'}"
    return respond(fmt, 200, "discovery", {
        "changeset": CHANGESET,
        "contact": s.contact,
        "key_service": "API 密钥请向人大代表联络办公室申请。",
        "endpoints": [{
            "specification": SPEC_URL,
            "url": f"{base}/api/open311/v2",
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


def services(request, fmt):
    site, failure = _site(fmt)
    if failure:
        return failure
    return respond(fmt, 200, "services", [{
        "service_code": slug,
        "service_name": name,
        "description": f"向人大代表反映{name}方面的意见建议。",
        "metadata": True,
        "type": "batch",
        "keywords": name,
        "group": "意见建议",
    } for slug, name in site.categories])


def _attributes(site):
    yes_no = [{"key": "true", "name": "是"}, {"key": "false", "name": "否"}]
    return [
        {"variable": True, "code": "title", "datatype": "string", "required": False,
         "datatype_description": f"不超过{schema.TITLE_MAX}字", "order": 1,
         "description": "标题"},
        {"variable": True, "code": "target", "datatype": "singlevaluelist", "required": False,
         "datatype_description": None, "order": 2, "description": "反映给哪位代表或哪个代表之家",
         "values": [{"key": v, "name": label} for v, label in site.targets()]},
        {"variable": True, "code": "anonymous", "datatype": "singlevaluelist", "required": False,
         "datatype_description": None, "order": 3, "description": "匿名（公开时不显示姓名）",
         "values": yes_no},
        {"variable": True, "code": "contact", "datatype": "singlevaluelist", "required": False,
         "datatype_description": None, "order": 4,
         "description": "希望工作人员电话联系（须填写 phone）", "values": yes_no},
        {"variable": True, "code": "consent", "datatype": "singlevaluelist", "required": True,
         "datatype_description": None, "order": 5,
         "description": "提交人已阅读并同意《隐私说明》", "values": [{"key": "true", "name": "同意"}]},
    ]


def service_definition(request, service_file):
    code, fmt = split_format(service_file)
    if fmt is None:
        return error("json", 404, "不支持的格式：请使用 .json 或 .xml。")
    site, failure = _site(fmt)
    if failure:
        return failure
    if code not in site.category_names:
        return error(fmt, 404, f"service_code not found: {code[:40]}")
    return respond(fmt, 200, "service_definition",
                   {"service_code": code, "attributes": _attributes(site)})


def _location(fields):
    """The spec requires one full location: lat & long, address_string or address_id."""
    loc = {}
    lat, lon = (fields.get("lat") or "").strip(), (fields.get("long") or "").strip()
    if lat or lon:
        try:
            flat, flon = float(lat), float(lon)
        except ValueError:
            return None, "lat/long 须为 WGS84 十进制度数。"
        if not (math.isfinite(flat) and math.isfinite(flon)
                and -90 <= flat <= 90 and -180 <= flon <= 180):
            return None, "lat/long 超出范围。"
        loc.update(lat=flat, long=flon)
    for key in ("address_string", "address_id"):
        try:
            text, n = schema._text(fields.get(key), multiline=False)
        except schema.Invalid:
            return None, f"{key} 无效。"
        if n > 200:
            return None, f"{key} 不能超过200个字。"
        if text:
            loc[key] = text
    if not loc:
        return None, "缺少位置：须提供 lat 和 long，或 address_string，或 address_id。"
    return loc, None


def post_request(request, fmt):
    s = runtime.settings()
    try:
        body = web.check_size(request)
        mtype, params = web.media_type(request.headers)
        if mtype != web.FORM_TYPE:
            return error(fmt, 415, "Content-Type 须为 application/x-www-form-urlencoded。")
        fields = web.parse_form(body, params.get("charset"))
    except web.HttpError as exc:
        return error(fmt, exc.status, exc.message)

    key = fields.get("api_key") or ""
    key_hash = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    if not key or not any(hmac.compare_digest(key_hash, k) for k in s.open311_key_hashes):
        return error(fmt, 403, "api_key 缺失或无效。")
    site, failure = _site(fmt)
    if failure:
        return failure
    if s.secret is None:
        return error(fmt, 503, "服务配置不完整，请稍后再试。", {"Retry-After": "300"})

    service_code = (fields.get("service_code") or "").strip()
    if not service_code:
        return error(fmt, 400, "缺少 service_code。")
    if service_code not in site.category_names:
        return error(fmt, 404, f"service_code not found: {service_code[:40]}")

    rate = RateCount(f"open311:{key_hash}", s.open311_rate_limit, s.rate_window)
    if rate.wait:
        return error(fmt, 429, "请求过于频繁，请稍后再试。", {"Retry-After": str(rate.wait)})
    try:
        return _post_counted(request, fmt, s, fields, site, service_code, key_hash, rate)
    except BaseException:
        rate.uncount()      # an unexpected error is not the partner's act
        raise


def _post_counted(request, fmt, s, fields, site, service_code, key_hash, rate):
    location, problem = _location(fields)
    problems = [problem] if problem else []
    last, first = (fields.get("last_name") or "").strip(), (fields.get("first_name") or "").strip()
    raw = {
        "category": service_code,
        "content": fields.get("description"),
        "name": f"{last}{first}",   # Chinese order: family name first, no space
        "phone": fields.get("phone"),
    }
    for attr in _ATTRS:
        raw[attr] = fields.get(f"attribute[{attr}]")
    payload, field_errors = schema.validate(raw, site)
    for field, message in field_errors.items():
        name = _FIELD_NAMES.get(field, f"attribute[{field}]")
        problems.append(f"{name}: {message}")
    if problems:
        rate.uncount()      # invalid requests do not count (as before)
        return errors(fmt, 400, problems)
    payload["location"] = location

    try:
        code = submissions.enqueue(
            runtime.queue(), s.secret, payload, "open311",
            abuse.user_agent_class(request.headers.get("user-agent")),
            f"open311:{key_hash[:12]}")
    except QueueUnavailable:
        rate.uncount()      # nothing was stored
        return error(fmt, 503, "系统繁忙，请求未受理，请稍后重试。", {"Retry-After": "30"})
    rate.count()
    track = f"{s.site_url}/track/?code={code}"
    return respond(fmt, 200, "service_requests", [{
        "token": code,
        "service_notice": f"已受理，受理编号 {code}。办理进度可在 {track} 查询。",
    }])
