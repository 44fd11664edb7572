"""The faster scanner finds exactly what the one before it found: the same
findings (kind, match, offsets, order) and the same ``last_text``, compared
with a frozen copy of the old module (``pii_reference.py``) over generated
pages and over texts with phone numbers, ID-card numbers, e-mail addresses
and names in every disguise the module's docstring lists, and over random
strings from the alphabets that matter. Deterministic (fixed seeds)."""

import html
import json
import random
import re
import urllib.parse

import pytest

import pii_reference as old
from portal import pii as new

NAMES = ["赵丽娟", "欧阳晓峰", "李春华", "王小明", "司马静怡"]
PHONES = ["13900001111", "0873-6555124", "6555124", "(0871) 6555 9876"]
ALLOW = ["0873-6123448", "（0873）612-3456", "renda@qingshi.example.gov.cn", "0873-6120000"]


def valid_id(first17):
    total = sum(int(c) * w for c, w in zip(first17, old._ID_WEIGHTS))
    return first17 + old._ID_CHECK[total % 11]


def detectors(module):
    """Detectors as the guard and publishing build them, and corner cases:
    many names (a branch per surname), few first characters (the "in"
    check), names starting with a Chinese digit, Latin names, short
    private phones (runs shorter than MIN_DIGITS)."""
    many = NAMES + [s + g for s in "张刘陈杨黄周吴徐孙马朱胡郭何高林罗" for g in ("伟", "秀英", "一鸣")]
    return [
        module.Detector(),
        module.Detector(allow=ALLOW),
        module.Detector(names=NAMES + ["李春", "赵丽", "欧阳"], phones=PHONES, allow=ALLOW),
        module.Detector(names=["赵丽娟", "丽娟"], phones=["13900001111"]),
        module.Detector(names=many, phones=PHONES[:2], allow=ALLOW),
        module.Detector(names=["三丰", "一二三", "Li Hua", "X Y", "王 小明", "·木"], phones=["1234567"]),
    ]


def _is_date_fixed(groups, seps):
    """The reference's _is_date without its crash: a date's day group that
    ends in X (a run's last group, "2026-11-2X") made int() raise."""
    return groups[2][2].isdigit() and _is_date(groups, seps)


_is_date = old._is_date


def reference_scan(detector, text, unfolded):
    try:
        return detector.scan(text, unfolded=unfolded)
    except ValueError:  # the crash, fixed in the module: compare with the fix
        old._is_date = _is_date_fixed
        try:
            return detector.scan(text, unfolded=unfolded)
        finally:
            old._is_date = _is_date


def check(texts, unfolded=False):
    pairs = list(zip(detectors(old), detectors(new)))
    for text in texts:
        for i, (a, b) in enumerate(pairs):
            expected = reference_scan(a, text, unfolded)
            got = b.scan(text, unfolded=unfolded)
            assert got == expected, (i, text, expected, got)
            assert b.last_text == a.last_text, (i, text)


