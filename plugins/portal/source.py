"""Reading a content file: a Pelican-style metadata header and a Markdown body.

The header is ``key: value`` lines up to the first blank line; a line
indented by whitespace continues the previous key (one list item per line).
This is the format of Pelican's Markdown reader, so the files look like any
other Pelican content. We read them ourselves because a suggestion's body
has sections (the opinion, ``## 答复``, ``## 二次答复``) rendered separately,
and because one cheap function per file is easy to cache and parallelise.
"""

import hashlib
import re

import markdown

_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*[:：]\s*(.*)$")
_SECTION = re.compile(r"^##[ \t]*(答复|二次答复|原文)[ \t]*#*[ \t]*$", re.M)
# 原文 is the citizen's verbatim text in a private case file; never rendered.
SECTION_NAMES = {"答复": "reply", "二次答复": "second_reply", "原文": "original"}


class SourceFile:
    """One parsed file: ``meta`` maps lower-case keys to a string (one line)
    or a list of strings (continuation lines); ``sections`` maps ``body``,
    ``reply``, ``second_reply`` to rendered HTML."""

    __slots__ = ("path", "meta", "sections", "digest", "header_errors")

    def __init__(self, path, meta, sections, digest, header_errors):
        self.path = path
        self.meta = meta
        self.sections = sections
        self.digest = digest
        self.header_errors = header_errors


def split_header(text):
    """Return (meta, body, errors) for the text of a file."""
    meta, errors = {}, []
    lines = text.split("\n")
    key = None
    i = 0
    for i, line in enumerate(lines):
        if not line.strip():
            break
        if line[:1] in (" ", "\t"):
            if key is None:
                errors.append((i + 1, line.strip()))
                continue
            value = meta[key]
            items = value if isinstance(value, list) else ([value] if value else [])
            items.append(line.strip())
            meta[key] = items
            continue
        match = _KEY.match(line)
        if not match:
            errors.append((i + 1, line.strip()))
            key = None
            continue
        key = match.group(1).lower()
        if key in meta:
            errors.append((i + 1, f"{key}（重复 / duplicate）"))
        meta[key] = match.group(2).strip()
    else:
        i = len(lines)
    body = "\n".join(lines[i + 1:])
    return meta, body, errors


def split_sections(body):
    parts = {"body": body}
    matches = list(_SECTION.finditer(body))
    if matches:
        parts["body"] = body[:matches[0].start()]
        for match, following in zip(matches, matches[1:] + [None]):
            end = following.start() if following else len(body)
            parts[SECTION_NAMES[match.group(1)]] = body[match.end():end]
    return parts


# Text with none of Markdown's syntax is only paragraphs. Most suggestions and
# replies are like that, and Python-Markdown is slow on them; the fast path
# gives byte-identical output (a test compares both on all sample content).
_SYNTAX = re.compile(r"[\\`*_\[\]#<>&|~=]|  \n")
_LINE_SYNTAX = re.compile(r"^(?:[ \t]|\d+[.)]\s|[-+>]\s|-{3,}|={3,})", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def plain_paragraphs(text):
    """HTML for text that is only paragraphs, or None if it has any syntax."""
    if _SYNTAX.search(text) or _LINE_SYNTAX.search(text):
        return None
    return "\n".join(f"<p>{p.strip(chr(10))}</p>" for p in _BLANK_LINE.split(text) if p.strip())


class Renderer:
    """Markdown to HTML with the site's MARKDOWN settings."""

    def __init__(self, settings):
        config = dict(settings.get("MARKDOWN") or {})
        ext_configs = config.pop("extension_configs", {})
        config.pop("extensions", None)
        self._md = markdown.Markdown(
            extensions=list(ext_configs), extension_configs=ext_configs, **config)
        # Raw HTML in portal content is shown as text, never passed through:
        # a citizen's words (published from a case) must not become markup.
        for registry, name in ((self._md.preprocessors, "html_block"), (self._md.inlinePatterns, "html")):
            if name in registry:
                registry.deregister(name)

    def __call__(self, text):
        text = text.strip()
        if not text:
            return ""
        fast = plain_paragraphs(text)
        return fast if fast is not None else self._md.reset().convert(text)


def read_source(path, renderer):
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    meta, body, errors = split_header(text)
    parts = split_sections(body)
    sections = {name: renderer(part) for name, part in parts.items() if name != "original"}
    if "original" in parts:
        sections["original"] = None  # present, deliberately not rendered
    return SourceFile(path, meta, sections, hashlib.sha256(raw).hexdigest(), errors)
