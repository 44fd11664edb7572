"""A read-only Open311 GeoReport v2 mirror of the published suggestions.

Static JSON files that follow the GeoReport v2 response format
(http://wiki.open311.org/GeoReport_v2), so that Open311 clients and civic
data tools can read the portal's cases without a server:

- ``open311/discovery.json``: the service discovery document;
- ``open311/v2/services.json``: one service per suggestion category;
- ``open311/v2/requests.json``: every published suggestion;
- ``open311/v2/requests/<code>.json``: one suggestion, as a one-element list.

Submitting goes through the intake function (its own Open311 endpoint under
``/api/``); this mirror only reads. Mapping decisions:

- ``service_request_id`` is the tracking code (受理编号); ``description`` the
  published text of the opinion (the title is ``x_title``);
- ``status`` is ``closed`` once a case is 办结 or ended without handling
  (merged, not accepted, withdrawn), otherwise ``open``; the portal's finer
  state is the extension field ``x_portal_state`` (and its label);
- the content records dates, not times: date-times are midnight Beijing time
  (``T00:00:00+08:00``);
- ``address``, ``lat`` and ``long`` are the station's where the opinion was
  collected at one, else empty / null; a citizen's address is never public;
- ``media_url`` is always empty: the portal publishes no citizen media.
"""

import datetime
import json

from .models import STATE_LABELS
from .opendata import plain_text

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CLOSED_STATES = ("closed", "merged", "rejected", "withdrawn")


def _dt(day):
    return f"{day.isoformat()}T00:00:00+08:00" if day else None


def last_event(s):
    return s.last_event_date()


def status_notes(s, settings):
    label = STATE_LABELS[s.state]
    if s.state == "merged":
        return f"{label}：与受理编号 {s.merged_into_code} 重复，合并办理。"
    if s.state == "rejected":
        return f"{label}：{s.reject_reason}"
    if s.answered and s.result:
        note = f"{label}。办理结果：{s.result}类（{settings['RESULT_CLASSES'][s.result]}）"
        if s.final_satisfaction:
            note += f"；满意度：{s.final_satisfaction}"
        return note + "。"
    if s.progress:
        return f"{label}。最新进度（{s.progress[-1][0].isoformat()}）：{s.progress[-1][1]}"
    return f"{label}。"


def request_record(s, settings, today):
    station = s.station or (s.occasion.station if s.occasion else None)
    notice = ""
    if s.deadline and not s.answered and s.state not in CLOSED_STATES:
        notice = f"办理期限：{s.deadline.isoformat()}" + ("（已逾期）" if s.is_overdue(today) else "")
    return {
        "service_request_id": s.code,
        "status": "closed" if s.state in CLOSED_STATES else "open",
        "status_notes": status_notes(s, settings),
        "service_name": s.category,
        "service_code": s.category_slug,
        "description": plain_text(getattr(s, "body_html", None) or s.content) or s.title,
        "agency_responsible": s.lead_unit.name if s.lead_unit else "",
        "service_notice": notice,
        "requested_datetime": _dt(s.received),
        "updated_datetime": _dt(last_event(s)),
        "expected_datetime": _dt(s.deadline) if s.state not in CLOSED_STATES else None,
        "address": station.address if station else "",
        "address_id": "",
        "zipcode": "",
        "lat": station.latitude if station else None,
        "long": station.longitude if station else None,
        "media_url": "",
        # Extensions (x_ prefix): the portal's finer states.
        "x_url": f"{settings.get('SITEURL') or ''}/{s.url}",
        "x_title": s.title,
        "x_source": s.source,
        "x_portal_state": s.state,
        "x_portal_state_label": s.state_label,
        "x_result_class": s.result,
        "x_result_label": settings["RESULT_CLASSES"].get(s.result) if s.result else None,
        "x_face_to_face": bool(s.face_to_face),
        "x_satisfaction": s.final_satisfaction,
        "x_supervised": bool(s.supervised),
        "x_answered_datetime": _dt(s.answered),
        "x_closed_datetime": _dt(s.closed),
    }


def _json(data):
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _line(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_open311(site, cat):
    """requests.json is a joined file (one line per request, spliced); each
    request's own file and the discovery document are made only when the
    suggestions they show changed."""
    settings = cat.settings
    siteurl = settings.get("SITEURL") or ""
    services = [{
        "service_code": slug,
        "service_name": name,
        "description": f"群众意见和代表建议：{name}类。",
        "metadata": False,
        "type": "batch",
        "keywords": name,
        "group": "意见建议",
    } for slug, name in settings["SUGGESTION_CATEGORIES"]]
    site.file("open311/v2/services.json", _json(services), owner="site")
    records = {}

    def record(s):  # one record for requests.json and the request's own file
        if s.code not in records:
            records[s.code] = request_record(s, settings, cat.today)
        return records[s.code]

    def parts(suggestions):
        return [(s.code, f"{s.received} {s.code}", s.render_digest, lambda s=s: _line(record(s))) for s in suggestions]
    if "open-data" in cat.changes:
        changed = cat.affected("suggestions")
        has_any = cat.db.execute("SELECT 1 FROM suggestion LIMIT 1").fetchone() is not None
        site.joined("open311/v2/requests.json", b"[\n", b"\n]\n" if has_any else b"]\n", sep=b",\n",
                    owner="open-data", parts=parts(changed), drop=cat.dropped("suggestions"),
                    full=None if cat.changes.everything else lambda: parts(cat.suggestions.values()),
                    descending=True)
    site.files(cat.affected("suggestions"), save_as=lambda s: f"open311/v2/requests/{s.code}.json",
               make=lambda s: b"[" + _line(record(s)) + b"]\n", affinity=lambda s: s.code,
               owner=lambda s: f"suggestion:{s.code}")
    if "suggestions" not in cat.changes:
        return
    # The document shows only the date of the latest change.
    (latest,) = cat.db.execute("SELECT max(last_event) FROM suggestion").fetchone()
    changeset = _dt(datetime.date.fromordinal(latest) if latest else None) or "1970-01-01T00:00:00+08:00"

    def discovery():
        return _json({
            "changeset": changeset,
            "contact": f"{settings.get('SITE_OWNER') or settings.get('SITENAME') or ''}（只读镜像；"
                       f"提交意见请使用网站的“我要留言”）",
            "key_service": "只读镜像，无需 API 密钥。",
            "endpoints": [{
                "specification": SPEC_URL,
                "url": f"{siteurl}/open311/v2",
                "changeset": changeset,
                "type": "production",
                "formats": ["application/json"],
            }],
        })
    site.file("open311/discovery.json", discovery, inputs=[changeset], owner="suggestions")
