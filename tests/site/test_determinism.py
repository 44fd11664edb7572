"""The build is deterministic and incremental.

Same content gives the same bytes wherever it is built; a rebuild with no
change touches no file; the writer's manifest removes the pages of deleted
content; one new suggestion changes only the pages that show it.
"""

import re
import shutil
import string

import pytest

from conftest import ROOT, TODAY, build

CONTENT = ROOT / "content"


def tree(output):
    """relative path -> bytes of every file under ``output``."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def mtimes(output):
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns
            for p in sorted(output.rglob("*")) if p.is_file()}


def diff(before, after):
    # The search index (pagefind/, content-hashed names) is rewritten as a
    # whole when any page changes; test_search.py checks it.
    before, after = ({k: v for k, v in d.items() if not k.startswith("pagefind/")} for d in (before, after))
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    return changed, sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())


@pytest.fixture(scope="session")
def built_twice(tmp_path_factory):
    """The sample content built into two unrelated directories."""
    outputs = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_TODAY", TODAY)
        for name in ("first", "second"):
            out = tmp_path_factory.mktemp(name) / "output"
            build(CONTENT, out)
            outputs.append(out)
    return outputs


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of the sample content, built once into tmp_path/output."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "output"
    build(content, out)
    return content, out


def test_two_builds_are_byte_identical(built_twice):
    first, second = (tree(out) for out in built_twice)
    assert len(first) > 100
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"differ between two builds: {different[:20]}"


def test_noop_rebuild_touches_nothing(built_twice):
    out = built_twice[0]
    before, before_bytes = mtimes(out), tree(out)
    manifest = out.parent / "cache" / "portal.sqlite3"
    assert manifest.exists()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_TODAY", TODAY)
        build(CONTENT, out)
    after = mtimes(out)
    assert sorted(after) == sorted(before), "a no-op rebuild added or removed files"
    rewritten = [name for name in before if before[name] != after[name]]
    assert not rewritten, f"a no-op rebuild rewrote {len(rewritten)} file(s): {rewritten[:20]}"
    assert tree(out) == before_bytes


def suggestion_codes(content):
    return {p.stem: p for p in (content / "suggestions").glob("*.md")}


def test_deleting_a_suggestion_removes_its_page(sample_copy):
    content, out = sample_copy
    texts = {code: path.read_text("utf-8") for code, path in suggestion_codes(content).items()}
    # One that no other suggestion is merged into (deleting it leaves valid content).
    targets = {m.group(1) for t in texts.values() for m in [re.search(r"^merged_into:\s*(\S+)", t, re.M)] if m}
    code = sorted(c for c in texts if c not in targets)[0]
    page = out / "suggestions" / code / "index.html"
    assert page.exists()
    before = tree(out)
    (content / "suggestions" / f"{code}.md").unlink()
    build(content, out)
    after = tree(out)
    assert not page.exists()
    assert not (out / "suggestions" / code).exists() or not any((out / "suggestions" / code).iterdir())
    _, added, removed = diff(before, after)
    assert f"suggestions/{code}/index.html" in removed
    assert not added
    # Nothing links to the deleted page any more.
    linking = [name for name, data in after.items() if f"/suggestions/{code}/".encode() in data]
    assert not linking, linking


def valid_code(body="TESTPAGE"):
    from portal import tracking
    for symbol in string.digits + string.ascii_uppercase:
        code = tracking.format_code(body + symbol)
        if tracking.is_valid(code):
            return code
    raise AssertionError("no valid check symbol")


NEW_SUGGESTION = """code: {code}
title: 青石街北段人行道破损
source: 群众意见
category: 交通出行
submitter: 周某
addressed: d-001
station: qingshi
received: 2026-11-10
assigned: 2026-11-11
lead_unit: county-transport
answered: 2026-11-19
result: A

青石街北段人行道地砖破损，老人和学生走路容易绊倒。

## 答复

已安排镇村镇规划建设服务中心于11月底前修复。
"""


def test_one_new_suggestion_changes_a_bounded_set_of_files(sample_copy):
    content, out = sample_copy
    code = valid_code()
    assert code not in suggestion_codes(content)
    before, before_mtimes = tree(out), mtimes(out)
    (content / "suggestions" / f"{code}.md").write_text(NEW_SUGGESTION.format(code=code), "utf-8")
    build(content, out)
    after = tree(out)
    changed, added, removed = diff(before, after)
    touched = changed + added + removed
    assert f"suggestions/{code}/index.html" in added
    assert not removed
    assert len(touched) <= 40, f"{len(touched)} files changed: {touched}"
    # The pages that show it did change.
    for name in ("index.html", "suggestions/index.html", "suggestions/2026/11/index.html",
                 "suggestions/category/transport/index.html", "deputies/d-001/index.html",
                 "units/county-transport/index.html"):
        assert name in touched, f"{name} should show the new suggestion; changed: {touched}"
    # Unrelated pages did not: other deputies, every station, reception days, other suggestions.
    unrelated = [name for name in touched
                 if (name.startswith("deputies/d-") and not name.startswith("deputies/d-001/"))
                 or name.startswith(("stations/", "reception/"))
                 or (re.match(r"suggestions/[0-9A-Z]{3}-", name) and code not in name)]
    assert not unrelated, f"unrelated pages changed: {unrelated}; all changed: {touched}"
    # Unchanged files were not rewritten either.
    after_mtimes = mtimes(out)
    rewritten = [n for n in before if n not in touched and not n.startswith("pagefind/")
                 and after_mtimes[n] != before_mtimes[n]]
    assert not rewritten, rewritten[:20]
