"""Finding personal data in text: phone numbers, ID-card numbers, e-mail
addresses and known names.

Shared by ``invoke publish`` (which refuses to publish a case whose public
text still contains any of them) and the build guard (``piiguard``, which
fails the build when an output file does).

How a text is scanned (``Detector.scan``):

1. It is *unfolded* once: HTML entities (``&#49;``), percent-escapes
   (``%31``) and JSON/JS escapes (``\\u0031``, ``\\n``) are decoded, then
   NFKC (by a lookup table of the compatibility characters that matter)
   maps full-width digits, letters and dashes, circled and mathematical
   digits and the ideographic space to ASCII (``１３８－…`` becomes
   ``138-…``). Numbers inside HTML attributes or JSON strings are ordinary
   text to the scanner.
2. Three passes, each a precompiled pattern the regex engine runs in C, and
   each skipped when a check in C (``in``, a pattern with a literal first
   character) shows it cannot match: known names (one alternation,
   optionally spaced out character by character), e-mail addresses (only
   tried around an ``@`` or ``[at]``), and one pass for runs of Chinese
   digit words (一三八…) and *digit runs* of at least ten digits: groups of
   digits joined by up to three separator characters (spaces, dashes, dots,
   slashes, brackets, underscores, middle dots), so ``138 1234 5678``,
   ``138-1234-5678``, ``(0873)6123456`` and ``1 3 8 1 2 3 4 5 6 7 8`` are
   one run each. The same pass notices a character to fold (step 1), so a
   page without any is not searched for them separately.
3. A run is cut into its groups. Dates inside it (``2026-11-22``) are cut
   out, as is a group touching a Latin letter (hashes, hex keys, base64,
   ``20261122T0830`` in calendars, tracking codes like ``K7M-3PQ-XC4``). A
   finding is then a sequence of *whole* consecutive groups whose digits
   are exactly a mobile number (1[3-9] + 9 digits, optionally +86), a
   landline (0 + area code + 7–8 digits), an 18-digit ID-card number with a
   valid birth date and GB 11643 check digit, a 15-digit old ID-card number
   with a valid birth date, or a phone number from a private case file.
   Because only whole groups count, a long number that merely *contains*
   eleven phone-like digits (an account number, a 19-digit order number) is
   not a finding, and neither is ``24.3125`` style decimal (two groups
   joined by one dot).

Allowed public contacts (stations' phones, ``PORTAL_PII_ALLOW``) are compared
digit-normalised (``0873-6123448`` = ``(0873) 6123448``) or, for e-mail,
case-insensitively; they are never findings.
"""

import datetime
import functools
import html
import re
import unicodedata
import urllib.parse
from typing import NamedTuple

KIND_LABELS = {
    "mobile": "手机号码", "landline": "固定电话", "id": "身份证号码", "email": "电子邮箱",
    "name": "姓名", "phone": "案卷中的电话号码",
}
KIND_EN = {
    "mobile": "mobile number", "landline": "landline number", "id": "ID-card number",
    "email": "e-mail address", "name": "name", "phone": "phone number from a case file",
}

