"""Constants and helpers shared by the staff tests (a module with a name of
its own, so it cannot collide with other test directories' helpers)."""

import datetime
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "data" / "mini"
TODAY = "2026-11-22"
for extra in (ROOT, ROOT / "plugins", ROOT / "intake"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from chalicelib import submissions, tracking  # noqa: E402

CHINA = datetime.timezone(datetime.timedelta(hours=8))
CONTENT = "村口到镇上的道路坑洼严重，雨天积水无法通行，请尽快安排修复。"


def payload(**overrides):
    data = {"category": "transport", "title": "", "content": CONTENT, "target": None,
            "name": "张三", "phone": "13812345678", "anonymous": False, "contact": True,
            "consent": True}
    data.update(overrides)
    return data


def message(code=None, received_at=None, channel="web-form", **overrides):
    """A queue message body exactly as the intake builds it."""
    stamp = received_at or datetime.datetime(2026, 11, 2, 9, 12, 33, tzinfo=CHINA)
    body = submissions.build_message(code or tracking.new_code(), payload(**overrides), channel,
                                     "mobile", "hash", received_at=stamp)
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def send(queue, **kwargs):
    """Send one realistic message; returns its code."""
    body = message(**kwargs)
    queue.send(body)
    return json.loads(body)["code"]


def file_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("*.md"))}
