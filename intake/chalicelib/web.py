"""HTTP plumbing shared by the routes: body parsing with hard limits,
responses, the citizen-facing HTML pages, CORS and the guard that turns any
unexpected exception into a clean answer instead of a traceback.
"""

import functools
import html
import json
import logging
import os
import urllib.parse

from chalice import Response

log = logging.getLogger("intake")

MAX_BODY = 16 * 1024
FORM_CHARSETS = {"utf-8", "utf8", "gbk", "gb2312", "gb18030"}
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


class HttpError(Exception):
    def __init__(self, status, message, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def media_type(headers):
    """(type, params) of the Content-Type header; type lower-cased."""
    raw = headers.get("content-type") or ""
    parts = raw.split(";")
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.strip().lower()] = v.strip().strip('"').lower()
    return parts[0].strip().lower(), params


def raw_body(request):
    try:
        body = request.raw_body
    except (UnicodeError, ValueError):  # e.g. a lone surrogate in a text event body
        raise HttpError(400, "提交的数据无法识别（编码错误）。") from None
    if body is None:
        return b""
    return body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body


def check_size(request):
    try:
        declared = int(request.headers.get("content-length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY:
        raise HttpError(413, "提交的内容过长。")
    body = raw_body(request)
    if len(body) > MAX_BODY:
        raise HttpError(413, "提交的内容过长。")
    return body


def parse_form(body, charset):
    charset = charset or "utf-8"
    if charset not in FORM_CHARSETS:
        raise HttpError(415, f"不支持的字符编码：{charset[:40]}。")
    try:
        text = body.decode(charset)
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, encoding=charset,
                                       errors="strict", max_num_fields=200)
    except (UnicodeError, ValueError):
        raise HttpError(400, "提交的数据无法识别（编码错误）。") from None
    fields = {}
    for key, value in pairs:
        fields[key] = value  # the last of repeated fields wins
    return fields


def parse_json(body, charset):
    if charset and charset not in ("utf-8", "utf8"):
        raise HttpError(415, "JSON 必须使用 UTF-8 编码。")
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeError, ValueError, RecursionError):
        raise HttpError(400, "提交的数据不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise HttpError(400, "提交的数据应为 JSON 对象。")
    return data


def parse_submission(request):
    """Return (kind, fields) with kind 'json' or 'form'; raises HttpError."""
    body = check_size(request)
    mtype, params = media_type(request.headers)
    if mtype == JSON_TYPE:
        return "json", parse_json(body, params.get("charset"))
    if mtype == FORM_TYPE:
        return "form", parse_form(body, params.get("charset"))
    raise HttpError(415, "只接受 application/json 或 application/x-www-form-urlencoded 格式的提交。")


# --- responses ---------------------------------------------------------------

def json_response(status, obj, headers=None):
    h = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}
    h.update(headers or {})
    return Response(body=json.dumps(obj, ensure_ascii=False), status_code=status, headers=h)


def html_response(status, text, headers=None):
    from . import runtime
    # The page frame loads the site's stylesheet and images: from this origin,
    # or from the site's when the API has its own origin. No scripts.
    site = runtime.settings().site_url
    h = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
         "X-Content-Type-Options": "nosniff",
         "Content-Security-Policy": f"default-src 'none'; style-src 'self' 'unsafe-inline' {site}; "
                                    f"img-src 'self' data: {site}; "
                                    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"}
    h.update(headers or {})
    return Response(body=text, status_code=status, headers=h)


def redirect(location):
    return Response(body="", status_code=303,
                    headers={"Location": location, "Cache-Control": "no-store",
                             "Content-Type": "text/plain; charset=utf-8"})


_CSS = """
body{font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;font-size:18px;line-height:1.6;margin:0;padding:1rem;
color:#1a1a1a;background:#fff;max-width:40rem;margin:auto}
h1{font-size:1.4rem;color:#9b1c1c}.errors{border:2px solid #9b1c1c;padding:.5rem 1rem;
background:#fdf2f2}.field{margin:1rem 0}label{display:block;font-weight:600}
input[type=text],input[type=tel],select,textarea{width:100%;box-sizing:border-box;
font-size:1rem;padding:.5rem;border:1px solid #555}textarea{min-height:10rem}
.check label{display:inline;font-weight:400}.msg{color:#9b1c1c;font-weight:600}
.hp{position:absolute;left:-9999px}button{font-size:1.1rem;padding:.6rem 2rem;
background:#9b1c1c;color:#fff;border:0}
"""

