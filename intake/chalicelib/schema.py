"""The submission schema: which fields a citizen's opinion has and what
makes them valid. Every channel (web form, JSON, Open311) ends here, so the
rules exist once. Messages are Chinese because citizens read them.
"""

import re
import unicodedata

SCHEMA_VERSION = 1
CONTENT_MIN = 10
CONTENT_MAX = 2000
TITLE_MAX = 60
NAME_MAX = 20
FIELD_MAX_RAW = 8000   # anything longer is garbage, not a typo

FIELDS = ("category", "title", "content", "target", "name", "phone",
          "anonymous", "contact", "consent")
FLAGS = ("anonymous", "contact", "consent")

_TRUE = {"1", "true", "on", "yes", "y", "是"}
_FALSE = {"", "0", "false", "off", "no", "n", "否"}
# Invisible characters that only pad a text to pass the length check.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# Cleaning a field is a few regular-expression passes (C speed), not a
# Python loop over its characters: the invisible characters and the control
# characters (category Cc) are dropped; a tab or line break is kept in a
# multi-line field, else it becomes a space. Cc is U+0000-U+001F and
# U+007F-U+009F, and Unicode guarantees that this set never changes
# (General_Category Cc is immutable), so range(0x100) finds all of them.
_CONTROLS = {cp: None for cp in range(0x100) if unicodedata.category(chr(cp)) == "Cc"}
_DROP_RE = re.compile("[%s]" % "".join(
    re.escape(chr(cp)) for cp in sorted(set(_CONTROLS) | set(_INVISIBLE)) if chr(cp) not in "\n\t"))
_TAB_OR_BREAK_RE = re.compile("[\n\t]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_BLANK_LINES_RE = re.compile(r"\n{3,}")
_TARGET_RE = re.compile(r"(deputy|station):([a-z0-9][a-z0-9-]{0,63})")
_IDEM_RE = re.compile(r"[A-Za-z0-9_-]{8,100}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# 010 and 02x have three-digit area codes (with the 0), the rest four.
_LANDLINE_RE = re.compile(r"0(10|2\d|[3-9]\d{2})(\d{7,8})")


class Invalid(ValueError):
    pass


def _text(value, multiline):
    """Clean one text field; returns (stored text, length that counts).

    The length is measured after NFKC (so full-width padding and
    compatibility forms count as what they are); the stored text is only
    NFC-normalised, because NFKC would turn Chinese full-width punctuation
    (，：（）！？) into ASCII and change what the citizen wrote.
    """
    if value is None:
        return "", 0
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid("格式不正确。")
    text = str(value)
    if len(text) > FIELD_MAX_RAW:
        raise Invalid("内容过长。")
    if _SURROGATE_RE.search(text):
        raise Invalid("包含无法识别的字符，请检查后重新输入。")
    text = _DROP_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        text = _TAB_OR_BREAK_RE.sub(" ", text)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = _BLANK_LINES_RE.sub("\n\n", text)
    else:
        text = " ".join(text.split())
    text = unicodedata.normalize("NFC", text).strip()
    return text, len(unicodedata.normalize("NFKC", text).strip())


def flag(value):
    """A checkbox / boolean value, or raise Invalid."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        v = unicodedata.normalize("NFKC", value).strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    raise Invalid("取值无效。")


def normalize_phone(value):
    """Canonical form of a mainland mobile or landline number, or None.

    13812345678, +86 138-1234-5678 -> 13812345678
    0873-1234567, 08731234567, +86 873 1234567 -> 0873-1234567
    """
    s = unicodedata.normalize("NFKC", str(value))
    s = re.sub(r"[\s\-()（）.]", "", s)
    if len(s) > 20:
        return None
    international = False
    for prefix in ("+86", "0086"):
        if s.startswith(prefix):
            s, international = s[len(prefix):], True
            break
    if _MOBILE_RE.fullmatch(s):
        return s
    if international and not s.startswith("0"):
        s = "0" + s
    m = _LANDLINE_RE.fullmatch(s)
    return f"0{m.group(1)}-{m.group(2)}" if m else None


def idempotency_key(value):
    """A client-generated key (UUID or similar), None if absent; raises Invalid."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and _IDEM_RE.fullmatch(value):
        return value
    raise Invalid("提交标识无效，请刷新页面后重新填写。")


def validate(raw, site):
    """Validate ``raw`` (field -> str/bool) against the schema.

    Returns (payload, errors). ``payload`` is None when there are errors;
    ``errors`` maps a field name to a Chinese message for the citizen.
    """
    errors = {}
    out = {}

    def text(field, multiline=False):
        try:
            return _text(raw.get(field), multiline)
        except Invalid as exc:
            errors[field] = str(exc)
            return "", 0

    category, _ = text("category")
    if not category:
        errors.setdefault("category", "请选择意见类别。")
    elif category not in site.category_names:
        errors.setdefault("category", "意见类别无效，请从列表中选择。")
    out["category"] = category

    title, n = text("title")
    if n > TITLE_MAX:
        errors["title"] = f"标题不能超过{TITLE_MAX}个字，您写了{n}个字。"
    out["title"] = title

    content, n = text("content", multiline=True)
    if "content" not in errors:
        if n == 0:
            errors["content"] = "请填写意见内容。"
        elif n < CONTENT_MIN:
            errors["content"] = f"意见内容至少需要{CONTENT_MIN}个字，您写了{n}个字，请写得具体一些。"
        elif n > CONTENT_MAX:
            errors["content"] = f"意见内容不能超过{CONTENT_MAX}个字，您写了{n}个字。"
    out["content"] = content

    target, _ = text("target")
    if target:
        m = _TARGET_RE.fullmatch(target)
        if not m or site.target_name(target) is None:
            errors.setdefault("target", "所选代表或代表之家不存在，请重新选择。")
    out["target"] = target or None

    name, n = text("name")
    if n > NAME_MAX:
        errors["name"] = f"姓名不能超过{NAME_MAX}个字。"
    out["name"] = name or None

    for field in FLAGS:
        try:
            out[field] = flag(raw.get(field))
        except Invalid as exc:
            errors[field] = str(exc)
            out[field] = False

    phone_raw, _ = text("phone")
    phone = None
    if phone_raw:
        phone = normalize_phone(phone_raw)
        if phone is None:
            errors.setdefault(
                "phone", "电话号码格式不正确，请填写11位手机号或带区号的固定电话（如 0873-1234567）。")
    elif out["contact"]:
        errors.setdefault("phone", "您希望我们与您联系，请留下电话号码。")
    out["phone"] = phone

    if not out["consent"] and "consent" not in errors:
        errors["consent"] = "请阅读并同意《隐私说明》后再提交。"

    if errors:
        return None, errors
    return out, {}
