"""Checks for Pelican's own content (pages and news) used by ``invoke check``."""

from pathlib import Path

from .catalog import scan_files
from .fields import parse_date
from .problems import Problems
from .source import split_header


def check_pelican_content(settings):
    problems = Problems()
    root = Path(settings["PATH"])
    for folder, required in ((settings["PAGE_PATHS"], ("title",)),
                             (settings["ARTICLE_PATHS"], ("title", "date"))):
        for sub in folder:
            for path in map(Path, scan_files(root / sub)):
                meta, _, errors = split_header(path.read_text("utf-8-sig"))
                for line, text in errors:
                    problems.add(path, f"第{line}行", f"无法识别“{text}”", f"line {line}: cannot read {text!r}")
                for key in required:
                    if not meta.get(key):
                        problems.add(path, key, "缺少必填项", "required field is missing")
                if meta.get("date") and not parse_date(str(meta["date"])[:10]):
                    problems.add(path, "date", "日期无效，应为 YYYY-MM-DD", "invalid date; expected YYYY-MM-DD")
    return list(problems)