FIELD_LABELS = {
    "category": "意见类别", "title": "标题", "content": "意见内容",
    "target": "反映给", "name": "姓名", "phone": "电话", "anonymous": "匿名",
    "contact": "联系", "consent": "隐私说明", "form": "提交",
    "form_token": "提交", "idempotency_key": "提交", "altcha": "人机验证",
    "website": "提交",
}


def _e(value):
    return html.escape("" if value is None else str(value), quote=True)


def _value(values, name):
    v = values.get(name)
    if v is None or isinstance(v, (dict, list)):
        return ""
    return str(v)


def _checked(values, name):
    from .schema import Invalid, flag
    try:
        return " checked" if flag(values.get(name)) else ""
    except Invalid:
        return ""


SHELL_TITLE = "<!--PORTAL-TITLE-->"
SHELL_CONTENT = "<!--PORTAL-CONTENT-->"
_shell_cache = {}


def page_shell(site_data_path):
    """The site's own page frame (header, navigation, footer, stylesheet),
    written by the site build next to site_data.json, so the function's
    pages look like the rest of the portal. None when the build has not
    provided one; pages then use a small built-in style."""
    path = os.path.join(os.path.dirname(site_data_path or ""), "page_shell.html")
    if path not in _shell_cache:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            _shell_cache[path] = text if SHELL_TITLE in text and SHELL_CONTENT in text else None
        except OSError:
            _shell_cache[path] = None
    return _shell_cache[path]


def _page(heading, body_parts):
    """Wrap body HTML in the site's shell, or in a self-contained page."""
    from . import runtime
    shell = page_shell(runtime.settings().site_data_path)
    body = "".join(body_parts)
    if shell:
        return (shell.replace(SHELL_TITLE, _e(heading), 1)
                .replace(SHELL_CONTENT, f'<div class="intake-page">{body}</div>', 1))
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>{body}</body></html>")


def form_page(status, heading, message, errors, values, site, settings, headers=None,
              with_form=True):
    """A page that lists the errors and gives the citizen back everything
    they typed in a form they can send again."""
    e = _e
    parts = [f"<h1>{e(heading)}</h1>"]
    if message:
        parts.append(f"<p>{e(message)}</p>")
    if errors:
        parts.append('<div class="errors" role="alert"><p>请修改以下内容后重新提交：</p><ul>')
        for field, text in errors.items():
            label = FIELD_LABELS.get(field, "提交")
            parts.append(f'<li><a href="#f-{e(field)}">{e(label)}</a>：{e(text)}</li>')
        parts.append("</ul></div>")

    def err(field):
        return f'<p class="msg" id="f-{e(field)}-msg">{e(errors[field])}</p>' if field in errors else ""

    if not with_form:
        return html_response(status, _page(heading, parts), headers)

    parts.append('<form method="post" action="/api/submissions" accept-charset="utf-8">')
    category = _value(values, "category")
    if site is None:  # lists unknown: keep the choices as they were
        for hidden in ("category", "target"):
            parts.append(f'<input type="hidden" name="{hidden}" value="{e(_value(values, hidden))}">')
    else:
        opts = ['<option value="">请选择</option>']
        for slug, name in site.categories:
            sel = " selected" if slug == category else ""
            opts.append(f'<option value="{e(slug)}"{sel}>{e(name)}</option>')
        parts.append(f'<div class="field"><label for="f-category">意见类别（必填）</label>{err("category")}'
                     f'<select id="f-category" name="category">{"".join(opts)}</select></div>')
    parts.append(f'<div class="field"><label for="f-title">标题（选填，不超过60字）</label>{err("title")}'
                 f'<input type="text" id="f-title" name="title" value="{e(_value(values, "title"))}"></div>')
    parts.append(f'<div class="field"><label for="f-content">意见内容（必填，10至2000字）</label>{err("content")}'
                 f'<textarea id="f-content" name="content">{e(_value(values, "content"))}</textarea></div>')
    if site is not None:
        target = _value(values, "target")
        opts = ['<option value="">不指定</option>']
        for value, label in site.targets():
            sel = " selected" if value == target else ""
            opts.append(f'<option value="{e(value)}"{sel}>{e(label)}</option>')
        parts.append(f'<div class="field"><label for="f-target">反映给（选填）</label>{err("target")}'
                     f'<select id="f-target" name="target">{"".join(opts)}</select></div>')
    parts.append(f'<div class="field"><label for="f-name">姓名（选填）</label>{err("name")}'
                 f'<input type="text" id="f-name" name="name" value="{e(_value(values, "name"))}"></div>')
    parts.append(f'<div class="field"><label for="f-phone">电话（选填，不会公开）</label>{err("phone")}'
                 f'<input type="tel" id="f-phone" name="phone" value="{e(_value(values, "phone"))}"></div>')
    for name, label in (("anonymous", "匿名（公开时不显示任何姓名）"),
                        ("contact", "希望工作人员与我电话联系"),
                        ("consent", f'我已阅读并同意<a href="{e(settings.site_url + settings.privacy_url)}">《隐私说明》</a>')):
        parts.append(f'<div class="field check" id="f-{name}">{err(name)}'
                     f'<input type="checkbox" id="c-{name}" name="{name}" value="1"{_checked(values, name)}> '
                     f'<label for="c-{name}">{label}</label></div>')
    for hidden in ("idempotency_key", "form_token"):
        v = _value(values, hidden)
        if v and hidden not in errors:
            parts.append(f'<input type="hidden" name="{hidden}" value="{e(v)}">')
    parts.append('<div class="hp" aria-hidden="true"><label for="f-website">请勿填写此栏</label>'
                 '<input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off"></div>')
    parts.append('<p><button class="button" type="submit">重新提交</button></p></form>')
    return html_response(status, _page(heading, parts), headers)


