"""A small build declares only the owners whose content changed; that must
never leave a page stale. On the generated small fixture, a long series of
edits of every kind -- suggestions added, answered, moved between months,
categories, units and states, merged and deleted; deputies, stations and
units renamed or moved; reception days cancelled, moved and recorded; days
and months passing; a template changed -- is built incrementally, and after
each the output tree must be the one a cold build of the same content gives,
byte for byte."""

import datetime
import random
import shutil

import pytest

from conftest import ROOT, site
from test_incremental import assert_same_tree

pytestmark = pytest.mark.slow


def header(path):
    text = path.read_text("utf-8")
    head, _, body = text.partition("\n\n")
    return dict(line.split(": ", 1) for line in head.split("\n") if ": " in line and not line.startswith(" ")), body


def set_fields(path, **fields):
    """Replace (or add) one-line header fields; a value None removes the field."""
    text = path.read_text("utf-8")
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    for key, value in fields.items():
        index = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if index is not None:
            end = index + 1
            while end < len(lines) and lines[end].startswith(" "):
                end += 1
            lines[index:end] = [] if value is None else [f"{key}: {value}"]
        elif value is not None:
            lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n\n" + body, "utf-8")


class Site:
    def __init__(self, tmp_path, monkeypatch):
        from portal_tools import fixture
        self.root, self.monkeypatch = tmp_path, monkeypatch
        self.content, self.theme = tmp_path / "content", tmp_path / "theme"
        fixture.generate("small", self.content)
        shutil.copytree(ROOT / "theme", self.theme)
        self.today = datetime.date(2026, 11, 22)
        self.rng = random.Random(2026)
        self.builds = 0

    def build(self, output, cache):
        self.monkeypatch.setenv("PORTAL_TODAY", self.today.isoformat())
        site.build(path=self.content, theme=self.theme, output_path=output, cache_path=cache,
                   portal_intake_data="", search=False)

    def check(self, label):
        self.build(self.root / "inc", self.root / "inc-cache")
        self.builds += 1
        cold = self.root / f"cold{self.builds}"
        self.build(cold, self.root / f"cold{self.builds}-cache")
        assert_same_tree(self.root / "inc", cold, label)
        shutil.rmtree(cold)
        shutil.rmtree(self.root / f"cold{self.builds}-cache")

    # -- picking things to edit ---------------------------------------------------------

    def files(self, kind):
        return sorted((self.content / kind).rglob("*.md"))

    def suggestions(self, **wanted):
        """Suggestion files whose header has the wanted values (None: absent)."""
        found = []
        for path in self.files("suggestions"):
            meta, _ = header(path)
            if all(meta.get(k) == v if v is not None else k not in meta for k, v in wanted.items()):
                found.append(path)
        return found

    def unmerged_targets(self):
        targets = {header(p)[0].get("merged_into") for p in self.files("suggestions")}
        return [p for p in self.files("suggestions") if header(p)[0]["code"] not in targets]

    def pick(self, paths):
        return paths[self.rng.randrange(len(paths))]


def new_suggestion(site, **fields):
    from portal_tools.fixture import _unique_code
    code = _unique_code(site.rng, set())
    meta = {"code": code, "title": "增量测试新件", "source": "群众意见", "category": "交通出行",
            "submitter": "李某", "received": "2026-10-08", **fields}
    body = "增量测试：村口道路破损，雨天积水。"
    if "answered" in meta:
        body += "\n\n## 答复\n\n已安排修复。"
    text = "".join(f"{k}: {v}\n" for k, v in meta.items() if v is not None) + "\n" + body + "\n"
    path = site.content / "suggestions" / "2026" / f"{code}.md"
    path.write_text(text, "utf-8")
    return path


