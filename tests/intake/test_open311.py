"""Open311 GeoReport v2 endpoints."""

import json
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from intake_helpers import CONTENT, OPEN311_KEY, body_json, drain

from chalicelib import tracking

BASE = "/api/open311/v2"


def post(client, fields, fmt="json", ctype="application/x-www-form-urlencoded; charset=utf-8"):
    body = fields if isinstance(fields, (bytes, str)) else urllib.parse.urlencode(fields)
    return client.http.post(f"{BASE}/requests.{fmt}", headers={"content-type": ctype}, body=body)


def request_fields(**overrides):
    fields = {"api_key": OPEN311_KEY, "service_code": "water", "description": CONTENT,
              "address_string": "青石镇东溪村三组", "first_name": "三", "last_name": "张",
              "phone": "0873-6123456", "email": "zhang@example.com", "device_id": "dev-1",
              "attribute[consent]": "true", "attribute[target]": "station:dongxi"}
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def test_services_json(client):
    r = client.http.get(f"{BASE}/services.json")
    assert r.status_code == 200
    services = body_json(r)
    assert [s["service_code"] for s in services] == ["transport", "water", "other"]
    assert services[0] == {"service_code": "transport", "service_name": "交通出行",
                           "description": "向人大代表反映交通出行方面的意见建议。", "metadata": True,
                           "type": "batch", "keywords": "交通出行", "group": "意见建议"}


def test_services_xml(client):
    r = client.http.get(f"{BASE}/services.xml")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.body)
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == ["transport", "water", "other"]
    assert root.find("service/metadata").text == "true"


def test_service_definition(client):
    r = client.http.get(f"{BASE}/services/water.json")
    assert r.status_code == 200
    d = body_json(r)
    assert d["service_code"] == "water"
    codes = {a["code"]: a for a in d["attributes"]}
    assert set(codes) == {"title", "target", "anonymous", "contact", "consent"}
    assert codes["consent"]["required"] is True
    assert {"key": "deputy:d-001", "name": "李某某代表"} in codes["target"]["values"]
    assert sorted(a["order"] for a in d["attributes"]) == [1, 2, 3, 4, 5]
    root = ET.fromstring(client.http.get(f"{BASE}/services/water.xml").body)
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/variable").text == "true"
    assert root.find("attributes/attribute[code='target']/values/value/key") is not None


@pytest.mark.parametrize("path, status", [
    ("services/roads.json", 404), ("services/roads.xml", 404), ("services/water.yaml", 404),
    ("services/water", 404),
])
def test_service_definition_errors(client, path, status):
    r = client.http.get(f"{BASE}/{path}")
    assert r.status_code == status
    if path.endswith(".xml"):
        root = ET.fromstring(r.body)
        assert root.tag == "errors" and root.find("error/code").text == str(status)
    else:
        [err] = body_json(r)
        assert err["code"] == status and err["description"]


def test_post_request_success(client, queue):
    r = post(client, request_fields())
    assert r.status_code == 200
    [resp] = body_json(r)
    assert set(resp) == {"token", "service_notice"}        # batch: token, no service_request_id
    assert tracking.is_valid(resp["token"])
    [m] = drain(queue)
    msg = json.loads(m.body)
    assert msg["code"] == resp["token"]
    assert msg["client"]["channel"] == "open311"
    p = msg["payload"]
    assert p["name"] == "张三" and p["phone"] == "0873-6123456" and p["category"] == "water"
    assert p["content"] == CONTENT and p["target"] == "station:dongxi" and p["consent"] is True
    assert p["location"] == {"address_string": "青石镇东溪村三组"}
    assert "zhang@example.com" not in m.body and "dev-1" not in m.body


