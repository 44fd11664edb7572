"""Joined files (data/suggestions.json and the like) are spliced from their
previous bytes: only changed fragments are made again, the rest is copied
(by the kernel where it can). The result must be the bytes a whole rebuild
gives, whichever way the copy goes, and a file that is not the one the last
build wrote must be made whole again."""

import os

import pytest

from portal import writer as writer_module
from portal.store import Store
from portal.writer import SiteWriter


class Basis:
    site = "site-basis"

    @staticmethod
    def of(template):
        return f"template:{template}"


def part(key, position, text, made):
    def make():
        made.append(key)
        return text.encode("utf-8")
    return (key, f"{position:06d}", f"fp-{text}", make)


def build(tmp_path, records, made, changed=None, dropped=()):
    """One build writing ``records`` ({key: text}, in order) as a joined file;
    the keys whose fragments were made are added to ``made``. ``changed``:
    only these keys are given, as a small rebuild gives them (``dropped``
    keys removed), the writer asked for every part only if it must."""
    store = Store(tmp_path / "store.sqlite3")
    site = SiteWriter(tmp_path / "out", None, {}, store, Basis(), workers=1, everything=changed is None)
    every = [part(k, i, v, made) for i, (k, v) in enumerate(records.items())]
    store.begin()
    if changed is None:
        site.joined("data/all.json", b"[\n", b"\n]\n", sep=b",\n", owner="data", parts=every)
    else:
        site.joined("data/all.json", b"[\n", b"\n]\n", sep=b",\n", owner="data",
                    parts=[p for p in every if p[0] in changed], drop=dropped, full=lambda: every)
    site.finish()
    store.commit()
    store.close()
    return (tmp_path / "out" / "data" / "all.json").read_bytes()


def whole(records):
    return b"[\n" + b",\n".join(v.encode("utf-8") for v in records.values()) + b"\n]\n"


@pytest.fixture(params=["kernel copy", "buffered copy"])
def copy_mode(request, monkeypatch):
    if request.param == "buffered copy":
        def refuse(*args, **kwargs):
            raise OSError(95, "Operation not supported")
        monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    return request.param


def test_splice_gives_the_bytes_of_a_whole_build(tmp_path, copy_mode):
    records = {f"c{i:03d}": '{"code": "c%03d", "text": "第%d件"}' % (i, i) for i in range(200)}
    made = []
    assert build(tmp_path, records, made) == whole(records)
    assert len(made) == 200
    steps = [
        lambda r: r.update({"c050": '{"code": "c050", "text": "改过了"}'}),        # one edited
        lambda r: r.pop("c000"),                                                   # first removed
        lambda r: r.pop("c199"),                                                   # last removed
        lambda r: r.update({"c999": '{"code": "c999", "text": "新的"}'}),          # one added at the end
        lambda r: [r.pop(k) for k in list(r)[10:20]],                              # a run removed
    ]
    for step in steps:
        step(records)
        made.clear()
        assert build(tmp_path, records, made) == whole(records)
        assert len(made) <= 1  # only the new or edited fragment was made
    # Reordered: the same fragments, spliced in their new order.
    records = dict(reversed(list(records.items())))
    made.clear()
    assert build(tmp_path, records, made) == whole(records) and made == []


def test_a_small_rebuild_gives_only_what_changed(tmp_path, copy_mode):
    """Given only the changed parts (and the keys gone), the writer merges
    them into what it wrote last by their sort keys."""
    records = {f"c{i:03d}": f'"{i}"' for i in range(0, 200, 2)}
    made = []
    build(tmp_path, records, made)
    records["c051"] = '"new between"'
    records = dict(sorted(records.items()))
    records["c010"] = '"edited"'
    del records["c100"]
    made.clear()
    got = build(tmp_path, records, made, changed={"c051", "c010"}, dropped=["c100"])
    assert got == whole(records)
    assert sorted(made) == ["c010", "c051"]
    # The file edited by hand: every part is asked for and made.
    (tmp_path / "out" / "data" / "all.json").write_bytes(b"[\n]\n")
    records["c020"] = '"again"'
    made.clear()
    assert build(tmp_path, records, made, changed={"c020"}) == whole(records)
    assert len(made) == len(records)


