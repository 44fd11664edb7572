"""`invoke bench` at small scale: every measurement the issue names is
recorded, and the counts that do not depend on the machine hold (no file
rewritten by a no-op build, few by publishing one, nothing lost by the
intake). Times are printed, never asserted: the machine is shared."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal_tools import bench  # noqa: E402

NAMES = {"cold_build_s", "baseline_cold_s", "publish_one_s", "baseline_warm_s", "noop_build_s",
         "noop_files_written", "publish_changed_files", "cold_peak_rss_mb", "intake_p50_ms",
         "intake_http_per_s", "intake_lost"}


def test_small_bench_records_every_measure(tmp_path):
    out = tmp_path / "bench.json"
    template = ROOT / "theme" / "templates" / "suggestion.html"
    before = template.read_bytes()
    bench.run("small", work=tmp_path / "work", json_path=out)
    assert template.read_bytes() == before  # the template change is undone
    records = json.loads(out.read_text("utf-8"))
    assert all(set(r) == {"name", "value", "unit", "scale"} and r["scale"] == "small" for r in records)
    values = {r["name"]: r["value"] for r in records}
    assert NAMES <= set(values)
    assert values["noop_files_written"] == 0
    assert 0 < values["publish_changed_files"] <= 40
    assert values["template_change_changed_files"] >= 300  # every suggestion page of the small fixture
    assert values["cold_files_written"] == values["output_files"]
    assert values["intake_lost"] == 0 and values["intake_http_accepted"] == 2000
    assert values["search_indexed_pages"] > 300
    # The write floor made every file of the cold build again (the warm builds since only added some).
    assert 0 < values["write_floor_vs_baseline_cold"] < values["cold_vs_baseline_ratio"]
    work = tmp_path / "work" / "small"
    floor = {p.relative_to(work / "write-floor") for p in (work / "write-floor").rglob("*") if p.is_file()}
    assert len(floor) == values["output_files"]
    assert floor <= {p.relative_to(work / "output") for p in (work / "output").rglob("*") if p.is_file()}
    assert all(values[n] > 0 for n in ("cold_build_s", "baseline_cold_s", "publish_one_s", "intake_p50_ms"))
