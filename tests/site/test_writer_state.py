"""The writer's state is a base file and a delta of every change since: a
small rebuild writes the delta only, and what a later build trusts must be
exactly what the earlier ones wrote."""

from portal import writer as writer_module
from portal.writer import SiteWriter


class Basis:
    site = "site-basis"

    @staticmethod
    def of(template):
        return f"template:{template}"


def build(tmp_path, files):
    """One build of ``files`` ({save_as: text}); returns how many were made."""
    site = SiteWriter(tmp_path / "out", None, {}, tmp_path / "state.pickle", Basis(), workers=1)
    for save_as, text in files.items():
        site.file(save_as, text.encode("utf-8"))
    site.finish()
    return site.written, site.skipped


def test_small_rebuilds_write_a_delta_that_later_builds_trust(tmp_path, monkeypatch):
    files = {f"f{i}.txt": f"text {i}" for i in range(100)}
    assert build(tmp_path, files) == (100, 0)
    base = tmp_path / "state.pickle"
    delta = tmp_path / "state.pickle.delta"
    base_bytes = base.read_bytes()
    assert not delta.exists()

    files["f1.txt"] = "changed"
    del files["f2.txt"]
    files["new.txt"] = "new"
    assert build(tmp_path, files) == (2, 98)
    assert base.read_bytes() == base_bytes and delta.exists()
    assert not (tmp_path / "out" / "f2.txt").exists()

    files["f3.txt"] = "changed too"
    assert build(tmp_path, files) == (1, 99)  # the first delta's changes still trusted
    assert base.read_bytes() == base_bytes

    # Unchanged: nothing made, nothing written (the state neither).
    stamp = delta.stat().st_mtime_ns
    assert build(tmp_path, files) == (0, 100)
    assert delta.stat().st_mtime_ns == stamp

    # Past the merge share: one new base, no delta.
    monkeypatch.setattr(writer_module, "MERGE_SHARE", 0.01)
    files["f4.txt"] = "merged"
    assert build(tmp_path, files) == (1, 99)
    assert base.read_bytes() != base_bytes and not delta.exists()
    assert build(tmp_path, files) == (0, 100)


def test_a_delta_beside_another_base_is_ignored(tmp_path):
    files = {f"f{i}.txt": f"text {i}" for i in range(50)}
    build(tmp_path, files)
    base = tmp_path / "state.pickle"
    old_base = base.read_bytes()
    files["f1.txt"] = "changed"
    build(tmp_path, files)
    # An older base with a newer delta (restored from a backup, say): the delta
    # is not applied, so f1's old entry does not match and it is made again.
    base.write_bytes(old_base)
    assert build(tmp_path, files) == (1, 49)  # f1 made again
    assert (tmp_path / "out" / "f1.txt").read_text("utf-8") == "changed"