# --- disguises -------------------------------------------------------------

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
CIRCLED = dict(zip("0123456789", "⓪①②③④⑤⑥⑦⑧⑨"))
SUPER = dict(zip("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
MATH = {str(d): chr(0x1D7CE + d) for d in range(10)}
CN = dict(zip("0123456789", "零一二三四五六七八九"))
CN_ALT = {"0": "〇○零", "1": "一幺", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七",
          "8": "八", "9": "九"}
SEPS = [" ", "-", ".", "/", "_", "·", "・", "•", "—", "–", "‐", "\u2011", "\u3000", "\xa0", "\t", "\n",
        "\r\n ", "(", ")", "（", "）", "[", "]", "  ", " - ", "--", "....", "    "]


def numbers(rng):
    mobile = rng.choice("3456789")
    mobile = "1" + mobile + "".join(rng.choice("0123456789") for _ in range(9))
    area = rng.choice(["010", "020", "0871", "0873", "0692"])
    landline = area + "".join(rng.choice("0123456789") for _ in range(rng.choice((7, 8))))
    year = rng.choice(["19", "20"]) + f"{rng.randrange(100):02d}"
    birth = f"{year}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    id18 = valid_id(rng.choice(["440304", "530325", "110105"]) + birth + f"{rng.randrange(1000):03d}")
    id15 = rng.choice(["110105", "530325"]) + birth[2:] + f"{rng.randrange(1000):03d}"
    bad = id18[:-1] + rng.choice("0123456789X")
    return [mobile, "+86" + mobile, "0086" + mobile, "86 " + mobile, landline, id18, id18.lower(), id15, bad,
            "13900001111", "0873-6555124", "6555124", "08736123448", "0873-6120000",
            mobile + rng.choice("0123456789"), mobile[:-1], "2013" + mobile + "901", "6222021234567890123",
            "20261122138123456789", "12345678901", "1381234567"]


def group(digits, rng):
    """The digits cut into groups joined by separators, or digit by digit."""
    out, i = [], 0
    while i < len(digits):
        n = rng.choice((1, 1, 2, 3, 4, 4, 7, 11))
        out.append(digits[i:i + n])
        i += n
    return "".join(part + (rng.choice(SEPS) if k < len(out) - 1 else "") for k, part in enumerate(out))


def disguise(number, rng, kind=None):
    kind = rng.randrange(12) if kind is None else kind
    if kind == 0:
        return number.translate(FULLWIDTH)
    if kind == 1:
        return group(number, rng)
    if kind == 2:
        return "".join(rng.choice([f"&#{ord(c)};", f"&#x{ord(c):x};", c]) for c in number)
    if kind == 3:
        return "".join(rng.choice([f"%{ord(c):02X}", f"%{ord(c):02x}", c]) for c in number)
    if kind == 4:
        return "".join(rng.choice([f"\\u{ord(c):04x}", f"\\u{ord(c):04X}", c]) for c in number)
    if kind == 5:
        table = rng.choice([CIRCLED, SUPER, MATH])
        return "".join(table.get(c, c) if rng.random() < 0.7 else c for c in number)
    if kind == 6:
        words = "".join(rng.choice(CN_ALT[c]) if c in CN_ALT else c for c in number)
        return rng.choice([words, " ".join(words), "-".join(words), words.translate(str.maketrans("", "", "X"))])
    if kind == 7:
        return group(number.translate(FULLWIDTH), rng)
    if kind == 8:  # glued to letters, as codes and hashes are
        return rng.choice(["K", "a", "r-", "x_", "id/", "T"]) + number + rng.choice(["", "K", "T0830", "-XC4", ".ab"])
    if kind == 9:
        return "".join(CN[c] if c in CN else c for c in number)
    if kind == 10:
        return urllib.parse.quote(group(number, rng))
    return number


def emails(rng):
    user = rng.choice(["wang.xm", "li_hua", "zhao+1", "a", "icon", "x-y", "ab12"])
    host = rng.choice(["qq", "163", "mail.example", "renda-portal", "qingshi.example.gov", "sub-1.a"])
    tld = rng.choice(["com", "cn", "png", "invalid", "test", "org", "c", "toolongtldxxxxxxxxxxxxxxxxxx"])
    at = rng.choice(["@", " @ ", "[at]", " [at] ", "(at)", "( AT )", "[ at ]", "＠", "&#64;", "%40", "\\u0040", "@@"])
    dot = rng.choice([".", " [dot] ", "(dot)", "( DOT )", "．", "&#46;", "[dot]"])
    address = f"{user}{at}{host}{dot}{tld}"
    return rng.choice([address, address.translate(FULLWIDTH), address.upper(), "mailto:" + address,
                       "renda@qingshi.example.gov.cn", "RENDA@QINGSHI.EXAMPLE.GOV.CN", "icon@2x.png",
                       "market-20261122@renda-portal.invalid", "u@example.com", "x" * 70 + "@qq.com"])


def names(rng):
    name = rng.choice(NAMES + ["丽娟", "三丰", "一二三", "Li Hua", "李春", "赵丽"])
    return rng.choice([
        name, " ".join(name), "  ".join(name), "\u3000".join(name), "   ".join(name),
        name.replace("李", "\uf9e1"),  # a compatibility ideograph NFKC folds to 李
        name.replace("一", "\u2f00"),  # a Kangxi radical, folds to 一
        "".join(f"&#{ord(c)};" for c in name), json.dumps(name)[1:-1], json.dumps(name, ensure_ascii=True)[1:-1],
        urllib.parse.quote(name), name + "某", name[0] + "某某",
    ])


def noise(rng):
    """Things that are not findings, as pages have them."""
    uuid = "%08x-%04x-%04x-%04x-%012x" % tuple(rng.randrange(16 ** k) for k in (8, 4, 4, 4, 12))
    if rng.random() < 0.3:
        uuid = re.sub(r"[a-f]", lambda m: str(rng.randrange(10)), uuid)
    date = f"{rng.choice(['2026', '2027', '1999'])}{rng.choice('-/.')}{rng.randrange(1, 14)}{rng.choice('-/.')}{rng.randrange(1, 33)}"
    code = "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(9))
    return rng.choice([
        "urn:uuid:" + uuid, "UUID " + uuid, uuid, "uuid:" + uuid + uuid[8:] + uuid[8:], uuid.upper(), date, date + " 08:30", "二〇二六年十一月二十二日",
        f"{code[:3]}-{code[3:6]}-{code[6:]}", "3378b1daaa5908fcec83d0dbcec1b93c", f"{rng.random() * 200:.4f}",
        f"{rng.randrange(10 ** 8)}.{rng.randrange(10 ** 6)}", f"/reception/r-{rng.randrange(10 ** 5):05d}/{date}/",
        f"UID:r-{rng.randrange(10 ** 5):05d}-20261122.renda-portal.invalid", "DTSTART:20261122T090000",
        f"共 {rng.randrange(10 ** 5)} 人次", "第一二三四五六七八九十条", "&amp;&lt;&gt;&quot;&#39;&nbsp;&copy",
        "100%", "完成 46%，", "%E4%B8%80", "%zz", "\\\\u0031", "\\n\\t\\\"", "\\ud83d\\ude00", "\\ud800", "\\x",
        "¹²³ ½ ﹏ ﹙1﹚", "⑴⑵⒈", "（０８７３）", "№１", "ｘ", "·", "\u00b5",
    ])


FILLER = ["，", "。", "：", "电话", "联系人", "<p>", "</p>", '<a href="/s/">', "</a>", " ", "\n", "的", "代表",
          "接待", "邮箱", "身份证", "号码", "{\"k\": \"", "\"}", "BEGIN:VEVENT\r\n", "\r\n ", "DESCRIPTION:",
          "abc", "X", "x", "-", "/", "(", ")", "[", "]", "@", "&", "%", "\\", "at", "dot"]


def adversarial(rng):
    parts = []
    for _ in range(rng.randrange(1, 12)):
        pick = rng.randrange(10)
        if pick < 3:
            parts.append(disguise(rng.choice(numbers(rng)), rng))
        elif pick < 5:
            parts.append(emails(rng))
        elif pick < 6:
            parts.append(names(rng))
        elif pick < 8:
            parts.append(noise(rng))
        else:
            parts.append("".join(rng.choice(FILLER) for _ in range(rng.randrange(1, 6))))
    return "".join(parts)


# Every character that matters to some pattern, and a few that do not.
FUZZ = ("0123456789" * 4 + "Xx" + "".join(SEPS) + "〇零○一二三四五六七八九幺" + "赵丽娟李春华王小明欧阳晓峰三丰"
        + "abcdefABCDEFatATdotDOTuid" + "@[]()<>&#;%\\\"'.:+_" + "１２３－．＠ａｔ①¹𝟏⼀\uf9e1﹙﹚" + "中文，。")


def fuzz(rng):
    n = rng.randrange(0, 80)
    return "".join(rng.choice(FUZZ) for _ in range(n))


def page(rng):
    """A generated page in the shape of the site's output: HTML with links,
    dates and public phones, a calendar, JSON with escapes, a feed."""
    body = []
    for _ in range(rng.randrange(5, 40)):
        r = rng.random()
        if r < 0.5:
            body.append(rng.choice(["意见建议", "村口道路破损，雨天积水，请求修复。", "接待选民日", "李春华代表",
                                    "永源镇团冲村人大代表联络站（云岭县永源镇团冲村村民委员会办公楼2楼）"]))
        elif r < 0.7:
            body.append(noise(rng))
        elif r < 0.8:
            body.append(f'<a href="tel:{rng.choice(["08736123448", "08736120000"])}">0873-6123448</a>')
        elif r < 0.9:
            body.append(adversarial(rng))
        else:
            body.append(disguise(rng.choice(numbers(rng)), rng))
    text = "".join(f"<p>{b}</p>" for b in body)
    shape = rng.randrange(4)
    if shape == 0:
        return f"<!DOCTYPE html><html><body>{text}</body></html>"
    if shape == 1:
        return "BEGIN:VCALENDAR\r\n" + "".join(
            f"BEGIN:VEVENT\r\nUID:r-{i:05d}-20261122.renda-portal.invalid\r\nDESCRIPTION:{b[:40]}\r\n {b[40:]}\r\nEND:VEVENT\r\n"
            for i, b in enumerate(body)) + "END:VCALENDAR\r\n"
    if shape == 2:
        return json.dumps({"items": body, "note": "\n".join(body)}, ensure_ascii=rng.random() < 0.5)
    return "<feed>" + "".join(f"<entry><id>urn:uuid:{noise(rng)}</id><content>{html.escape(b)}</content></entry>"
                              for b in body) + "</feed>"


def test_adversarial_texts_find_the_same():
    rng = random.Random(20261122)
    check([adversarial(rng) for _ in range(1000)])


def test_random_strings_find_the_same():
    rng = random.Random(7)
    check([fuzz(rng) for _ in range(2000)])


def test_generated_pages_find_the_same():
    rng = random.Random(11)
    check([page(rng) for _ in range(80)])


def test_unfolded_texts_find_the_same():
    """scan(unfolded=True) scans the text as given: characters to fold stay."""
    rng = random.Random(3)
    texts = [adversarial(rng) for _ in range(300)] + [fuzz(rng) for _ in range(600)]
    check(texts, unfolded=True)
    check([old.unfold(t) for t in texts], unfolded=True)


def test_each_disguise_of_each_number_finds_the_same():
    rng = random.Random(5)
    check(["电话" + disguise(number, rng, kind) + "，"
           for _ in range(8) for number in numbers(rng) for kind in range(12)])


@pytest.mark.parametrize("text", [
    "", "x", "1" * 10, "1" * 11, "1 " * 11, "１" * 11, "①②③④⑤⑥⑦⑧⑨⓪①", "一" * 11, "一 " * 11, "\u3000" * 3,
    "138\u30001234\u20115678", "138\u20111234 5678", "１３８　１２３４　５６７８", "a" * 70 + "@" + "b" * 300 + ".com",
    "\\ud83d\\ude00 13812345678", "\\ud800", "%E4%B8%80%31", "&#x1D7CF;&#49;3812345678",
    "138\r\n 1234 5678", "(0873) 655-5124", "0873) 655-5124X", "44030419900307123X", "44030419900307123x",
    "ID 44030419900307123X1", "86-138-1234-5678", "0086 13812345678", "+86 (138) 1234 5678",
    "urn:uuid:13812345-6789-1234-5678-123456789012 13812345678", "UUID13812345-6789-1234-5678-123456789012",
    "K7M-3PQ-XC4 13812345678K 13812345678", "x_13812345678", "/reception/r-04997/2026-10-20/13812345678",
    "〇一三八一二三四五六七八", "⼀三八一二三四五六七八", "1234 2026-11-2X", "r-1234 2026-11-2X", "赵\u3000丽\u3000娟", "\uf9e1春华", "三丰一二三四五六七八九零一",
])
def test_edge_cases_find_the_same(text):
    check([text, f"<p>{text}</p>", json.dumps(text), html.escape(text)])


def test_the_same_run_in_other_places_finds_the_same():
    """Runs recur (public phones, dates): what was found for one must not be
    reused where the characters around it (up to 4 each side) differ."""
    runs = ["13812345678", "0873-6555124", "12345 13812345678", "2026-11-22 13812345678", "1234567",
            "44030419900307123X"]
    before = ["", " ", "a", "a-", "a-.", "a-./", "a-./_", "中-./", "1a-", "电话", "K", "-", "x_/"]
    after = ["", " ", "a", "-a", "-.a", "-./a", "-./_a", "-./中", ".", "K", "X", "中"]
    check([b + r + a for r in runs for b in before for a in after])


def test_unfold_and_digits_of_are_unchanged():
    rng = random.Random(9)
    for text in [adversarial(rng) for _ in range(500)] + [fuzz(rng) for _ in range(500)]:
        assert new.unfold(text) == old.unfold(text), text
        assert new.digits_of(text) == old.digits_of(text), text


def test_helpers_match_what_they_replace():
    """The entity pattern is html.unescape's; UUIDs found from their dash
    are the ones _UUID.sub blanks, also when they touch or overlap."""
    assert new._CHARREF.pattern == html._charref.pattern
    rng = random.Random(13)
    for _ in range(3000):
        text = "".join(rng.choice("0123456789abcdefABCDEFxg--- ") for _ in range(rng.randrange(80)))
        uuid = "%08x-%04x-%04x-%04x-%012x" % tuple(rng.randrange(16 ** k) for k in (8, 4, 4, 4, 12))
        cut = rng.randrange(len(text) + 1)
        for t in (text, text[:cut] + uuid + text[cut:], text[:cut] + uuid + uuid[8:] + uuid + text[cut:]):
            assert new._blank_uuids(t) == old._UUID.sub(lambda m: "x" * len(m.group()), t), t


def test_fold_class_and_separators():
    """The fold pattern matches exactly the characters the table changes,
    and every one of them a run could step over is folded before the scan."""
    changing = {ch for ch in map(chr, range(0x110000)) if ch in new._FOLD}
    assert changing == set(old._FOLD) and all(new._FOLD_CHARS.fullmatch(ch) for ch in changing)
    assert not any(new._FOLD_CHARS.fullmatch(ch) for ch in map(chr, range(0x30000)) if ch not in changing)
    # Runs consist of ASCII digits, X, Chinese digit words and separators
    # (the Chinese runs' [\s\-] among them): of these only separators fold.
    assert not any(ch in changing for ch in "0123456789Xx" + new._CN_DIGITS)
    assert set(new._FOLD_SEPARATORS) == {ch for ch in changing if re.fullmatch(new._SEP, ch)}
    assert set(new._FOLD_SEPARATORS) == {"\u3000", "\u2011"}
