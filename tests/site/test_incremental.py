"""The fast path is exactly as right as the slow one: after each edit, an
incremental rebuild gives the same output tree, byte for byte, as a cold
build of the same content."""

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, edit, site

pytestmark = pytest.mark.slow


def tree(root):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(root).rglob("*")) if p.is_file()}


def assert_same_tree(incremental_root, cold_root, label):
    """The incremental build's output is the cold build's, byte for byte."""
    incremental, cold = tree(incremental_root), tree(cold_root)
    missing = sorted(set(cold) - set(incremental))
    extra = sorted(set(incremental) - set(cold))
    differ = sorted(k for k in cold if k in incremental and cold[k] != incremental[k])
    assert not (missing or extra or differ), (
        f"after {label}: missing {missing[:10]}, extra {extra[:10]}, differ {differ[:10]}")


class Workspace:
    def __init__(self, tmp_path):
        self.content = tmp_path / "content"
        self.theme = tmp_path / "theme"
        shutil.copytree(ROOT / "content", self.content)
        shutil.copytree(ROOT / "theme", self.theme)
        self.inc_out, self.inc_cache = tmp_path / "inc", tmp_path / "inc-cache"
        self.tmp = tmp_path
        self.settings = {}
        self.builds = 0

    def build(self, output, cache):
        site.build(path=self.content, theme=self.theme, output_path=output, cache_path=cache,
                   portal_intake_data="", **self.settings)

    def check_same_as_cold(self, label):
        self.build(self.inc_out, self.inc_cache)
        self.builds += 1
        cold_out = self.tmp / f"cold{self.builds}"
        self.build(cold_out, self.tmp / f"cold{self.builds}-cache")
        assert_same_tree(self.inc_out, cold_out, label)
        shutil.rmtree(cold_out)


def answered_suggestion(code):
    return (f"code: {code}\ntitle: 新发布的答复\nsource: 群众意见\ncategory: 交通出行\nsubmitter: 李某\n"
            "received: 2026-10-08\nassigned: 2026-10-09\nlead_unit: county-transport\n"
            "answered: 2026-11-02\nresult: A\n\n村口道路破损，雨天积水。\n\n## 答复\n\n已安排修复。\n")


def test_incremental_builds_match_cold_builds(tmp_path):
    import sys
    sys.path.insert(0, str(ROOT / "intake"))
    from chalicelib import tracking

    ws = Workspace(tmp_path)
    ws.check_same_as_cold("the first build")
    ws.check_same_as_cold("a no-op rebuild")

    suggestions = ws.content / "suggestions"
    new = suggestions / "zz-new.md"
    new.write_text(answered_suggestion(tracking.new_code()), "utf-8")
    ws.check_same_as_cold("adding a suggestion")

    edit(new, "已安排修复。", "已安排修复，预计本月底完工。")
    edit(new, "result: A", "result: B")
    ws.check_same_as_cold("editing a suggestion")

    new.unlink()
    ws.check_same_as_cold("deleting a suggestion")

    deputy = sorted((ws.content / "deputies").glob("*.md"))[0]
    text = deputy.read_text("utf-8")
    old_name = text.split("name: ")[1].split("\n")[0]
    deputy.write_text(text.replace(f"name: {old_name}", "name: 改名测试"), "utf-8")
    ws.check_same_as_cold("renaming a deputy")

    # Lists, tallies, bulletins, statistics and feeds show units' names.
    unit = ws.content / "units" / "county-transport.md"
    text = unit.read_text("utf-8")
    old_name = text.split("name: ")[1].split("\n")[0]
    unit.write_text(text.replace(f"name: {old_name}", "name: 改名测试交通运输局"), "utf-8")
    ws.check_same_as_cold("renaming a handling unit")

    schedule = next(p for p in sorted((ws.content / "reception-days").glob("*.md"))
                    if "\ndate: " in p.read_text("utf-8"))
    text = schedule.read_text("utf-8")
    day = text.split("\ndate: ")[1].split("\n")[0]
    schedule.write_text(text.replace(f"\ndate: {day}", "\ndate: 2026-12-18"), "utf-8")
    ws.check_same_as_cold("moving a reception day")

    template = ws.theme / "templates" / "suggestion.html"
    edit(template, "<h2 id=\"tl-h\">办理过程</h2>", "<h2 id=\"tl-h\">办理过程记录</h2>")
    ws.check_same_as_cold("changing a template")

    ws.settings = {"home_latest_answered": 3}
    ws.check_same_as_cold("changing a setting")


def test_a_build_with_no_changed_source_skips_the_output_phase(mini, tmp_path, monkeypatch):
    import os

    from portal import views
    from conftest import build
    build(mini, tmp_path / "out")
    calls = []
    real = views.write_all
    monkeypatch.setattr(views, "write_all", lambda *a, **k: (calls.append(1), real(*a, **k)))
    build(mini, tmp_path / "out")
    assert calls == []  # nothing changed: no page was even asked for
    deputy = mini / "deputies" / "d-001.md"
    os.utime(deputy, ns=(deputy.stat().st_atime_ns, deputy.stat().st_mtime_ns + 1_000_000))
    build(mini, tmp_path / "out")
    assert calls == [1]  # a touched file: the pages are asked again (and skip by fingerprint)
