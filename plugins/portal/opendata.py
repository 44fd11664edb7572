"""Open data: the public content as JSON and CSV, with a JSON Schema each.

One declaration per dataset (``DATASETS``) gives, for every field, its name,
type and Chinese meaning; the records, the schema and the documentation on
``/data/`` are all made from it, so they cannot drift apart.

Only public fields are published: the submitter is already ``张某`` or
``匿名`` in ``content/`` (the private case file never gets there), and
deputies have no personal contact data in their files. Field names are
English snake_case and stable; dates are ISO 8601 (``YYYY-MM-DD``), times
``HH:MM`` and date-times carry the ``+08:00`` offset of Beijing time.
"""

import csv
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

# (json schema type, label shown on the data page)
STR = ({"type": "string"}, "字符串")
OSTR = ({"type": ["string", "null"]}, "字符串或 null")
DATE = ({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}, "日期 YYYY-MM-DD")
ODATE = ({"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
         "日期 YYYY-MM-DD 或 null")
DATETIME = ({"type": "string", "format": "date-time",
             "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$"}, "日期时间（北京时间 +08:00）")
TIME = ({"type": "string", "pattern": r"^\d{2}:\d{2}$"}, "时间 HH:MM")
BOOL = ({"type": "boolean"}, "布尔值")
INT = ({"type": "integer", "minimum": 0}, "整数")
OINT = ({"type": ["integer", "null"], "minimum": 0}, "整数或 null")
NUM = ({"type": ["number", "null"]}, "数值或 null")
IDS = ({"type": "array", "items": {"type": "string"}}, "字符串数组")


def _enum(base, values):
    schema, label = base
    schema = dict(schema, enum=list(values) + ([None] if "null" in schema["type"] else []))
    return schema, label


def _dated(note):
    return ({"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["date", note],
        "properties": {"date": DATE[0], note: {"type": "string"}}}},
        f"数组，每项含 date 和 {note}")


class Dataset:
    def __init__(self, name, title, description, fields, csv=False):
        self.name, self.title, self.description = name, title, description
        self.fields = fields  # (name, (schema, type label), meaning)
        self.csv = csv

    @property
    def json_file(self):
        return f"data/{self.name}.json"

    @property
    def csv_file(self):
        return f"data/{self.name}.csv" if self.csv else None

    @property
    def schema_file(self):
        return f"data/{self.name}.schema.json"

    def schema(self, siteurl):
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{siteurl}/{self.schema_file}",
            "title": self.title,
            "description": self.description,
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [name for name, _, _ in self.fields],
                "properties": {name: dict(spec[0], description=meaning)
                               for name, spec, meaning in self.fields},
            },
        }

    def csv_columns(self):
        return [name for name, spec, _ in self.fields if spec[0]["type"] not in ("array", "object")]


def suggestion_fields(settings):
    categories = [slug for slug, _ in settings["SUGGESTION_CATEGORIES"]]
    results = list(settings["RESULT_CLASSES"])
    from .models import SATISFACTION, STATE_LABELS
    return [
        ("code", STR, "受理编号，也是页面地址的一部分"),
        ("url", STR, "意见建议页面地址"),
        ("title", STR, "标题"),
        ("source", _enum(STR, ["群众意见", "代表建议"]), "来源：群众意见或代表建议"),
        ("category", STR, "类别名称"),
        ("category_code", _enum(STR, categories), "类别代码（英文）"),
        ("submitter", OSTR, "群众意见的提出人，只公开“姓+某”或“匿名”；代表建议为 null"),
        ("lead_deputy", OSTR, "领衔代表编号（代表建议）"),
        ("cosigner_deputies", IDS, "附议代表编号"),
        ("addressed_deputies", IDS, "群众意见反映给的代表编号"),
        ("station", OSTR, "收集意见的代表之家或联络站编号"),
        ("reception_day", OSTR, "收集意见的接待日编号"),
        ("reception_date", ODATE, "收集意见的接待日日期"),
        ("received", DATE, "受理日期"),
        ("assigned", ODATE, "交办日期"),
        ("lead_unit", OSTR, "主办单位编号"),
        ("lead_unit_name", OSTR, "主办单位名称"),
        ("assist_units", IDS, "协办单位编号"),
        ("deadline", ODATE, "办理期限"),
        ("answered", ODATE, "答复日期"),
        ("answered_on_time", BOOL, "是否在办理期限内答复"),
        ("overdue", BOOL, "是否逾期（未在期限内答复；按生成网站当天计算）"),
        ("result", _enum(OSTR, results), "办理结果类别代码"),
        ("result_label", OSTR, "办理结果类别名称"),
        ("face_to_face", BOOL, "答复是否面商"),
        ("evaluated", ODATE, "评价日期"),
        ("satisfaction", _enum(OSTR, SATISFACTION), "对答复的满意度"),
        ("second_reply", ODATE, "二次答复日期"),
        ("second_satisfaction", _enum(OSTR, SATISFACTION), "对二次答复的满意度"),
        ("closed", ODATE, "办结日期"),
        ("state", _enum(STR, list(STATE_LABELS)), "办理状态代码"),
        ("state_label", _enum(STR, list(STATE_LABELS.values())), "办理状态名称"),
        ("supervised", BOOL, "是否重点督办"),
        ("supervisor", OSTR, "督办领导（职务）"),
        ("merged_into", OSTR, "重复件并入的受理编号"),
        ("merged", ODATE, "合并日期"),
        ("rejected", ODATE, "不予受理日期"),
        ("reject_reason", OSTR, "不予受理的理由"),
        ("withdrawn", ODATE, "撤回日期"),
        ("progress", _dated("note"), "办理进度（日期和说明）"),
        ("followups", _dated("finding"), "回头看（日期和发现）"),
        ("text", STR, "意见建议正文（纯文本）"),
        ("reply_text", OSTR, "答复全文（纯文本）"),
        ("second_reply_text", OSTR, "二次答复全文（纯文本）"),
    ]


