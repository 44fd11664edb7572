"""Content problems: what staff see when a file is wrong.

Every problem names the file, the field and what is expected, in Chinese
and English. Problems are collected rather than raised one at a time, so a
single run lists everything that needs fixing.
"""

import difflib
from pathlib import Path


def _shown(path):
    """Paths relative to the working directory read best (content/deputies/…)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Problem:
    __slots__ = ("path", "field", "zh", "en")

    def __init__(self, path, field, zh, en):
        self.path, self.field, self.zh, self.en = _shown(path), field, zh, en

    def __str__(self):
        return f"{self.path}: {self.field}: {self.zh} / {self.en}"

    def __repr__(self):
        return f"Problem({str(self)!r})"


class ContentError(Exception):
    """The content cannot be built; carries every problem found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self):
        lines = [f"内容有 {len(self.problems)} 处问题 / {len(self.problems)} problem(s) in the content:"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class Problems(list):
    """A list of Problem with a convenience adder."""

    def add(self, path, field, zh, en):
        self.append(Problem(path, field, zh, en))

    def raise_if_any(self):
        if self:
            raise ContentError(sorted(self, key=lambda p: (p.path, p.field)))


def unknown_ref(registry, ident, label_zh, label_en):
    """(zh, en) for an ID that is not in ``registry``, naming likely ones."""
    near = difflib.get_close_matches(ident, list(registry), n=3, cutoff=0.5)
    if not near and len(registry) <= 8:
        near = sorted(registry)
    hint_zh = f"；可选：{'、'.join(near)}" if near else ""
    hint_en = f"; expected e.g. {', '.join(near)}" if near else ""
    return f"找不到{label_zh}“{ident}”{hint_zh}", f"unknown {label_en} {ident!r}{hint_en}"
