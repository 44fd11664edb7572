"""The writer's state is in the build's store: each file's owner,
fingerprint and hash. A build that declares some owners leaves every other
owner's files as they are; an owner it declares is declared whole, so its
files not declared again are removed, and so are the files of an owner
that changed and declares nothing any more (a deleted deputy)."""

from portal.store import Store
from portal.writer import SiteWriter


class Basis:
    site = "site-basis"

    @staticmethod
    def of(template):
        return f"template:{template}"


def build(tmp_path, files, everything=True, owners=()):
    """One build of ``files`` ({save_as: (owner, text)}); returns (written, skipped, removed)."""
    store = Store(tmp_path / "store.sqlite3")
    site = SiteWriter(tmp_path / "out", None, {}, store, Basis(), workers=1, everything=everything, owners=owners)
    store.begin()
    for save_as, (owner, text) in files.items():
        site.file(save_as, text.encode("utf-8"), owner=owner)
    removed = site.finish()
    store.commit()
    store.close()
    return site.written, site.skipped, removed


def rows(tmp_path):
    store = Store(tmp_path / "store.sqlite3")
    found = dict(store.db.execute("SELECT save_as, owner FROM page"))
    store.close()
    return found


def test_undeclared_owners_stand_and_declared_owners_are_declared_whole(tmp_path):
    out = tmp_path / "out"
    files = {f"a/{i}.txt": ("a", f"a {i}") for i in range(3)}
    files.update({f"b/{i}.txt": ("b", f"b {i}") for i in range(3)})
    files["c.txt"] = ("c", "c")
    assert build(tmp_path, files) == (7, 0, 0)
    # A small build: owner a declared again without a/2 and with a/0 changed.
    small = {"a/0.txt": ("a", "changed"), "a/1.txt": ("a", "a 1")}
    assert build(tmp_path, small, everything=False) == (1, 1, 1)
    assert not (out / "a" / "2.txt").exists()
    assert (out / "a" / "0.txt").read_text("utf-8") == "changed"
    assert (out / "b" / "2.txt").read_text("utf-8") == "b 2"  # owner b not declared: left as it is
    assert set(rows(tmp_path)) == {"a/0.txt", "a/1.txt", "b/0.txt", "b/1.txt", "b/2.txt", "c.txt"}
    # Owner c changed and declares nothing now: its files go.
    assert build(tmp_path, {}, everything=False, owners={"c"}) == (0, 0, 1)
    assert not (out / "c.txt").exists() and "c.txt" not in rows(tmp_path)
    # Declaring everything: what is not declared goes.
    assert build(tmp_path, {"b/0.txt": ("b", "b 0")}) == (0, 1, 4)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt")) == ["b/0.txt"]


def test_a_new_output_directory_trusts_no_hash(tmp_path):
    files = {f"f{i}.txt": ("f", f"text {i}") for i in range(5)}
    build(tmp_path, files)
    out = tmp_path / "out"
    (out / "f1.txt").unlink()
    out.rename(tmp_path / "old")
    (tmp_path / "old" / "f0.txt").rename(tmp_path / "f0.txt")
    out.mkdir()
    (tmp_path / "f0.txt").rename(out / "f0.txt")  # the same bytes in the new directory
    written, skipped, removed = build(tmp_path, files, everything=False)
    assert (written, skipped, removed) == (4, 0, 0)  # f0 compared with the bytes on disk, not rewritten
    assert sorted(p.name for p in out.iterdir()) == [f"f{i}.txt" for i in range(5)]
