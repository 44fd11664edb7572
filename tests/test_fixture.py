"""The content fixture generator (portal_tools.fixture), on the small scale."""

import datetime
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal_tools import fixture  # noqa: E402
from portal_tools.fixture import tracking  # noqa: E402  (intake/chalicelib/tracking.py)

TODAY = fixture.DEFAULT_TODAY
WEEKDAYS = "一二三四五六日"


# -- reading the generated files ---------------------------------------------

def read(path):
    """(meta, body): ``key: value`` lines, indented lines continue a key (list)."""
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    meta, key = {}, None
    for line in header.split("\n"):
        if line.startswith("    "):
            value = meta[key]
            meta[key] = (value if isinstance(value, list) else [value]) + [line.strip()]
        else:
            key, _, value = line.partition(": ")
            assert key not in meta, f"{path}: duplicate {key}"
            meta[key] = value
    return meta, body


def lines(meta, key):
    value = meta.get(key)
    return [] if value is None else value if isinstance(value, list) else [value]


def ids(meta, key):
    return [x.strip() for x in re.split(r"[,，、]", meta.get(key, "")) if x.strip()]


def day(text):
    return datetime.date.fromisoformat(text)


def occurrences(meta):
    """Dates a reception-day file names (before exceptions)."""
    if "date" in meta:
        return [day(meta["date"])]
    first = day(meta["from"])
    last = day(meta["until"]) if "until" in meta else TODAY + datetime.timedelta(days=60)
    weekly = re.fullmatch(r"每周([一二三四五六日])", meta["repeat"])
    monthdays = [] if weekly else [int(d) for d in re.findall(r"\d+", meta["repeat"])]
    out, d = [], first
    while d <= last:
        if (weekly and d.weekday() == WEEKDAYS.index(weekly.group(1))) or d.day in monthdays:
            out.append(d)
        d += datetime.timedelta(days=1)
    return out


class Content:
    def __init__(self, root):
        self.root = root
        self.types = {}
        for name in ("deputies", "stations", "units", "reception-days", "suggestions"):
            self.types[name] = {p: read(p) for p in sorted((root / name).rglob("*.md"))}
        key = {"suggestions": "code"}
        self.by_id = {name: {m[key.get(name, "id")]: m for m, _ in files.values()}
                      for name, files in self.types.items()}

    def suggestions(self):
        return self.types["suggestions"].items()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture") / "content"
    counts = fixture.generate("small", out)
    return out, counts, Content(out)


def state(m):
    for name in ("merged", "rejected", "withdrawn", "closed"):
        if name in m:
            return name
    if "evaluated" in m:
        return "rehandling" if m["satisfaction"] == "不满意" and "second_reply" not in m else "evaluated"
    if "answered" in m:
        return "answered"
    if "progress" in m:
        return "in_progress"
    return "assigned" if "assigned" in m else "received"


# -- tests --------------------------------------------------------------------

def test_scale_table():
    s = fixture.SCALES
    assert (s["county"].deputies, s["county"].stations, s["county"].reception_days,
            s["county"].suggestions) == (1000, 60, 5000, 20000)
    for field in ("deputies", "stations", "reception_days", "suggestions"):
        assert getattr(s["province"], field) == 5 * getattr(s["county"], field)
    assert (s["small"].deputies, s["small"].stations, s["small"].reception_days,
            s["small"].suggestions) == (40, 4, 60, 300)


def test_counts_match_scale_and_files(small):
    out, counts, content = small
    sc = fixture.SCALES["small"]
    expected = {"deputies": sc.deputies, "stations": sc.stations,
                "reception-days": sc.reception_days, "suggestions": sc.suggestions}
    for name, n in expected.items():
        assert counts[name] == n == len(content.types[name]), name
        assert len(content.by_id[name]) == n, f"{name}: IDs not unique"
    assert counts["units"] == len(content.types["units"]) >= 20
    assert {p.name for p in (out / "pages").iterdir()} == {"about.md", "contact.md", "privacy.md"}
    assert counts["news"] == len(list((out / "news").glob("*.md"))) >= 2
    assert sum(counts["states"].values()) == sc.suggestions
    # Suggestions live in folders by year of receipt, named by code.
    for path, (m, _) in content.suggestions():
        assert path.parent.name == m["received"][:4] and path.stem == m["code"]


def test_same_seed_gives_identical_files(small, tmp_path):
    out, _, _ = small
    again = tmp_path / "again"
    fixture.generate("small", again)
    first = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    other = tmp_path / "other"
    fixture.generate("small", other, seed=7)
    assert (other / "deputies" / "d-0001.md").read_bytes() != first[Path("deputies/d-0001.md")]


