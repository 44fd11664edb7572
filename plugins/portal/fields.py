"""Typed access to a file's metadata, recording a Problem for every bad value.

Each accessor returns a usable value (or None) and never raises, so one pass
over a file reports all of its problems at once.
"""

import datetime
import difflib
import re

_LIST_SEP = re.compile(r"[,，、;；]")
_IDENT = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
YES = {"是": True, "否": False}


def split_list(value):
    if isinstance(value, list):
        value = ",".join(value)
    return [item.strip() for item in _LIST_SEP.split(value or "") if item.strip()]


def parse_date(text):
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


class Fields:
    def __init__(self, source, problems):
        self.path = source.path
        self.meta = source.meta
        self.problems = problems
        for line, text in source.header_errors:
            self.problem(f"第{line}行", f"无法识别“{text}”，应为“字段: 值”",
                          f"line {line}: cannot read {text!r}; expected 'field: value'")

    def problem(self, field, zh, en):
        self.problems.add(self.path, field, zh, en)

    def check_known(self, known):
        for key in self.meta:
            if key not in known:
                near = difflib.get_close_matches(key, sorted(known), n=1)
                hint_zh = f"，是否应为“{near[0]}”？" if near else ""
                hint_en = f"; did you mean {near[0]!r}?" if near else ""
                self.problem(key, f"未知字段{hint_zh}", f"unknown field{hint_en}")

    def _raw(self, key, required):
        value = self.meta.get(key)
        if isinstance(value, list):
            value = " ".join(value)
        if value is None or not value.strip():
            if required:
                self.problem(key, "缺少必填项", "required field is missing")
            return None
        return value.strip()

    def has(self, key):
        return bool(self.meta.get(key))

    def text(self, key, required=True, max_len=200):
        value = self._raw(key, required)
        if value is not None and len(value) > max_len:
            self.problem(key, f"不能超过{max_len}个字", f"at most {max_len} characters")
        return value

    def ident(self, key="id"):
        value = self._raw(key, True)
        if value is not None and not _IDENT.match(value):
            self.problem(key, "编号只能用小写英文字母、数字和连字符（如 d-017）",
                         "IDs use lowercase letters, digits and '-' only (e.g. d-017)")
            return None
        return value

    def choice(self, key, options, required=True, default=None):
        value = self._raw(key, required)
        if value is None:
            return default
        if value not in options:
            shown = "、".join(options)
            self.problem(key, f"“{value}”无效，应为以下之一：{shown}",
                         f"{value!r} is not valid; expected one of: {', '.join(options)}")
            return default
        return value

    def many(self, key, options=None, required=False):
        values = split_list(self.meta.get(key))
        if required and not values:
            self.problem(key, "缺少必填项", "required field is missing")
        if options is not None:
            for value in values:
                if value not in options:
                    self.problem(key, f"“{value}”无效，应为以下之一：{'、'.join(options)}",
                                 f"{value!r} is not valid; expected one of: {', '.join(options)}")
            values = [v for v in values if v in options]
        return values

    def date(self, key, required=False):
        value = self._raw(key, required)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(key, f"日期“{value}”无效，应为 YYYY-MM-DD（如 2026-05-08）",
                         f"invalid date {value!r}; expected YYYY-MM-DD (e.g. 2026-05-08)")
        return parsed

    def time(self, key, required=True):
        value = self._raw(key, required)
        if value is None:
            return None
        match = _TIME.match(value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.problem(key, f"时间“{value}”无效，应为 HH:MM（如 09:00）",
                         f"invalid time {value!r}; expected HH:MM (e.g. 09:00)")
            return None
        return datetime.time(int(match.group(1)), int(match.group(2)))

    def yes(self, key):
        value = self._raw(key, False)
        if value is None:
            return False
        if value not in YES:
            self.problem(key, f"“{value}”无效，应为“是”或“否”", f"{value!r} is not valid; expected 是 or 否")
            return False
        return YES[value]

    def integer(self, key, required=False, minimum=0, maximum=10**6):
        value = self._raw(key, required)
        if value is None:
            return None
        if not value.isdigit() or not minimum <= int(value) <= maximum:
            self.problem(key, f"“{value}”无效，应为{minimum}到{maximum}之间的整数",
                         f"{value!r} is not valid; expected a whole number from {minimum} to {maximum}")
            return None
        return int(value)

    def dated_lines(self, key, parts):
        """Lines ``YYYY-MM-DD | a | b`` with exactly ``parts`` fields after the
        date. Returns a list of (date, [fields]) for the lines that parse."""
        value = self.meta.get(key)
        lines = value if isinstance(value, list) else ([value] if value else [])
        result = []
        for n, line in enumerate(lines, 1):
            pieces = [p.strip() for p in line.split("|")]
            when = parse_date(pieces[0])
            if when is None or len(pieces) != parts + 1 or not all(pieces[1:]):
                example = " | ".join(["YYYY-MM-DD"] + ["…"] * parts)
                self.problem(f"{key} 第{n}行", f"“{line}”格式不对，应为“{example}”",
                             f"line {n}: {line!r} should look like '{example}'")
                continue
            result.append((when, pieces[1:]))
        return result