def test_post_request_xml_and_latlong(client, queue):
    r = post(client, request_fields(address_string=None, lat="24.312", long="103.781"), fmt="xml")
    assert r.status_code == 200
    root = ET.fromstring(r.body)
    assert root.tag == "service_requests"
    token = root.findtext("request/token")
    assert tracking.is_valid(token) and root.find("request/service_request_id") is None
    [m] = drain(queue)
    assert json.loads(m.body)["payload"]["location"] == {"lat": 24.312, "long": 103.781}


def test_post_request_is_idempotent(client, queue):
    a = body_json(post(client, request_fields()))[0]["token"]
    b = body_json(post(client, request_fields()))[0]["token"]
    assert a == b and len(drain(queue)) == 1


@pytest.mark.parametrize("overrides, status, words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "wrong"}, 403, "api_key"),
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "roads"}, 404, "service_code"),
    ({"address_string": None}, 400, "位置"),
    ({"address_string": None, "lat": "24.3"}, 400, "lat/long"),
    ({"address_string": None, "lat": "124.3", "long": "103"}, 400, "lat/long"),
    ({"address_string": None, "lat": "nan", "long": "103"}, 400, "lat/long"),
    ({"description": "太短"}, 400, "description"),
    ({"description": None}, 400, "description"),
    ({"attribute[consent]": None}, 400, "attribute[consent]"),
    ({"attribute[target]": "deputy:nobody"}, 400, "attribute[target]"),
    ({"attribute[contact]": "true", "phone": None}, 400, "phone"),
    ({"phone": "555-0100"}, 400, "phone"),
])
def test_post_request_errors(client, queue, overrides, status, words):
    r = post(client, request_fields(**overrides))
    assert r.status_code == status
    errors = body_json(r)
    assert isinstance(errors, list) and errors
    assert all(e["code"] == status for e in errors)
    assert any(words in e["description"] for e in errors)
    assert drain(queue) == []


def test_post_request_error_xml(client):
    r = post(client, request_fields(api_key="wrong"), fmt="xml")
    assert r.status_code == 403
    root = ET.fromstring(r.body)
    assert root.tag == "errors" and root.findtext("error/code") == "403"


def test_post_request_transport_errors(client):
    assert post(client, json.dumps(request_fields()), ctype="application/json").status_code == 415
    assert post(client, b"api_key=" + b"x" * 20000).status_code == 413
    assert post(client, b"%ff%fe").status_code in (400, 403)
    assert post(client, b"\xff\xfe").status_code == 400


def test_post_request_rate_limited_per_key(client, configure):
    configure(PORTAL_OPEN311_RATE_LIMIT="1")
    assert post(client, request_fields()).status_code == 200
    r = post(client, request_fields(description=CONTENT + "另外桥也坏了。"))
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_post_request_queue_down(client, configure):
    configure(PORTAL_QUEUE="sqs://")
    r = post(client, request_fields())
    assert r.status_code == 503 and body_json(r)[0]["code"] == 503 and "Retry-After" in r.headers


def test_keys_accept_hash_prefix(client, configure):
    from chalicelib import config
    configure(PORTAL_OPEN311_KEYS=f"sha256:{config.hash_api_key('k2')}, {config.hash_api_key(OPEN311_KEY)}")
    assert post(client, request_fields(api_key="k2")).status_code == 200


def test_discovery(client):
    r = client.http.get("/api/open311/discovery.json", headers={"host": "rd.example.gov.cn",
                                                               "x-forwarded-proto": "https"})
    d = body_json(r)
    [ep] = d["endpoints"]
    assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ep["url"] == "https://rd.example.gov.cn/api/open311/v2"
    assert set(ep["formats"]) == {"text/xml", "application/json"}
    assert d["changeset"] and d["contact"]
    root = ET.fromstring(client.http.get("/api/open311/discovery.xml").body)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_without_site_data(client, site_file):
    site_file.unlink()
    r = client.http.get(f"{BASE}/services.json")
    assert r.status_code == 503 and body_json(r)[0]["code"] == 503
    assert post(client, request_fields()).status_code == 503