DEPUTY_FIELDS = [
    ("id", STR, "代表编号，也是页面地址的一部分"),
    ("url", STR, "代表页面地址"),
    ("name", STR, "姓名"),
    ("levels", ({"type": "array", "items": {"enum": ["全国", "省", "市", "县", "乡镇"]}}, "字符串数组"),
     "代表层级（全国、省、市、县、乡镇，可多个）"),
    ("level_label", STR, "层级说明，如“县镇两级代表”"),
    ("term", STR, "届别"),
    ("constituency", STR, "选区"),
    ("group", STR, "代表小组"),
    ("station", OSTR, "所在代表之家或联络站编号"),
    ("occupation", STR, "职业或职务"),
    ("ethnicity", STR, "民族"),
    ("gender", _enum(STR, ["男", "女"]), "性别"),
    ("households", OINT, "联系户数"),
    ("newly_elected", BOOL, "是否本届新当选"),
    ("suggestions_led", IDS, "领衔提出的代表建议（受理编号）"),
    ("suggestions_cosigned", IDS, "附议的代表建议（受理编号）"),
    ("opinions_addressed", IDS, "群众反映给该代表的意见（受理编号）"),
]

STATION_FIELDS = [
    ("id", STR, "编号，也是页面地址的一部分"),
    ("url", STR, "页面地址"),
    ("name", STR, "名称"),
    ("kind", _enum(STR, ["代表之家", "代表联络站"]), "类型"),
    ("address", STR, "地址"),
    ("village", STR, "服务的村（社区）"),
    ("latitude", NUM, "纬度（WGS 84）"),
    ("longitude", NUM, "经度（WGS 84）"),
    ("hours", STR, "开放时间"),
    ("head", STR, "站长"),
    ("phone", STR, "公开的联系电话"),
    ("facilities", IDS, "设施"),
    ("deputies", IDS, "进站代表编号"),
]

RECEPTION_FIELDS = [
    ("schedule", STR, "接待日安排编号"),
    ("url", STR, "该次接待日页面地址"),
    ("title", STR, "接待日名称"),
    ("station", OSTR, "地点：代表之家或联络站编号"),
    ("station_name", OSTR, "地点名称"),
    ("original_date", DATE, "原定日期（改期时与 date 不同）"),
    ("date", DATE, "实际日期"),
    ("start", DATETIME, "开始时间"),
    ("end", DATETIME, "结束时间"),
    ("deputies", IDS, "接待代表编号"),
    ("theme", OSTR, "主题"),
    ("status", _enum(STR, ["scheduled", "cancelled", "moved"]), "scheduled 按期、cancelled 已取消、moved 已改期"),
    ("reason", OSTR, "取消或改期的原因"),
    ("visitors", OINT, "接待群众人次（有接待记录时）"),
    ("opinions", OINT, "收集意见条数（有接待记录时）"),
    ("record_summary", OSTR, "接待记录摘要"),
]


def datasets(settings):
    return [
        Dataset("suggestions", "意见建议", "已公开的群众意见和代表建议及其办理情况，每件一条记录。",
                suggestion_fields(settings), csv=True),
        Dataset("deputies", "人大代表", "人大代表名单，每名代表一条记录。", DEPUTY_FIELDS),
        Dataset("stations", "代表之家和联络站", "代表之家和代表联络站，每处一条记录。", STATION_FIELDS),
        Dataset("reception-days", "接待选民日", "接待选民日，每个具体日期一条记录（含已取消和改期的日期）。",
                RECEPTION_FIELDS),
    ]


# -- records ---------------------------------------------------------------------

