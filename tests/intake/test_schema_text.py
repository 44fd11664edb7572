"""schema._text cleans a field with str.translate and regular expressions
(C speed) instead of a Python loop over every character; it must give
exactly what the loop gave, for every kind of character."""

import random
import re
import unicodedata

import pytest

from chalicelib import schema


def reference_text(value, multiline):
    """The former implementation, character by character."""
    if value is None:
        return "", 0
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise schema.Invalid("格式不正确。")
    text = str(value)
    if len(text) > schema.FIELD_MAX_RAW:
        raise schema.Invalid("内容过长。")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise schema.Invalid("包含无法识别的字符，请检查后重新输入。")
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(schema._INVISIBLE)
    kept = []
    for ch in text:
        if ch == "\n" or ch == "\t":
            kept.append(ch if multiline else " ")
        elif unicodedata.category(ch) != "Cc":
            kept.append(ch)
    text = "".join(kept)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = " ".join(text.split())
    text = unicodedata.normalize("NFC", text).strip()
    return text, len(unicodedata.normalize("NFKC", text).strip())


def outcome(fn, value, multiline):
    try:
        return fn(value, multiline)
    except schema.Invalid as exc:
        return "Invalid", str(exc)


# Every control character, the padding characters, whitespace of all kinds,
# surrogates, combining marks, full-width forms, CJK and emoji.
ALPHABET = ([chr(c) for c in range(0x00, 0xA1)]
            + list("\u200b\u2060\ufeff\u00ad\u3000\u00a0\u2028\u2029\u0301\u0308")
            + list("，：（）！？ＡＢ１２ｱｲ村口道路破损雨天积水请求修复😀")
            + ["\ud800", "\udfff", "e\u0301", "\r\n"])


@pytest.mark.parametrize("multiline", [True, False])
def test_same_as_the_character_loop_on_random_text(multiline):
    rng = random.Random(20261122)
    for _ in range(3000):
        value = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert outcome(schema._text, value, multiline) == outcome(reference_text, value, multiline), \
            ascii(value)


@pytest.mark.parametrize("value", [
    None, 12, 3.5, True, [], "", "  ", "\r\n\r\n\r\n", "a\x00b\x1fc\x7fd\x9fe",
    "第一行\r\n\r\n\r\n\r\n第二行  \n", "\u200b" * 30 + "短", "\ufeff文本\u00ad", "x" * 8001,
    "Tab\there", "a\ud83d", "正常的意见内容，村口道路坑洼。"])
@pytest.mark.parametrize("multiline", [True, False])
def test_same_as_the_character_loop_on_edge_cases(value, multiline):
    assert outcome(schema._text, value, multiline) == outcome(reference_text, value, multiline)


def test_controls_table_is_category_cc():
    every_cc = {c for c in range(0x110000) if unicodedata.category(chr(c)) == "Cc"}
    assert every_cc == set(schema._CONTROLS)