def receipt_page(code, track_url, home_url="/"):
    """The thank-you page after a form submission: the tracking code, large."""
    parts = [
        "<h1>提交成功</h1>",
        '<section class="receipt"><p>您的受理编号是：</p>',
        f'<strong class="code">{_e(code)}</strong>',
        "<p>请抄下或截图保存这个编号。工作人员受理后，凭编号可以查询办理进度和答复。</p>",
        f'<p><a class="button" href="{_e(track_url)}">查询办理进度</a></p></section>',
        f'<p><a href="{_e(home_url)}">返回首页</a></p>',
    ]
    return html_response(200, _page("提交成功", parts), {"Cache-Control": "no-store"})


def message_page(status, heading, message, headers=None):
    return form_page(status, heading, message, {}, {}, None, None, headers, with_form=False)


# --- CORS and the route guard ------------------------------------------------

def cors_headers(request, settings, preflight=False):
    origin = (request.headers.get("origin") or "").rstrip("/")
    if not origin or origin not in settings.cors_origins:
        return {}
    h = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        h.update({"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                  "Access-Control-Allow-Headers": "Content-Type",
                  "Access-Control-Max-Age": "600"})
    return h


def guarded(app, html_errors=False):
    """Wrap a view: HttpError -> its status; anything else -> a clean 500
    (logged by type only, never with the request body)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            from . import config
            request = app.current_request
            try:
                response = view(*args, **kwargs)
            except HttpError as exc:
                if html_errors and _wants_html(request):
                    response = message_page(exc.status, "提交未成功", exc.message, exc.headers)
                else:
                    body = {"error": exc.message}
                    if exc.status == 400:
                        body["errors"] = {"form": exc.message}
                    response = json_response(exc.status, body, exc.headers)
            except Exception as exc:  # the promise: never a traceback
                log.error("unhandled %s in %s", type(exc).__name__, view.__name__)
                if html_errors and _wants_html(request):
                    response = message_page(500, "系统出错", "系统暂时出错，请稍后再试。")
                else:
                    response = json_response(500, {"error": "系统暂时出错，请稍后再试。"})
            try:
                response.headers.update(cors_headers(request, config.settings()))
            except Exception:
                pass
            return response
        return wrapper
    return decorate


def _wants_html(request):
    try:
        return media_type(request.headers)[0] == FORM_TYPE
    except Exception:
        return False
