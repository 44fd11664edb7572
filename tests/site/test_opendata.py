"""Open data (/data/) and the Open311 mirror (/open311/) publish what the
content files say, in the documented shape, and nothing private.

Counts and values are computed from the content files (``Sample`` from
test_pages), never from the plugin; every JSON file is validated against the
JSON Schema the site publishes beside it.
"""

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup

jsonschema = pytest.importorskip("jsonschema")

from conftest import ROOT  # noqa: E402
from test_pages import CATEGORY_SLUG, CONF, Sample, day, ids, one  # noqa: E402

DATASETS = ["suggestions", "deputies", "stations", "reception-days"]
CLOSED = {"closed", "merged", "rejected", "withdrawn"}


@pytest.fixture(scope="module")
def sample():
    return Sample(ROOT / "content")


@pytest.fixture(scope="module")
def out(sample_output):
    return sample_output


def load(out, rel):
    return json.loads((out / rel).read_text("utf-8"))


def iso(d):
    return d.isoformat() if d else None


def coords(station_meta):
    lat, lon = (float(x) for x in re.split(r"[,，]", one(station_meta, "coordinates")))
    return lat, lon


# -- schema and page ---------------------------------------------------------------

@pytest.mark.parametrize("name", DATASETS)
def test_data_validates_against_its_published_schema(out, name):
    schema = load(out, f"data/{name}.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    data = load(out, f"data/{name}.json")
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert not problems, problems[:10]
    assert data, f"{name} is empty"
    # Stable English snake_case field names, every one documented.
    props = schema["items"]["properties"]
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in props)
    assert all(props[k].get("description") for k in props)
    assert all(list(record) == list(props) for record in data)


def test_data_page_documents_every_field_and_links_the_files(out):
    soup = BeautifulSoup((out / "data" / "index.html").read_text("utf-8"), "html.parser")
    assert soup.h1.get_text(strip=True) == "开放数据"
    for name in DATASETS:
        schema = load(out, f"data/{name}.schema.json")
        heading = soup.find(id=name)
        section = heading.find_parent("section")
        rows = section.select("table tbody tr")
        assert [r.th.get_text(strip=True) for r in rows] == list(schema["items"]["properties"]), name
        assert all(len(r.find_all("td")) == 2 and r.find_all("td")[1].get_text(strip=True) for r in rows)
        links = {a["href"] for a in section.find_all("a", href=True)}
        assert {f"/data/{name}.json", f"/data/{name}.schema.json"} <= links
        for href in links:
            assert (out / href.lstrip("/")).is_file(), href
        count = len(load(out, f"data/{name}.json"))
        assert f"{count} 条记录" in heading.get_text()
    assert soup.find("a", href="/data/suggestions.csv")
    # The footer links the page from everywhere.
    home = BeautifulSoup((out / "index.html").read_text("utf-8"), "html.parser")
    assert home.select_one("footer a[href='/data/']")


# -- records match the content ---------------------------------------------------------

