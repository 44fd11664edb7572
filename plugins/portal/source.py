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
# replies are like that, and Python-Markdown is slow on them (~200 µs a
# document); the fast path gives byte-identical output, and tests compare both
# on the sample, on a generated fixture and on an adversarial set.
#
# Besides plain paragraphs it takes the two constructs deputy suggestions use
# (``**一、基本情况**`` headings and a numbered list of proposals), only in
# forms whose Python-Markdown output is certain (site settings: ``extra``,
# raw HTML off):
#
# * ``**X**`` where the paragraph's (or item's) asterisks are all in runs of
#   exactly two, paired in order, and X is on one line, does not start or end
#   with whitespace: Python-Markdown's delimiter processor then pairs them the
#   same way (an opening run followed by non-space can open, a closing one
#   preceded by non-space can close, equal lengths pair) giving <strong>X</strong>;
# * a block (between blank lines) whose every line is ``N. item`` (ASCII
#   digits, a full stop, spaces, then a non-space) is a tight <ol> of <li>item</li>,
#   unless the block before or after is a list too (Markdown would make one loose
#   list of both) -- then, and whenever anything else looks like syntax, the
#   caller falls back to Python-Markdown.
#
# Anything else that is syntax somewhere, or that Python-Markdown rewrites
# (tabs, CR, control characters), sends the text to Python-Markdown.
_SYNTAX = re.compile(r"[\\`_\[\]#<>&|~={}\x00-\x09\x0b-\x1f\x7f]|  \n")
# A line starting like a block construct: indented (code, list continuation),
# an ordered or bullet list item, a quote, a rule or setext underline
# (``-``, ``--``, ``---``, ``===``), a definition (``: ``), attributes (``{:``).
_LINE_SYNTAX = re.compile(r"^(?:[ \t]|\d+[.)]\s|[-+>:{=])", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_STARS = re.compile(r"\*+")
_ITEM = re.compile(r"\d+\.[ ]+(?=\S)")
_ASCII_ITEM = re.compile(r"[0-9]+\.[ ]+")
_SPACE = re.compile(r"\s")  # whitespace as Python-Markdown's delimiter patterns see it


def _inline(text):
    """``text`` with its ``**strong**`` spans as HTML, or None unless every
    asterisk is in such a span (see above)."""
    if "*" not in text:
        return text
    out, pos, opening = [], 0, None
    for run in _STARS.finditer(text):
        start, end = run.span()
        if end - start != 2:
            return None
        if opening is None:
            if end >= len(text) or _SPACE.match(text, end):
                return None
            opening = run
        else:
            inner = text[opening.end():start]
            if _SPACE.match(inner, len(inner) - 1) or "\n" in inner:
                return None
            out.append(text[pos:opening.start()])
            out.append(f"<strong>{inner}</strong>")
            pos, opening = end, None
    if opening is not None:
        return None
    out.append(text[pos:])
    return "".join(out)


def _list_items(block):
    """The items of a block that is a plain tight ordered list, else None."""
    items = []
    for line in block.split("\n"):
        match = _ITEM.match(line)
        if not match or not _ASCII_ITEM.match(line):
            return None
        item = line[match.end():]
        if _LINE_SYNTAX.match(item) or item.rstrip() != item:
            return None
        items.append(item)
    return items


def plain_paragraphs(text):
    """HTML for text that is only paragraphs (with ``**strong**`` spans) and
    plain numbered lists, or None if it has any other syntax or anything the
    fast path cannot be sure of. ``text`` is stripped (``Renderer`` does)."""
    if _SYNTAX.search(text):
        return None
    html, previous_list = [], False
    for block in _BLANK_LINE.split(text):
        block = block.strip("\n")
        if not block.strip():
            continue
        if not _LINE_SYNTAX.search(block):
            # Python-Markdown's paragraph is block.lstrip(): a leading 全角空格 goes.
            inline = _inline(block.lstrip())
            if inline is None:
                return None
            html.append(f"<p>{inline}</p>")
            previous_list = False
            continue
        items = _list_items(block)
        if items is None or previous_list:
            return None
        lines = []
        for item in items:
            inline = _inline(item)
            if inline is None:
                return None
            lines.append(f"<li>{inline}</li>")
        html.append("<ol>\n" + "\n".join(lines) + "\n</ol>")
        previous_list = True
    return "\n".join(html)


# The settings the fast path is proven for; any other MARKDOWN setting (an
# extension, tab_length, lazy_ol...) always goes through Python-Markdown.
_FAST_EXTENSIONS = ({"markdown.extensions.extra": {}}, {"extra": {}})
_FAST_OPTIONS = frozenset({"output_format"})


class Renderer:
    """Markdown to HTML with the site's MARKDOWN settings."""

    def __init__(self, settings):
        config = dict(settings.get("MARKDOWN") or {})
        ext_configs = config.pop("extension_configs", {})
        config.pop("extensions", None)
        self._fast = (ext_configs in _FAST_EXTENSIONS and set(config) <= _FAST_OPTIONS
                      and config.get("output_format", "xhtml") in ("html", "html5", "xhtml"))
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
        fast = plain_paragraphs(text) if self._fast else None
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