def test_a_file_changed_behind_the_writers_back_is_made_whole_again(tmp_path, copy_mode):
    records = {f"c{i}": f'"{i}"' for i in range(50)}
    build(tmp_path, records, [])
    target = tmp_path / "out" / "data" / "all.json"
    target.write_bytes(b"[\n\"edited by hand\"\n]\n")
    records["c7"] = '"seven"'
    made = []
    assert build(tmp_path, records, made) == whole(records)
    assert len(made) == 50  # nothing of the hand-edited file was trusted


def test_copy_falls_back_when_the_kernel_refuses(tmp_path, monkeypatch):
    source = tmp_path / "source"
    source.write_bytes(bytes(range(256)) * 1000)
    monkeypatch.setattr(os, "copy_file_range", lambda *a, **k: (_ for _ in ()).throw(OSError(18, "EXDEV")),
                        raising=False)
    with open(source, "rb") as old, open(tmp_path / "target", "wb", buffering=0) as out:
        start, end = 1000, 200_000
        while start < end:
            start += writer_module._copy_range(old, out, start, end - start)
    assert (tmp_path / "target").read_bytes() == source.read_bytes()[1000:200_000]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sep", [b",\n", b""])
def test_random_small_rebuilds_splice_exactly(tmp_path, descending, sep):
    """Many small rebuilds of random edits (fragments added, removed,
    edited, moved; several at one place; at both ends; all of them) give
    the bytes of the whole file each time, making only what changed."""
    import random
    rng = random.Random(f"{descending}{sep}")
    store = Store(tmp_path / "store.sqlite3")
    records = {}  # key -> (sort key, text)

    def build(changed, dropped, whole_list=False):
        site = SiteWriter(tmp_path / "out", None, {}, store, Basis(), workers=1, everything=whole_list)
        made = []

        def part(key):
            sortkey, text = records[key]

            def make():
                made.append(key)
                return text.encode("utf-8")
            return (key, sortkey, f"fp-{sortkey}-{text}", make)
        store.begin()
        every = [part(k) for k in records]
        if whole_list:
            site.joined("x.csv", b"head\n", b"\ntail\n", sep=sep, owner="x", parts=every)
        else:
            site.joined("x.csv", b"head\n", b"\ntail\n", sep=sep, owner="x", descending=descending,
                        parts=[part(k) for k in changed if k in records], drop=dropped, full=lambda: every)
        site.finish()
        store.commit()
        order = sorted(records, key=lambda k: records[k][0], reverse=descending and not whole_list)
        body = sep.join(records[k][1].encode("utf-8") for k in order)
        return (tmp_path / "out" / "x.csv").read_bytes(), b"head\n" + body + b"\ntail\n", made

    serial = iter(range(10**6))
    for _ in range(20):
        key = f"k{next(serial)}"
        records[key] = (f"{rng.randrange(1000):04d}{key}", f"text {key}")
    got, want, made = build(records, [])
    assert got == want and len(made) == 20
    for step in range(60):
        changed, dropped = set(), []
        for _ in range(rng.choice([1, 1, 2, 3, 5])):
            action = rng.random()
            if action < 0.35 or not records:
                key = f"k{next(serial)}"
                place = rng.choice([0, 999, rng.randrange(1000)])
                records[key] = (f"{place:04d}{key}", f"new {key}")
                changed.add(key)
            elif action < 0.6:
                key = rng.choice(sorted(records))
                del records[key]
                dropped.append(key)
                changed.discard(key)
            elif action < 0.85:
                key = rng.choice(sorted(records))
                records[key] = (records[key][0], f"edited {step} {key}")
                changed.add(key)
            else:
                key = rng.choice(sorted(records))
                records[key] = (f"{rng.randrange(1000):04d}{key}", records[key][1])
                changed.add(key)
        got, want, made = build(changed, dropped)
        assert got == want, f"step {step}: {changed} {dropped}"
        assert set(made) <= changed
    for key in sorted(records):  # every fragment removed
        del records[key]
        dropped.append(key)
    got, want, _ = build(set(), list(dropped))
    assert got == want == b"head\n\ntail\n"
    store.close()