def test_suggestions_records(out, sample):
    data = load(out, "data/suggestions.json")
    assert sorted(r["code"] for r in data) == sorted(sample.suggestions)
    for r in data:
        s = sample.suggestions[r["code"]]
        assert r["url"] == f"/suggestions/{r['code']}/"
        assert r["title"] == one(s, "title")
        assert r["source"] == one(s, "source")
        assert r["category"] == one(s, "category") and r["category_code"] == CATEGORY_SLUG[one(s, "category")]
        if one(s, "source") == "群众意见":
            assert r["submitter"] == (one(s, "submitter") or "匿名")
            assert re.fullmatch(r"匿名|[\u4e00-\u9fff]{1,2}某", r["submitter"])
        else:
            assert r["submitter"] is None
        assert r["lead_deputy"] == one(s, "lead")
        assert r["cosigner_deputies"] == ids(s, "cosigners")
        assert r["addressed_deputies"] == ids(s, "addressed")
        assert r["station"] == one(s, "station")
        ref = one(s, "reception")
        assert (r["reception_day"], r["reception_date"]) == (tuple(ref.split()) if ref else (None, None))
        for key in ("received", "assigned", "answered", "evaluated", "second_reply", "closed",
                    "merged", "rejected", "withdrawn"):
            assert r[key] == iso(day(s, key)), (r["code"], key)
        assert r["deadline"] == iso(sample.deadline(s))
        assert r["lead_unit"] == one(s, "lead_unit")
        unit = one(s, "lead_unit")
        assert r["lead_unit_name"] == (one(sample.units[unit], "name") if unit else None)
        assert r["assist_units"] == ids(s, "assist_units")
        assert r["result"] == one(s, "result")
        assert r["result_label"] == (CONF["RESULT_CLASSES"][one(s, "result")] if one(s, "result") else None)
        assert r["satisfaction"] == one(s, "satisfaction")
        assert r["second_satisfaction"] == one(s, "second_satisfaction")
        assert r["state"] == s["state"]
        assert r["supervised"] == (one(s, "supervised") == "是")
        assert r["face_to_face"] == (one(s, "face_to_face") == "是")
        assert r["merged_into"] == one(s, "merged_into")
        assert [(p["date"], p["note"]) for p in r["progress"]] == \
            [(line.split("|")[0].strip(), line.split("|", 1)[1].strip()) for line in s.get("progress", [])]
        assert len(r["followups"]) == len(s.get("followups", []))
        assert r["text"] and r["text"].split("\n")[0] in s["_body"]
        assert (r["reply_text"] is not None) == ("## 答复" in s["_body"])
    states = {r["state"] for r in data}
    assert len(states) >= 4, states


def test_suggestions_csv_for_excel(out, sample):
    raw = (out / "data" / "suggestions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel reads the Chinese text"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    schema = load(out, "data/suggestions.schema.json")
    scalar = [k for k, v in schema["items"]["properties"].items() if v["type"] not in ("array", "object")]
    assert header == scalar
    assert len(body) == len(sample.suggestions)
    records = {r["code"]: r for r in load(out, "data/suggestions.json")}
    for row in body:
        values = dict(zip(header, row))
        r = records[values["code"]]
        for key in header:
            value = r[key]
            expected = ("" if value is None else ("true" if value else "false") if isinstance(value, bool)
                        else str(value))
            assert values[key] == expected, (values["code"], key)


def test_deputies_records(out, sample):
    data = load(out, "data/deputies.json")
    assert [r["id"] for r in data] == sorted(sample.deputies)
    for r in data:
        d = sample.deputies[r["id"]]
        assert (r["name"], r["station"], r["group"], r["constituency"]) == \
            (one(d, "name"), one(d, "station"), one(d, "group"), one(d, "constituency"))
        assert r["levels"] == ids(d, "levels")
        assert r["url"] == f"/deputies/{r['id']}/"
        assert r["suggestions_led"] == sorted(c for c, s in sample.suggestions.items() if one(s, "lead") == r["id"])
        assert r["suggestions_cosigned"] == sorted(c for c, s in sample.suggestions.items()
                                                   if r["id"] in ids(s, "cosigners"))
        assert r["opinions_addressed"] == sorted(c for c, s in sample.suggestions.items()
                                                 if r["id"] in ids(s, "addressed"))


def test_stations_records(out, sample):
    data = load(out, "data/stations.json")
    assert [r["id"] for r in data] == sorted(sample.stations)
    for r in data:
        st = sample.stations[r["id"]]
        assert (r["name"], r["address"], r["phone"], r["head"]) == \
            (one(st, "name"), one(st, "address"), one(st, "phone"), one(st, "head"))
        assert (r["latitude"], r["longitude"]) == coords(st)
        assert r["deputies"] == sorted(did for did, d in sample.deputies.items() if one(d, "station") == r["id"])


def test_reception_day_records(out, sample):
    data = load(out, "data/reception-days.json")
    assert len(data) == len(sample.occasions)
    got = {(r["schedule"], r["original_date"]): r for r in data}
    assert len(got) == len(data)
    for o in sample.occasions:
        r = got[(o["schedule"], o["original"].isoformat())]
        assert r["date"] == o["date"].isoformat()
        assert r["start"] == f"{o['date'].isoformat()}T{o['start']}:00+08:00"
        assert r["end"] == f"{o['date'].isoformat()}T{o['end']}:00+08:00"
        assert r["status"] == ("cancelled" if o["cancelled"] else "moved" if o["moved"] else "scheduled")
        assert r["deputies"] == o["deputies"]
        assert r["station"] == o["station"]
        assert r["url"] == o["url"]
        assert (r["visitors"], r["opinions"], r["record_summary"]) == (o["record"] or (None, None, None))
    assert [(r["date"], r["start"]) for r in data] == sorted((r["date"], r["start"]) for r in data)


def test_nothing_private_in_the_data(out, sample):
    phones = {one(st, "phone") for st in sample.stations.values()}
    for path in [*(out / "data").glob("*"), *(out / "open311").rglob("*.json")]:
        text = path.read_text("utf-8-sig")
        for phone in phones:
            text = text.replace(phone, "")
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), f"{path}: a mobile number"
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text), f"{path}: an ID-card number"
        assert "@" not in text or path.name == "discovery.json", f"{path}: an e-mail address?"