class _Text(HTMLParser):
    """The reference reading of HTML as text (plain_text must agree with it)."""
    BLOCKS = {"p", "li", "br", "h1", "h2", "h3", "h4", "tr", "div", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text_reference(html):
    if not html:
        return ""
    parser = _Text()
    parser.feed(str(html))
    parser.close()
    return _lines(unescape("".join(parser.parts)))


def _lines(text):
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_SPACES = re.compile(r"[ \t]+")
_MARKUP = re.compile(r"<(?:(/)?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>|!--.*?-->)", re.S)


def plain_text(html):
    """Rendered Markdown -> plain text, one paragraph per line. The HTML is
    the build's own (Markdown output, raw HTML escaped), so tags can be
    read with one pattern; anything unusual (a stray < or >) goes to the
    reference parser, with which this agrees (tests/site/test_opendata.py)."""
    if not html:
        return ""
    html = str(html)
    stripped = _MARKUP.sub(lambda m: "\n" if m.group(2) and not m.group(1)
                           and m.group(2).lower() in _Text.BLOCKS else "", html)
    if "<" in stripped or ">" in stripped:
        return plain_text_reference(html)
    return _lines(unescape(unescape(stripped)))


def _iso(day):
    return day.isoformat() if day else None


def _slug(obj):
    return obj.slug if obj is not None else None


def _url(settings, url):
    return f"{settings.get('SITEURL') or ''}/{url}"


def suggestion_record(s, settings, today):
    results = settings["RESULT_CLASSES"]
    occasion = s.occasion
    return {
        "code": s.code,
        "url": _url(settings, s.url),
        "title": s.title,
        "source": s.source,
        "category": s.category,
        "category_code": s.category_slug,
        "submitter": s.submitter if s.source == "群众意见" else None,
        "lead_deputy": _slug(s.lead),
        "cosigner_deputies": [d.slug for d in s.cosigners],
        "addressed_deputies": [d.slug for d in s.addressed_to],
        "station": _slug(s.station),
        "reception_day": occasion.schedule.slug if occasion else None,
        "reception_date": _iso(occasion.date) if occasion else None,
        "received": _iso(s.received),
        "assigned": _iso(s.assigned),
        "lead_unit": _slug(s.lead_unit),
        "lead_unit_name": s.lead_unit.name if s.lead_unit else None,
        "assist_units": [u.slug for u in s.assist_units],
        "deadline": _iso(s.deadline),
        "answered": _iso(s.answered),
        "answered_on_time": s.answered_on_time,
        "overdue": s.is_overdue(today),
        "result": s.result,
        "result_label": results.get(s.result) if s.result else None,
        "face_to_face": bool(s.face_to_face),
        "evaluated": _iso(s.evaluated),
        "satisfaction": s.satisfaction,
        "second_reply": _iso(s.second_reply),
        "second_satisfaction": s.second_satisfaction,
        "closed": _iso(s.closed),
        "state": s.state,
        "state_label": s.state_label,
        "supervised": bool(s.supervised),
        "supervisor": s.supervisor,
        "merged_into": s.merged_into_code,
        "merged": _iso(s.merged),
        "rejected": _iso(s.rejected),
        "reject_reason": s.reject_reason,
        "withdrawn": _iso(s.withdrawn),
        "progress": [{"date": _iso(d), "note": text} for d, text in s.progress],
        "followups": [{"date": _iso(d), "finding": text} for d, text in s.followups],
        "text": plain_text(getattr(s, "body_html", None) or s.content),
        "reply_text": plain_text(getattr(s, "reply_html", None)) or None,
        "second_reply_text": plain_text(getattr(s, "second_reply_html", None)) or None,
    }


def deputy_record(d, settings):
    codes = lambda items: sorted(s.code for s in items)  # noqa: E731
    return {
        "id": d.slug, "url": _url(settings, d.url), "name": d.name,
        "levels": list(d.levels), "level_label": d.level_label, "term": d.term,
        "constituency": d.constituency, "group": d.group, "station": _slug(d.station),
        "occupation": d.occupation, "ethnicity": d.ethnicity, "gender": d.gender,
        "households": d.households, "newly_elected": bool(d.newly_elected),
        "suggestions_led": codes(d.led), "suggestions_cosigned": codes(d.cosigned),
        "opinions_addressed": codes(d.addressed),
    }


def station_record(st, settings):
    return {
        "id": st.slug, "url": _url(settings, st.url), "name": st.name, "kind": st.kind,
        "address": st.address, "village": st.village,
        "latitude": st.latitude, "longitude": st.longitude,
        "hours": st.hours, "head": st.head, "phone": st.phone,
        "facilities": list(st.facilities or []),
        "deputies": sorted(d.slug for d in st.deputies),
    }


def reception_record(o, settings):
    record = o.record or (None, None, None)
    status = "cancelled" if o.cancelled else "moved" if o.moved else "scheduled"
    return {
        "schedule": o.schedule.slug, "url": _url(settings, o.url), "title": o.title,
        "station": _slug(o.station), "station_name": o.station.name if o.station else None,
        "original_date": _iso(o.original_date), "date": _iso(o.date),
        "start": f"{o.date.isoformat()}T{o.start:%H:%M:%S}+08:00",
        "end": f"{o.date.isoformat()}T{o.end:%H:%M:%S}+08:00",
        "deputies": [d.slug for d in o.deputies],
        "theme": o.schedule.theme or None,
        "status": status, "reason": o.reason or None,
        "visitors": record[0], "opinions": record[1], "record_summary": record[2],
    }


def to_json(data):
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def json_line(record):
    """One record as one line of compact JSON (the C encoder; indenting
    would take the pure-Python one, ten times slower)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_json_lines(records):
    """A JSON array with one record per line: valid JSON, readable, and
    spliceable one record at a time (writer.joined)."""
    return b"[\n" + b",\n".join(json_line(r) for r in records) + (b"\n]\n" if records else b"]\n")


def csv_row(record, columns):
    """One CSV line (booleans as true/false, missing values empty)."""
    buffer = io.StringIO()
    row = []
    for name in columns:
        value = record[name]
        row.append("" if value is None else "true" if value is True else "false" if value is False
                   else str(value))
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue().encode("utf-8")


def csv_head(columns):
    """UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def to_csv(records, columns):
    return csv_head(columns) + b"".join(csv_row(r, columns) for r in records)


def write_open_data(site, cat):
    """The datasets, their schemas and the data page. The suggestions
    (the large ones) are joined files: one fragment per suggestion, made
    again only for the suggestions that changed."""
    from .fingerprint import digest
    settings = cat.settings
    siteurl = settings.get("SITEURL") or ""
    sets = {ds.name: ds for ds in datasets(settings)}
    records = {}

    def record(s):  # one record per suggestion for both the JSON and the CSV
        if s.code not in records:
            records[s.code] = suggestion_record(s, settings, cat.today)
        return records[s.code]

    ds = sets["suggestions"]
    columns = ds.csv_columns()
    if "open-data" in cat.changes:
        everything = cat.changes.everything

        def parts(suggestions, line):
            return [(s.code, f"{s.received} {s.code}", s.render_digest, lambda s=s: line(record(s)))
                    for s in suggestions]
        changed, dropped = cat.affected("suggestions"), cat.dropped("suggestions")
        has_any = cat.db.execute("SELECT 1 FROM suggestion LIMIT 1").fetchone() is not None
        site.joined(ds.json_file, b"[\n", b"\n]\n" if has_any else b"]\n", sep=b",\n", owner="open-data",
                    parts=parts(changed, json_line), drop=dropped,
                    full=None if everything else lambda: parts(cat.suggestions.values(), json_line))

        def csv_line(r):
            return csv_row(r, columns)
        site.joined(ds.csv_file, csv_head(columns), sep=b"", owner="open-data", parts=parts(changed, csv_line),
                    drop=dropped, full=None if everything else lambda: parts(cat.suggestions.values(), csv_line))
    if "deputies-data" in cat.changes:
        deputies = sorted(cat.deputies.values(), key=lambda d: d.slug)
        site.file(sets["deputies"].json_file, owner="deputies-data",
                  data=lambda: to_json_lines([deputy_record(d, settings) for d in deputies]),
                  inputs=[digest(d.render_digest, *(s.code for s in d.led), "|", *(s.code for s in d.cosigned),
                                 "|", *(s.code for s in d.addressed)) for d in deputies])
    if "stations" in cat.changes:
        stations = sorted(cat.stations.values(), key=lambda s: s.slug)
        site.file(sets["stations"].json_file, owner="stations",
                  data=lambda: to_json_lines([station_record(s, settings) for s in stations]),
                  inputs=[*stations, *(d.render_digest for d in sorted(cat.deputies.values(),
                                                                         key=lambda d: d.slug))])
    if "reception" in cat.changes:
        occasions = sorted(cat.occasions, key=lambda o: (o.date, o.start, o.schedule.slug, o.original_date))
        site.file(sets["reception-days"].json_file, owner="reception",
                  data=lambda: to_json_lines([reception_record(o, settings) for o in occasions]),
                  inputs=[o.static_digest for o in occasions])
    for ds in sets.values():
        site.file(ds.schema_file, to_json(ds.schema(siteurl)), owner="site")
    counts = {"suggestions": len(cat.suggestions), "deputies": len(cat.deputies), "stations": len(cat.stations),
              "reception-days": cat.db.execute("SELECT count(*) FROM occasion").fetchone()[0]}
    site.page("data/index.html", "data", inputs=[counts], owner="site",
              context=lambda: dict(datasets=list(sets.values()), counts=counts))