# Between two digit groups: 1–3 of these (after NFKC; the em dash and the
# middle dots have no ASCII form).
_SEP = r"[\s\-‐‑‒–—―.·・•_/()（）\[\]]"
# Runs shorter than this (dates, times, counts: by far the most common
# digits in a page) are skipped before any work (fewer when a private phone
# number is shorter).
MIN_DIGITS = 10
# The same, matched from its first dash: a pattern starting with a literal
# is searched far faster than one starting with a class (digits and a–f are
# everywhere in a feed): ten times on one.
_UUID_FROM_DASH = re.compile(r"-(?<=[0-9A-Fa-f]{8}-)[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_GLUED_BEFORE = re.compile(r"[A-Za-z][-_/.]{0,3}\Z")
_GLUED_AFTER = re.compile(r"[-_/.]{0,3}[A-Za-z]")
_RUN = re.compile(rf"[0-9]+(?:{_SEP}{{1,3}}[0-9]+)*[Xx]?")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_CN_DIGITS = "〇零○一二三四五六七八九幺"
_CN_MAP = str.maketrans({"〇": "0", "零": "0", "○": "0", "一": "1", "幺": "1", "二": "2", "三": "3",
                         "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"})
# Eleven or more digit words in a row (a date like 二〇二六 has four); a
# part of the number pass (_number_scanner).
_CN_RUN = rf"[{_CN_DIGITS}](?:[\s\-]{{0,2}}[{_CN_DIGITS}]){{10,}}"
# Where an address may be: an @ or a bracketed "at". The class comes first
# so that the engine skips to "@", "[" and "(" in C; the alternation
# "@|[\[(]…" was tried at every position.
_AT_HINT = re.compile(r"[@\[(](?:(?<=@)|\s*[aA][tT]\s*[\])])")
# A text without an @ needs the e-mail pass only if one of these matches:
# together they cover every bracketed hint, and a pattern with a literal
# first character is searched far faster than one starting with a class.
_AT_SQUARE = re.compile(r"\[\s*[aA][tT]\s*[\])]")
_AT_ROUND = re.compile(r"\(\s*[aA][tT]\s*[\])]")
_AT = r"(?:@|\s*[\[(]\s*(?:at|AT)\s*[\])]\s*)"
_DOT = r"(?:\.|\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*)"
_EMAIL = (rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{{0,63}}{_AT}"
          rf"[A-Za-z0-9](?:[A-Za-z0-9\-]{{0,61}}[A-Za-z0-9])?(?:{_DOT}[A-Za-z0-9\-]{{1,63}})*"
          rf"{_DOT}[A-Za-z]{{2,24}}(?![A-Za-z0-9])")
# "icon@2x.png" is a file name, not an address.
_FILE_TLDS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "ico", "avif", "pdf", "html"}
# RFC 2606 / 6761: these can never be someone's mailbox (calendar UIDs use them).
_RESERVED_TLDS = {"invalid", "test", "localhost", "example"}
_RESERVED_DOMAINS = {"example.com", "example.net", "example.org"}
_JSON_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[nrtbf\"/\\])")
_JSON_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "/": "/", "\\": "\\"}
# html.unescape's own pattern (CPython's html._charref; a test compares).
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# What urllib.parse.unquote decodes: without one it returns the text
# unchanged, after a costly pass ("完成 46%" is common in pages).
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0(?:10|2\d)\d{8}|0[3-9]\d{2}\d{7,8}")
_ID18 = re.compile(r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_ID15 = re.compile(r"[1-8]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
MAX_GROUPS = 11  # 1 3 8 1 2 3 4 5 6 7 8: one digit per group at most


class Finding(NamedTuple):
    kind: str      # mobile | landline | id | email | name | phone
    match: str     # the text as found (after unfolding)
    start: int     # offsets in the unfolded text
    end: int

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    def describe(self):
        return f"{KIND_LABELS[self.kind]}“{self.match}”"


def digits_of(text):
    """Digits (and a final X) of a phone or ID number as written: NFKC,
    everything else dropped, a leading 86 / 0086 country code removed."""
    text = str(text)
    if text.isascii() and text.isdigit():  # nothing to drop: what _kind() asks about
        d = text
    else:
        d = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    for prefix in ("0086", "86"):
        if d.startswith(prefix) and len(d) - len(prefix) == 11 and _MOBILE.fullmatch(d[len(prefix):]):
            return d[len(prefix):]
    return d


def id_checksum_ok(number):
    """GB 11643-1999 check digit of an 18-character ID-card number."""
    number = number.upper()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(ch) * w for ch, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def _valid_date(year, month, day):
    try:
        datetime.date(year, month, day)
        return True
    except ValueError:
        return False


def is_id_number(d):
    d = d.upper()
    if len(d) == 18 and _ID18.fullmatch(d):
        return _valid_date(int(d[6:10]), int(d[10:12]), int(d[12:14])) and id_checksum_ok(d)
    if len(d) == 15 and _ID15.fullmatch(d):
        return _valid_date(1900 + int(d[6:8]), int(d[8:10]), int(d[10:12]))
    return False


def classify(d):
    """The kind of number the digit string ``d`` is, or None."""
    if d[-1:] in "Xx":
        return "id" if is_id_number(d) else None
    n = len(d)
    if n == 11 and _MOBILE.fullmatch(d):
        return "mobile"
    if n in (13, 15) and d.startswith(("86", "0086")) and _MOBILE.fullmatch(d[-11:]):
        return "mobile"
    if d[:1] == "0" and 10 <= n <= 12 and _LANDLINE.fullmatch(d):
        return "landline"
    if n in (15, 18) and is_id_number(d):
        return "id"
    return None


def _sub_groups(pattern, replace, text):
    """pattern.sub(lambda m: replace(m.group(1)), text) for a pattern with one
    group, faster: split() returns the texts and the groups in turn, and
    map() of a cached function runs in C, without a Python call per match
    (feeds escape every tag: &lt;p&gt;)."""
    parts = pattern.split(text)
    parts[1::2] = map(replace, parts[1::2])
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _entity(ref):
    # What html.unescape makes of the one reference: the same as in context.
    return html.unescape("&" + ref)


@functools.lru_cache(maxsize=4096)
def _json_char(escape):
    return chr(int(escape[1:], 16)) if escape[0] == "u" else _JSON_SIMPLE[escape]


def _json_unescape(text):
    out = _sub_groups(_JSON_ESCAPE, _json_char, text)
    # \ud83d\ude00 pairs become one character; lone surrogates stay harmless.
    # Without a surrogate the round trip changes nothing: a strict encode
    # finds out several times faster.
    try:
        out.encode("utf-16-le")
        return out
    except UnicodeEncodeError:
        return out.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# Left alone: the punctuation frequent in Chinese text that no pattern
# needs folded (！（），：；？); （） are separators as they are.
_FOLD_RANGES = [(0x3000, 0x3000), (0xFF02, 0xFF07), (0xFF0A, 0xFF0B), (0xFF0D, 0xFF19),
                (0xFF1C, 0xFF1E), (0xFF20, 0xFF5E), (0x2460, 0x24FF), (0x2776, 0x2793),
                (0x2070, 0x209F), (0x00B2, 0x00B9), (0x1D7CE, 0x1D7FF), (0x2F00, 0x2FDF),
                (0xF900, 0xFAFF), (0x2011, 0x2011), (0xFE50, 0xFE6B)]


def _fold_table():
    """NFKC for the characters that matter here (full-width digits, letters
    and punctuation, the ideographic space, circled and mathematical digits,
    compatibility ideographs), as a lookup table: NFKC of a whole page costs
    more than the rest of the scan."""
    table = {}
    for low, high in _FOLD_RANGES:
        for code in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if folded != chr(code):
                table[chr(code)] = folded
    return table


_FOLD = _fold_table()


def _class_of(chars):
    """A regex class body for ``chars``, as ranges of consecutive code
    points: much faster for the regex engine than the characters one by one."""
    ranges = []
    for code in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


# Only the characters that change (not ·, frequent in pages, which NFKC
# keeps): a text without one is left as it is.
_FOLD_CLASS = _class_of(_FOLD)
_FOLD_CHARS = re.compile(f"[{_FOLD_CLASS}]")
# The ones a digit run or a run of Chinese digits may contain (the
# ideographic space, the non-breaking hyphen): Detector.scan folds a text
# with one of them before scanning, any other as soon as the scan meets it.
_FOLD_SEPARATORS = "".join(ch for ch in _FOLD if re.match(_SEP, ch))


def _decode(text):
    """Entities, percent-escapes and JSON escapes decoded; each step only
    when its text has the character that starts an escape."""
    if "&" in text:
        text = _sub_groups(_CHARREF, _entity, text)  # html.unescape(text)
    if "%" in text and _PERCENT_ESCAPE.search(text):
        text = urllib.parse.unquote(text, errors="replace")
    if "\\" in text:
        text = _json_unescape(text)
    return text


def _fold(text):
    # Searched first: sub() builds a new text even when nothing changes.
    if not text.isascii() and _FOLD_CHARS.search(text):
        text = _FOLD_CHARS.sub(lambda m: _FOLD[m.group()], text)
    return text


def unfold(text):
    """The text as a reader (or a program) would see it: entities, escapes
    and full-width forms decoded. Cheap when there is nothing to decode."""
    return _fold(_decode(text))


@functools.lru_cache(maxsize=None)
def _number_scanner(min_digits, min_kind_digits, fold):
    """The pass for digit runs (of ``min_digits`` digits or more) and runs of
    Chinese digit words (_CN_RUN): matched from a position, it consumes
    everything up to the next such run and captures it (group 1 a digit
    run's start, group 2 a run of digit words, with ``fold`` group 3 a
    character to fold), or consumes the rest of the text.

    Faster than searching for the runs: the engine is entered once per run
    found, not once for every digit of a page (and each start inside a date
    walks the rest of it again). A short run is consumed whole, so the scan
    only stops where a run starts; the first match of the searching
    pattern is always such a start, so the runs found are the same. Digit
    runs and runs of digit words share no character that could start either
    one, so they never overlap.

    Also consumed: a digit run glued to a Latin letter before it (whose
    first group Detector._run drops) with fewer than ``min_kind_digits``
    digits after that group, too few for any number. These are most runs
    in pages and calendars (/reception/r-04997/2026-10-20/, UIDs)."""
    cn = f"[{_CN_DIGITS}]"
    keys = _FOLD_CLASS if fold else ""
    # Consumed whole: a digit run with fewer than min_digits digits ...
    short_digits = rf"[0-9](?:{_SEP}{{0,3}}[0-9]){{0,{min_digits - 2}}}+(?!{_SEP}{{0,3}}[0-9])"
    # ... or glued (_GLUED_BEFORE, as a lookbehind of each width) with too
    # few digits after its first group ...
    glued = "|".join(rf"(?<=[A-Za-z][-_/.]{{{k}}})" for k in range(4))
    short_glued = (rf"(?:{glued})[0-9]++(?:{_SEP}{{0,3}}[0-9]){{0,{min_kind_digits - 1}}}+"
                   rf"(?!{_SEP}{{0,3}}[0-9])")
    # ... and a run of fewer than eleven digit words.
    short_words = rf"{cn}(?:[\s\-]{{0,2}}{cn}){{0,9}}+(?![\s\-]{{0,2}}{cn})"
    # Captured where the scan stops: the start of a longer digit run, a run
    # of digit words (_CN_RUN), a character to fold.
    digits = rf"[0-9](?:{_SEP}{{0,3}}[0-9]){{{min_digits - 1}}}"
    to_fold = f"|([{keys}])" if fold else ""
    return re.compile(rf"(?:[^0-9{_CN_DIGITS}{keys}]++|{short_digits}|{short_glued}|{short_words})*+"
                      rf"(?:({digits})|({_CN_RUN}){to_fold})?")


def _blank_uuids(text):
    """Every UUID (8-4-4-4-12 hex digits) replaced by as many x's, left to
    right, each found at its first dash, 8 characters after its start."""
    parts, done, pos = [], 0, 8
    while True:
        m = _UUID_FROM_DASH.search(text, pos)
        if m is None:
            break
        parts += (text[done:m.start() - 8], "x" * 36)
        done = m.end()
        pos = done + 8  # the next one starts after this one ends
    if not parts:
        return text
    parts.append(text[done:])
    return "".join(parts)


def _is_date(groups, seps):
    """Three groups written as a date: 2026-11-22, 2026/1/5, 2026.11.22."""
    (y, m, d) = (g[2] for g in groups)
    # d may be a run's last group, ending in X ("2026-11-2X"): not a date
    # (int() of it raised ValueError and stopped the scan).
    if not (len(y) == 4 and y[:2] in ("19", "20") and len(m) <= 2 and len(d) <= 2 and d.isdigit()):
        return False
    if seps[0].strip() != seps[1].strip() or seps[0].strip() not in ("-", "/", "."):
        return False
    return 1 <= int(m) <= 12 and 1 <= int(d) <= 31


def snippet(text, start, end, width=15):
    """The match with a little context, on one line: …电话 138 1234 5678 联系…"""
    before = text[max(0, start - width):start]
    after = text[end:end + width]
    clean = lambda s: " ".join(s.split())  # noqa: E731
    return (("…" if start > width else "") + clean(before) + "【" + clean(text[start:end]) + "】"
            + clean(after) + ("…" if end + width < len(text) else ""))


class Detector:
    """Scans texts for personal data.

    ``names``: full names (and, for publishing, given names) to find;
    ``phones``: private phone numbers (any form) to find even when they fit
    no pattern; ``allow``: public contacts (phones, e-mail addresses) that
    are never findings."""

    def __init__(self, names=(), phones=(), allow=()):
        self.allow_digits = set()
        self.allow_emails = set()
        for item in allow:
            item = str(item).strip()
            if "@" in item:
                self.allow_emails.add(item.lower())
            elif digits_of(item):
                self.allow_digits.add(digits_of(item))
        self.phones = {d for d in (digits_of(p) for p in phones) if len(d) >= 7} - self.allow_digits
        names = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
        self.names = names
        self.min_digits = min([MIN_DIGITS] + [len(p) for p in self.phones])
        # No number _kind() knows has fewer digits (11: mobiles, landlines).
        self.min_kind_digits = min([11] + [len(p) for p in self.phones])
        # All names in one alternation, each optionally spaced out (王 小 明),
        # longest first. Those with the same first character share a branch
        # (in the same order, so the same one matches): the engine tries one
        # branch per surname instead of one per name.
        by_first = {}
        for n in names:
            chars = unicodedata.normalize("NFKC", n)
            by_first.setdefault(chars[0], []).append("".join(r"\s{0,2}" + re.escape(ch) for ch in chars[1:]))
        self.name_re = re.compile("|".join(
            re.escape(first) + "(?:" + "|".join(rests) + ")" for first, rests in by_first.items())
        ) if names else None
        # With a few first characters (publishing: one case's names), "in"
        # tells in C whether the name pattern needs trying at all.
        self.name_firsts = list(by_first) if len(by_first) <= 4 else None
        self.ascii_names = any(first.isascii() for first in by_first)
        self.email = re.compile(_EMAIL)
        self._runs_seen = {}  # see _numbers
        self.numbers = _number_scanner(self.min_digits, self.min_kind_digits, True)
        self.numbers_unfolded = _number_scanner(self.min_digits, self.min_kind_digits, False)

    def scan(self, text, unfolded=False):
        """Findings in ``text``, in order. Offsets refer to ``unfold(text)``
        (returned as ``self.last_text``) unless ``unfolded`` is true."""
        if unfolded:
            numbers = self.numbers_unfolded
        else:
            text = _decode(text)
            # Folding (step 1) is left to the number pass, which meets any
            # character to fold, except those inside a run: texts with
            # those are folded now.
            if any(ch in text for ch in _FOLD_SEPARATORS):
                text = _fold(text)
            numbers = self.numbers_unfolded if text.isascii() else self.numbers
        while True:
            self.last_text = text
            # UUIDs (feed entry ids) are identifiers whose hex groups can happen
            # to be all digits: blank them out (same length, offsets kept).
            # Only where the text says so (urn:uuid: in feeds): the pattern is
            # costly over every page, and an unlabelled one can only cause a
            # false alarm, never a leak.
            scanned = _blank_uuids(text) if "uuid" in text or "UUID" in text else text
            runs = self._numbers(scanned, numbers)
            if runs is not None:
                break
            # A character to fold: fold the text and start again (rare).
            text = _fold(text)
            numbers = self.numbers_unfolded
        found, words = runs
        text = scanned
        if self.name_re is not None and self._may_have_names(text):
            found += [Finding("name", m.group(), m.start(), m.end()) for m in self.name_re.finditer(text)]
        found += words
        if ("@" in text or ("[" in text and _AT_SQUARE.search(text))
                or ("(" in text and _AT_ROUND.search(text))):
            found += self._emails(text)
        # Each pass found its matches in order; one stable sort, as before.
        found.sort(key=lambda f: f.start)
        return found

    def _numbers(self, text, numbers):
        """(findings in digit runs, findings in runs of Chinese digit words),
        or None if ``text`` has a character to fold. A run is looked at only
        when MIN_DIGITS digits follow its start: the short ones (dates,
        times, counts) never reach Python code."""
        found, words, pos = [], [], 0
        match = numbers.match
        while True:
            m = match(text, pos)
            group = m.lastindex
            if group is None:  # nothing more: the rest was consumed
                return found, words
            if group == 1:
                start = m.start(1)
                run = _RUN.match(text, start)
                pos = run.end()
                # What _run finds depends only on the run and the few
                # characters around it that _GLUED_BEFORE/_AFTER look at; the
                # same runs (public phones, dates) recur on many pages.
                key = (text[max(0, start - 4):start], run.group(), text[pos:pos + 4])
                spans = self._runs_seen.get(key)
                if spans is None:
                    if len(self._runs_seen) >= 10000:
                        self._runs_seen.clear()
                    spans = self._runs_seen[key] = [(f.kind, f.start - start, f.end - start)
                                                    for f in self._run(text, run)]
                for kind, a, b in spans:
                    found.append(Finding(kind, text[start + a:start + b], start + a, start + b))
                continue
            if group == 3:
                return None
            pos = m.end()
            d = "".join(ch for ch in m.group(2).translate(_CN_MAP) if ch.isdigit())
            if d in self.allow_digits:
                continue
            if any(p in d for p in self.phones):
                words.append(Finding("phone", m.group(2), m.start(2), m.end(2)))
            elif _MOBILE.search(d) or classify(d):
                words.append(Finding(classify(d) or "mobile", m.group(2), m.start(2), m.end(2)))

    def _may_have_names(self, text):
        if text.isascii() and not self.ascii_names:  # O(1): CPython knows
            return False
        return self.name_firsts is None or any(ch in text for ch in self.name_firsts)

    def _emails(self, text):
        """Only around an @ (or [at]): the address pattern is costly to try
        at every word of a page."""
        found, done = [], -1
        for hint in _AT_HINT.finditer(text):
            if hint.start() < done:
                continue
            low = max(0, hint.start() - 70)
            for m in self.email.finditer(text, low, min(len(text), hint.end() + 260)):
                if m.end() <= done or not (m.start() <= hint.start() < m.end()):
                    continue
                done = m.end()
                address = re.sub(r"\s+", "", m.group())
                domain = address.rsplit("@", 1)[-1].lower() if "@" in address else address.lower()
                tld = address.rsplit(".", 1)[-1].lower()
                if tld in _FILE_TLDS or tld in _RESERVED_TLDS or domain in _RESERVED_DOMAINS:
                    continue
                if address.lower() not in self.allow_emails:
                    found.append(Finding("email", m.group(), m.start(), m.end()))
                break
        return found

    def _run(self, text, m):
        groups = [(g.start(), g.end(), g.group()) for g in _GROUP.finditer(text, m.start(), m.end())]
        # A group glued to a Latin letter is part of a word, a hash or a code,
        # also across joining punctuation: the UUID b2c2065e-0869-5900-…,
        # the address /reception/r-04997/2026-10-20/.
        first_ok = not _GLUED_BEFORE.search(text, max(0, m.start() - 4), m.start())
        last_ok = not _GLUED_AFTER.match(text, m.end())
        # Too few digits left for any number (only the last group can end in
        # X): most runs in pages (a path with a code and a date, a calendar
        # UID) end here, before the costly part.
        counts = [len(g[2]) for g in groups]
        counts[-1] -= m.group()[-1] in "Xx"
        if not first_ok:
            counts[0] = 0
        if not last_ok:
            counts[-1] = 0
        if sum(counts) < self.min_kind_digits:
            return []
        seps = [text[a[1]:b[0]] for a, b in zip(groups, groups[1:])]
        segments, current, i = [], [], 0
        while i < len(groups):
            if i + 2 < len(groups) and len(groups[i][2]) == 4 and _is_date(groups[i:i + 3], seps[i:i + 2]):
                segments.append(current)
                current = []
                i += 3
                continue
            if (i == 0 and not first_ok) or (i == len(groups) - 1 and not last_ok):
                segments.append(current)
                current = []
            else:
                current.append(i)
            i += 1
        segments.append(current)
        found = []
        for seg in segments:
            s = 0
            while s < len(seg):
                hit = None
                digits = ""
                for e in range(s, min(len(seg), s + MAX_GROUPS)):
                    g = groups[seg[e]]
                    if e > s and (seg[e] != seg[e - 1] + 1):
                        break
                    digits += g[2]
                    if len(digits) > 18:
                        break
                    if e > s and g[2][-1:] in "Xx" and e != len(seg) - 1:
                        break
                    if e == s + 1 and seps[seg[s]] == ".":
                        continue  # 24.3125: a decimal number
                    if len(digits) - (digits[-1] in "Xx") < self.min_kind_digits:
                        continue  # _kind() would say None, and it is costly
                    kind = self._kind(digits)
                    if kind:
                        hit = (e, kind)  # keep the longest from this start
                if hit:
                    e, kind = hit
                    start, end = groups[seg[s]][0], groups[seg[e]][1]
                    found.append(Finding(kind, text[start:end], start, end))
                    s = e + 1
                else:
                    s += 1
        return found

    def _kind(self, digits):
        kind = classify(digits)
        normal = digits_of(digits) if kind != "id" else digits
        if normal in self.allow_digits:
            return None
        if normal in self.phones:
            return "phone"
        return kind


def surname_of(name):
    """The family name: a compound surname (欧阳, 司马 …) or the first character."""
    name = (name or "").strip()
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound) and len(name) > len(compound):
            return compound
    return name[:1]


def given_name_of(name):
    name = (name or "").strip()
    return name[len(surname_of(name)):]


COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "令狐", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "申屠", "太史", "闻人",
    "万俟", "澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "仲孙", "钟离", "赫连", "司空",
    "拓跋", "羊舌", "第五", "闾丘", "东郭", "南门", "梁丘", "左丘", "东门", "公羊", "谷梁", "段干",
)