def test_every_state_class_and_variant_present(small):
    _, counts, content = small
    metas = [m for _, (m, _) in content.suggestions()]
    states = {state(m) for m in metas}
    assert states == {"received", "assigned", "in_progress", "answered", "evaluated", "rehandling",
                      "closed", "merged", "rejected", "withdrawn"}
    assert set(counts["states"]) == states
    assert {m["result"] for m in metas if "result" in m} == set(fixture.RESULT_CLASSES)
    assert {m["satisfaction"] for m in metas if "satisfaction" in m} == {"满意", "基本满意", "不满意"}
    assert any("second_satisfaction" in m for m in metas)
    assert any("followups" in m for m in metas)
    assert any(len(lines(m, "followups")) > 1 for m in metas)
    assert any(m.get("supervised") == "是" and m.get("supervisor") for m in metas)
    assert any(m.get("face_to_face") == "是" for m in metas)
    assert any("deadline" in m for m in metas)
    assert any("assist_units" in m for m in metas)
    assert any("withdrawn" in m and "assigned" in m for m in metas)
    assert {m["source"] for m in metas} == {"群众意见", "代表建议"}
    assert {m["category"] for m in metas} == set(fixture.CATEGORIES)
    submitters = {m.get("submitter", "匿名") for m in metas if m["source"] == "群众意见"}
    assert "匿名" in submitters and any(re.fullmatch(r"[\u4e00-\u9fff]{1,2}某", s) for s in submitters)
    assert any("submitter" not in m for m in metas if m["source"] == "群众意见")
    assert any("cosigners" in m for m in metas if m["source"] == "代表建议")
    assert any("reception" in m for m in metas)
    # Reception days: single days and both kinds of schedule, rota, exceptions, records.
    rdays = [m for m, _ in content.types["reception-days"].values()]
    assert any("date" in m for m in rdays)
    assert any(m.get("repeat", "").startswith("每周") for m in rdays)
    assert any(m.get("repeat", "").startswith("每月") for m in rdays)
    assert any("rota" in m for m in rdays) and any("records" in m for m in rdays)
    assert any("until" not in m for m in rdays if "repeat" in m)


def test_references_resolve(small):
    _, _, c = small
    deputies, stations, units = c.by_id["deputies"], c.by_id["stations"], c.by_id["units"]
    reception = c.by_id["reception-days"]
    for m in deputies.values():
        assert m["station"] in stations
    for station_id in stations:
        assert any(d["station"] == station_id for d in deputies.values())
    held = {}
    for m in reception.values():
        assert m["station"] in stations
        on_duty = ids(m, "deputies") + [i for turn in lines(m, "rota") for i in ids({"x": turn}, "x")]
        assert on_duty and all(i in deputies for i in on_duty)
        dates = occurrences(m)
        assert dates, m["id"]
        cancelled = set()
        for line in lines(m, "exceptions"):
            when, action, _ = [p.strip() for p in line.split("|")]
            assert day(when) in dates
            if action == "取消":
                cancelled.add(day(when))
            else:
                assert day(action.split()[1]) not in dates
        recorded = {}
        for line in lines(m, "records"):
            when, visitors, opinions, summary = [p.strip() for p in line.split("|")]
            assert day(when) in dates and day(when) not in cancelled and day(when) < TODAY
            assert int(opinions) <= int(visitors) and summary
            recorded[day(when)] = int(opinions)
        held[m["id"]] = (set(dates) - cancelled, recorded)
    collected = {}
    for path, (m, _) in c.suggestions():
        for key in ("lead",):
            assert m.get(key, "d-0001") in deputies, path
        assert all(i in deputies for i in ids(m, "cosigners") + ids(m, "addressed")), path
        assert m.get("station", next(iter(stations))) in stations, path
        assert all(u in units for u in ids(m, "lead_unit") + ids(m, "assist_units")), path
        if "merged_into" in m:
            target = c.by_id["suggestions"][m["merged_into"]]
            assert target["received"] <= m["received"] and state(target) not in ("merged", "rejected")
        if "reception" in m:
            rid, when = m["reception"].split()
            dates, _ = held[rid]
            assert day(when) in dates and day(when) <= day(m["received"]), path
            assert reception[rid]["station"] == m["station"]
            collected[(rid, when)] = collected.get((rid, when), 0) + 1
    # A record never lists fewer opinions than the suggestions published from that day.
    for (rid, when), n in collected.items():
        recorded = held[rid][1]
        assert recorded.get(day(when), n) >= n


