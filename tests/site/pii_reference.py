# A frozen copy of plugins/portal/pii.py as of commit 2af4f92, before its
# scanner was made faster; verbatim below this comment. The reference that
# tests/site/test_pii_speed_equivalence.py compares the module with: do not
# edit it, and nothing but that test imports it.
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
2. A few precompiled patterns, each starting with a character class so the
   regex engine skips to candidates in C (measured faster than one big
   alternation): known names (one alternation, optionally spaced out
   character by character), runs of Chinese digit words (一三八…), e-mail
   addresses (only tried around an ``@`` or ``[at]``) and *digit runs* of
   at least ten digits: groups of digits joined by up to
   three separator characters (spaces, dashes, dots, slashes, brackets,
   underscores, middle dots), so ``138 1234 5678``, ``138-1234-5678``,
   ``(0873)6123456`` and ``1 3 8 1 2 3 4 5 6 7 8`` are one run each.
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
_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_GLUED_BEFORE = re.compile(r"[A-Za-z][-_/.]{0,3}\Z")
_GLUED_AFTER = re.compile(r"[-_/.]{0,3}[A-Za-z]")
_RUN = re.compile(rf"[0-9]+(?:{_SEP}{{1,3}}[0-9]+)*[Xx]?")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_CN_DIGITS = "〇零○一二三四五六七八九幺"
_CN_MAP = str.maketrans({"〇": "0", "零": "0", "○": "0", "一": "1", "幺": "1", "二": "2", "三": "3",
                         "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"})
# Eleven or more digit words in a row (a date like 二〇二六 has four).
_CN_RUN = re.compile(rf"[{_CN_DIGITS}](?:[\s\-]{{0,2}}[{_CN_DIGITS}]){{10,}}")
_AT_HINT = re.compile(r"@|[\[(]\s*[aA][tT]\s*[\])]")
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
    d = "".join(ch for ch in unicodedata.normalize("NFKC", str(text)) if ch.isdigit())
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


def _json_unescape(text):
    out = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u"
                           else _JSON_SIMPLE[m.group(1)], text)
    # \ud83d\ude00 pairs become one character; lone surrogates stay harmless.
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
# A class of ranges: much faster for the regex engine than the same
# characters listed one by one.
_FOLD_CHARS = re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _FOLD_RANGES) + "]")


def unfold(text):
    """The text as a reader (or a program) would see it: entities, escapes
    and full-width forms decoded. Cheap when there is nothing to decode."""
    if "&" in text:
        text = html.unescape(text)
    if "%" in text:
        text = urllib.parse.unquote(text, errors="replace")
    if "\\" in text:
        text = _json_unescape(text)
    return _FOLD_CHARS.sub(lambda m: _FOLD.get(m.group(), m.group()), text)


def _is_date(groups, seps):
    """Three groups written as a date: 2026-11-22, 2026/1/5, 2026.11.22."""
    (y, m, d) = (g[2] for g in groups)
    if not (len(y) == 4 and y[:2] in ("19", "20") and len(m) <= 2 and len(d) <= 2):
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
        min_digits = min([MIN_DIGITS] + [len(p) for p in self.phones])
        names = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
        self.names = names
        self.min_digits = min([MIN_DIGITS] + [len(p) for p in self.phones])
        # All names in one alternation, each optionally spaced out (王 小 明).
        self.name_re = re.compile("|".join(
            r"\s{0,2}".join(re.escape(ch) for ch in unicodedata.normalize("NFKC", n)) for n in names)
        ) if names else None
        self.email = re.compile(_EMAIL)
        self.candidate = re.compile(rf"[0-9](?:{_SEP}{{0,3}}[0-9]){{{self.min_digits - 1}}}")

    def scan(self, text, unfolded=False):
        """Findings in ``text``, in order. Offsets refer to ``unfold(text)``
        (returned as ``self.last_text``) unless ``unfolded`` is true."""
        text = text if unfolded else unfold(text)
        self.last_text = text
        # UUIDs (feed entry ids) are identifiers whose hex groups can happen
        # to be all digits: blank them out (same length, offsets kept).
        # Only where the text says so (urn:uuid: in feeds): the pattern is
        # costly over every page, and an unlabelled one can only cause a
        # false alarm, never a leak.
        if "uuid" in text or "UUID" in text:
            text = _UUID.sub(lambda m: "x" * len(m.group()), text)
        found = []
        # Separate passes, each pattern starting with a character class: the
        # regex engine then skips ahead to candidates in C. Measured faster
        # than one alternation, which is tried at every position.
        # A run is looked at only when MIN_DIGITS digits follow its start:
        # the short ones (dates, times, counts) never reach Python code.
        candidate, pos = self.candidate, 0
        while True:
            m = candidate.search(text, pos)
            if m is None:
                break
            run = _RUN.match(text, m.start())
            found += self._run(text, run)
            pos = run.end()
        if self.name_re is not None:
            found += [Finding("name", m.group(), m.start(), m.end()) for m in self.name_re.finditer(text)]
        for m in _CN_RUN.finditer(text):
            d = "".join(ch for ch in m.group().translate(_CN_MAP) if ch.isdigit())
            if d in self.allow_digits:
                continue
            if any(p in d for p in self.phones):
                found.append(Finding("phone", m.group(), m.start(), m.end()))
            elif _MOBILE.search(d) or classify(d):
                found.append(Finding(classify(d) or "mobile", m.group(), m.start(), m.end()))
        found += self._emails(text)
        found.sort(key=lambda f: f.start)
        return found

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
        groups = [(g.start() + m.start(), g.end() + m.start(), g.group())
                  for g in _GROUP.finditer(m.group())]
        seps = [text[a[1]:b[0]] for a, b in zip(groups, groups[1:])]
        # A group glued to a Latin letter is part of a word, a hash or a code,
        # also across joining punctuation: the UUID b2c2065e-0869-5900-…,
        # the address /reception/r-04997/2026-10-20/.
        first_ok = not _GLUED_BEFORE.search(text, max(0, m.start() - 4), m.start())
        last_ok = not _GLUED_AFTER.match(text, m.end())
        segments, current, i = [], [], 0
        while i < len(groups):
            if i + 2 < len(groups) and _is_date(groups[i:i + 3], seps[i:i + 2]):
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