def test_many_small_builds_match_cold_builds(tmp_path, monkeypatch):
    s = Site(tmp_path, monkeypatch)
    s.check("the first build")
    units = [header(p)[0]["id"] for p in s.files("units")]
    deputies = [header(p)[0]["id"] for p in s.files("deputies")]
    stations = [header(p)[0]["id"] for p in s.files("stations")]

    # Suggestions.
    added = new_suggestion(s, assigned="2026-10-09", lead_unit=units[0], answered="2026-11-02", result="A")
    s.check("adding an answered suggestion")
    new_suggestion(s, source="代表建议", submitter=None, lead=deputies[1], cosigners=f"{deputies[2]}, {deputies[3]}",
                   station=stations[0], received="2025-03-04", assigned="2025-03-05", lead_unit=units[1],
                   assist_units=units[2], supervised="是", supervisor="县人大常委会副主任")
    s.check("adding a supervised deputy suggestion, assigned and overdue")
    held = next(p for p in s.files("reception-days") if "\ndate: " in p.read_text("utf-8")
                and header(p)[0]["date"] < "2026-11-01")
    meta, _ = header(held)
    new_suggestion(s, received=meta["date"], station=meta["station"], reception=f"{meta['id']} {meta['date']}")
    s.check("adding a suggestion collected on a reception day")
    pending = s.pick(s.suggestions(answered=None, merged=None, rejected=None, withdrawn=None, assigned=None))
    set_fields(pending, category="饮水安全")
    s.check("changing a suggestion's category")
    set_fields(pending, received="2023-02-03")
    s.check("moving a suggestion to another month and year")
    open_case = s.pick([p for p in s.suggestions(answered=None, merged=None, rejected=None, withdrawn=None)
                        if "assigned" in header(p)[0]])
    set_fields(open_case, lead_unit=units[-1])
    s.check("changing a case's lead unit")
    set_fields(open_case, answered="2026-11-22", result="B", progress=None)
    open_case.write_text(open_case.read_text("utf-8") + "\n## 答复\n\n已列入明年计划。\n", "utf-8")
    s.check("answering a case")
    set_fields(added, evaluated="2026-11-21", satisfaction="不满意")
    s.check("an unsatisfied evaluation")
    target = s.pick(s.suggestions(state=None, merged=None, rejected=None, withdrawn=None))
    duplicate = s.pick([p for p in s.suggestions(assigned=None, merged=None, rejected=None, withdrawn=None)
                        if p != target])
    set_fields(duplicate, merged_into=header(target)[0]["code"], merged="2026-11-22")
    s.check("merging a case into another")
    set_fields(duplicate, merged_into=None, merged=None)
    s.check("unmerging it")
    gone = s.pick([p for p in s.unmerged_targets() if "reception" not in header(p)[0]])
    gone.unlink()
    s.check("deleting a suggestion")
    reply = s.pick(s.suggestions(state=None, result="A"))
    reply.write_text(reply.read_text("utf-8").replace("## 答复\n\n", "## 答复\n\n（补充说明）", 1), "utf-8")
    s.check("editing a reply")

    # Deputies, stations, units.
    deputy = s.content / "deputies" / f"{deputies[1]}.md"
    set_fields(deputy, name="增量改名")
    s.check("renaming a deputy")
    set_fields(deputy, station=stations[-1])
    s.check("moving a deputy to another station")
    (s.content / "deputies" / "d-9999.md").write_text(
        deputy.read_text("utf-8").replace(f"id: {deputies[1]}", "id: d-9999").replace("增量改名", "新代表"), "utf-8")
    s.check("adding a deputy")
    set_fields(s.content / "stations" / f"{stations[0]}.md", name="增量改名代表之家", phone="0873-6100000")
    s.check("renaming a station and changing its phone")
    set_fields(s.content / "units" / f"{units[0]}.md", name="增量改名单位")
    s.check("renaming a handling unit")

    # Reception days.
    from portal.recurrence import parse_rule
    recurring = next(p for p in s.files("reception-days") if "\nrepeat: " in p.read_text("utf-8")
                     and header(p)[0].get("until", "9999") > "2027")
    text = recurring.read_text("utf-8")
    rule = parse_rule(header(recurring)[0]["repeat"])
    upcoming = next(d for d in (s.today + datetime.timedelta(days=i) for i in range(1, 60)) if rule.matches(d))
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("exceptions:")), None)
    if at is None:
        lines += ["exceptions:", f"    {upcoming} | 取消 | 增量测试取消"]
    else:  # one line per exception, below the key
        inline = lines[at].partition(":")[2].strip()
        lines[at:at + 1] = ["exceptions:", *([f"    {inline}"] if inline else []), f"    {upcoming} | 取消 | 增量测试取消"]
    recurring.write_text("\n".join(lines) + "\n\n" + body, "utf-8")
    s.check("cancelling a reception day")
    single = next(p for p in s.files("reception-days") if "\ndate: " in p.read_text("utf-8")
                  and header(p)[0]["date"] > "2026-11-22")
    set_fields(single, date="2026-12-18")
    s.check("moving a single reception day")
    set_fields(held, theme="增量测试主题")
    s.check("changing a held reception day's theme")

    # Days pass.
    s.today = datetime.date(2026, 11, 23)
    s.check("the next day")
    s.today = datetime.date(2026, 12, 2)
    s.check("a new month")

    # The theme.
    macros = s.theme / "templates" / "_macros.html"
    macros.write_text(macros.read_text("utf-8").replace("<span>{{ s.source }}</span>", "<span>来源：{{ s.source }}</span>"),
                      "utf-8")
    s.check("changing the list item macro")