# -- Open311 -------------------------------------------------------------------------

def test_open311_services(out):
    services = load(out, "open311/v2/services.json")
    assert [(s["service_code"], s["service_name"]) for s in services] == \
        [tuple(c) for c in CONF["SUGGESTION_CATEGORIES"]]
    for s in services:
        assert s["type"] in ("realtime", "batch", "blackbox") and s["metadata"] is False
        assert {"description", "keywords", "group"} <= set(s)


def test_open311_requests(out, sample):
    requests = load(out, "open311/v2/requests.json")
    assert sorted(r["service_request_id"] for r in requests) == sorted(sample.suggestions)
    spec_fields = {"service_request_id", "status", "status_notes", "service_name", "service_code",
                   "description", "agency_responsible", "service_notice", "requested_datetime",
                   "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
                   "lat", "long", "media_url"}
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")
    statuses = set()
    for r in requests:
        code = r["service_request_id"]
        s = sample.suggestions[code]
        assert spec_fields <= set(r)
        assert all(k in spec_fields or k.startswith("x_") for k in r), sorted(set(r) - spec_fields)
        assert r["status"] == ("closed" if s["state"] in CLOSED else "open")
        statuses.add(r["status"])
        assert r["service_code"] == CATEGORY_SLUG[one(s, "category")]
        assert r["service_name"] == one(s, "category")
        unit = one(s, "lead_unit")
        assert r["agency_responsible"] == (one(sample.units[unit], "name") if unit else "")
        assert r["requested_datetime"] == f"{one(s, 'received')}T00:00:00+08:00"
        assert stamp.match(r["updated_datetime"]) and r["updated_datetime"] >= r["requested_datetime"]
        if r["expected_datetime"] is not None:
            assert stamp.match(r["expected_datetime"])
            assert r["expected_datetime"][:10] == iso(sample.deadline(s))
        sid = one(s, "station") or (one(sample.schedules[one(s, "reception").split()[0]], "station")
                                    if one(s, "reception") else None)
        if sid:
            st = sample.stations[sid]
            assert r["address"] == one(st, "address")
            assert (r["lat"], r["long"]) == coords(st)
        else:
            assert (r["address"], r["lat"], r["long"]) == ("", None, None)
        assert r["media_url"] == ""
        assert r["description"] and r["x_title"] == one(s, "title")
        assert r["x_portal_state"] == s["state"]
        assert r["x_result_class"] == one(s, "result")
        assert r["x_satisfaction"] == (one(s, "second_satisfaction") or one(s, "satisfaction"))
        if s["state"] == "rejected":
            assert one(s, "reject_reason") in r["status_notes"]
        # One request: a one-element list, the same record.
        assert load(out, f"open311/v2/requests/{code}.json") == [r]
    assert statuses == {"open", "closed"}
    assert len(list((out / "open311" / "v2" / "requests").glob("*.json"))) == len(sample.suggestions)


def test_open311_discovery(out):
    doc = load(out, "open311/discovery.json")
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(doc)
    (endpoint,) = doc["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and "application/json" in endpoint["formats"]
    assert (out / "open311" / "v2" / "services.json").is_file()
    latest = max(r["updated_datetime"] for r in load(out, "open311/v2/requests.json"))
    assert doc["changeset"] == latest
