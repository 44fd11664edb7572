"""Joined files (data/suggestions.json and the like) are spliced from their
previous bytes: only changed fragments are made again, the rest is copied
(by the kernel where it can). The result must be the bytes a whole rebuild
gives, whichever way the copy goes, and a file that is not the one the last
build wrote must be made whole again."""

import os

import pytest

from portal import writer as writer_module
from portal.writer import SiteWriter


class Basis:
    site = "site-basis"

    @staticmethod
    def of(template):
        return f"template:{template}"


def build(tmp_path, records, made):
    """One build writing ``records`` ({key: text}) as a joined file; the keys
    whose fragments were made are added to ``made``."""
    site = SiteWriter(tmp_path / "out", None, {}, tmp_path / "state.pickle", Basis(), workers=1)

    def part(key, text):
        def make():
            made.append(key)
            return text.encode("utf-8")
        return (key, f"fp-{text}", make)

    site.joined("data/all.json", b"[\n", [part(k, v) for k, v in records.items()], b"\n]\n", sep=b",\n")
    site.finish()
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