def test_dates_follow_the_lifecycle(small):
    _, _, c = small
    for path, (m, body) in c.suggestions():
        chain = [m["received"], m.get("assigned")]
        chain += [line.split(" | ")[0] for line in lines(m, "progress")]
        chain += [m.get(k) for k in ("answered", "evaluated", "second_reply", "closed")]
        chain += [line.split(" | ")[0] for line in lines(m, "followups")]
        chain = [day(d) for d in chain if d]
        assert chain == sorted(chain), path
        assert chain[-1] <= TODAY and chain[0] >= fixture.SUGGESTIONS_FROM, path
        for key in ("merged", "rejected", "withdrawn"):
            if key in m:
                assert day(m["received"]) <= day(m[key]) <= TODAY, path
        if "deadline" in m:
            assert day(m["deadline"]) > day(m["assigned"]), path
        # Fields that come in pairs.
        assert ("assigned" in m) == ("lead_unit" in m)
        assert ("answered" in m) == ("result" in m) == ("## 答复" in body)
        assert ("evaluated" in m) == ("satisfaction" in m)
        assert ("second_reply" in m) == ("## 二次答复" in body)
        if "second_reply" in m:
            assert m["satisfaction"] == "不满意"
        if "merged" in m or "rejected" in m:
            assert "assigned" not in m
        if "rejected" in m:
            assert m["reject_reason"]
        if "closed" in m or "followups" in m:
            assert "answered" in m
        if m["source"] == "代表建议":
            assert "lead" in m and "submitter" not in m and "addressed" not in m


def test_codes_valid_and_unique(small):
    _, _, c = small
    codes = [m["code"] for _, (m, _) in c.suggestions()]
    assert len(set(codes)) == len(codes)
    assert all(tracking.is_valid(code) for code in codes)


def test_replies_are_long_and_varied(small):
    _, _, c = small
    replies = []
    for _, (m, body) in c.suggestions():
        if "## 答复" in body:
            reply = body.split("## 答复", 1)[1].split("## 二次答复")[0].strip()
            assert 300 <= len(reply) <= 600, (m["code"], len(reply))
            replies.append(reply)
    assert len(set(replies)) == len(replies)
    titles = [m["title"] for _, (m, _) in c.suggestions()]
    assert len(set(titles)) > len(titles) // 2


PII = [
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),               # mobile number
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),              # ID-card number
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),                # e-mail
    re.compile(r"\d{3,4}-?\d{7,8}"),                       # landline (stations' phone field only)
]


def test_no_personal_data(small):
    out, _, _ = small
    for path in sorted(out.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if path.parent.name == "stations":
            text = re.sub(r"(?m)^phone: .*$", "", text)
        for pattern in PII:
            assert not pattern.search(text), (path, pattern.pattern)


def test_cli_and_refusing_to_overwrite(tmp_path, capsys):
    out = tmp_path / "c"
    assert fixture.main(["--scale", "small", "--out", str(out), "--seed", "3"]) == 0
    assert "suggestions 300" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        fixture.main(["--scale", "small", "--out", str(out)])
    (out / "keep.txt").write_text("x")
    assert fixture.main(["--scale", "small", "--out", str(out), "--force"]) == 0
    assert (out / "keep.txt").exists()
    with pytest.raises(ValueError):
        fixture.generate("city", tmp_path / "d")


def test_portal_validator_accepts_it(small, monkeypatch):
    """The portal's own checks (invoke check) find nothing wrong."""
    site = pytest.importorskip("portal_tools.site")
    out, _, _ = small
    monkeypatch.setenv("PORTAL_TODAY", TODAY.isoformat())
    problems = site.check(path=out)
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_state_for_other_seeds(tmp_path, seed):
    """Forced scenarios make each state appear whatever the seed."""
    counts = fixture.generate("small", tmp_path / "c", seed=seed)
    assert set(counts["states"]) == {"received", "assigned", "in_progress", "answered", "evaluated",
                                     "rehandling", "closed", "merged", "rejected", "withdrawn"}


def test_invoke_fixture_task(tmp_path):
    """`invoke fixture --scale small --out DIR`, as the README documents it:
    the same files as the module writes for the same seed."""
    import subprocess
    out = tmp_path / "via-invoke"
    run = subprocess.run([sys.executable, "-m", "invoke", "fixture", "--scale", "small", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "suggestions 300" in run.stdout
    fixture.generate("small", tmp_path / "direct")
    def files(root):
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(out) == files(tmp_path / "direct")
    again = subprocess.run([sys.executable, "-m", "invoke", "fixture", "--scale", "small", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "not empty" in again.stderr and "Traceback" not in again.stderr
