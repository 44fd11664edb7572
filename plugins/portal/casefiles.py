"""Reading the private case files in the inbox (``inbox/<code>.md``).

A case file is a suggestion file (every field of the public suggestion
format, same lifecycle rules) plus private fields that are never published:
``name``, ``phone``, ``contact``, ``anonymous``, ``target``, ``channel``,
``received_at``, ``message_id``; its body has the public text, then the
citizen's verbatim ``## 原文`` (never published), then ``## 答复`` /
``## 二次答复``.

The inbox is ``PORTAL_INBOX`` (environment first, then the setting; a
relative path is relative to the repository), by default ``<repo>/inbox/``
-- the default only for the repository's own ``content/`` (a build of other
content, e.g. a test's, must not read the real inbox), as in
``portal_tools/cases.py``. It is read by ``invoke publish``, by the build
(tracking status of cases not yet published) and by the PII guard (the
names and phone numbers that must never reach the output).
"""

import os
from pathlib import Path

from .source import split_header, split_sections

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_FIELDS = ("name", "phone", "contact", "anonymous", "target", "channel", "received_at",
                  "message_id")


def inbox_path(settings=None):
    """The inbox to read, or None."""
    value = os.environ.get("PORTAL_INBOX") or (settings or {}).get("PORTAL_INBOX")
    if value:
        path = Path(value).expanduser()
        return path if path.is_absolute() else ROOT / path
    content = Path((settings or {}).get("PATH") or ROOT / "content").resolve()
    return ROOT / "inbox" if content == (ROOT / "content").resolve() else None


class Case:
    """One private case file: ``meta`` as split_header gives it, ``parts``
    the raw Markdown of ``body``, ``original``, ``reply``, ``second_reply``."""

    __slots__ = ("path", "meta", "parts", "header_errors")

    def __init__(self, path, meta, parts, header_errors):
        self.path, self.meta, self.parts, self.header_errors = Path(path), meta, parts, header_errors

    def text(self, key):
        value = self.meta.get(key)
        if isinstance(value, list):
            value = " ".join(value)
        return (value or "").strip()

    @property
    def code(self):
        return self.text("code") or self.path.stem

    @property
    def name(self):
        return self.text("name")

    @property
    def phone(self):
        return self.text("phone")

    @property
    def anonymous(self):
        return self.text("anonymous") == "是"

    def public_meta(self):
        """The header without the private fields, in file order."""
        return {k: v for k, v in self.meta.items() if k not in PRIVATE_FIELDS}


def read_case(path):
    text = Path(path).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    meta, body, errors = split_header(text)
    return Case(path, meta, split_sections(body), errors)


def read_inbox(settings=None, inbox=None):
    """Every case file in the inbox, by file name; [] when there is none."""
    root = Path(inbox) if inbox else inbox_path(settings)
    if root is None or not root.is_dir():
        return []
    return [read_case(p) for p in sorted(root.glob("*.md")) if not p.name.startswith(".")]
