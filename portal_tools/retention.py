"""``invoke purge``: remove a citizen's contact data after the retention period.

A case that ended (closed, merged, rejected or withdrawn) more than
PORTAL_RETENTION_DAYS (default 180) ago loses: ``name`` (reduced to the
public surname + 某 unless anonymous), ``phone``, ``contact``,
``message_id``, and its ``## 原文`` section (replaced by a note). The public
record (every public field, the public text, the replies) stays. Quarantined
messages (raw bodies with contact data) older than the period are deleted.
"""

import datetime
import json
from pathlib import Path

from . import cases

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                     "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门")


def public_name(name):
    """张三 -> 张某; 欧阳明 -> 欧阳某 (what is published anyway)."""
    name = (name or "").strip()
    if not name:
        return None
    surname = next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > len(s)), name[0])
    return f"{surname}某"


def _ended(case):
    days = []
    for key in ("closed",) + cases.ENDED:
        try:
            days.append(datetime.date.fromisoformat(str(case.get(key, "")).strip()))
        except ValueError:
            pass
    return max(days) if days else None


def purge_case(case):
    """Strip the contact data from ``case`` (in memory); returns what went."""
    removed = []
    name = case.get("name")
    if name:
        anonymous = case.get("anonymous") == "是"
        reduced = None if anonymous else public_name(name)
        if reduced != name:
            case.set("name", reduced)
            removed.append("name")
    for key in ("phone", "contact", "message_id"):
        if key in case.meta:
            case.set(key, None)
            removed.append(key)
    original = case.sections.get("original")
    if original is not None and original.strip() != cases.PURGED_NOTE:
        case.set_section("original", cases.PURGED_NOTE)
        removed.append("## 原文")
    return removed


def purge(settings, inbox=None, days=None, today=None, dry_run=False):
    """Returns ([(path, [removed])], [quarantine paths deleted])."""
    cases._plugin()
    from portal.catalog import portal_today
    today = today or portal_today(settings)
    days = cases.retention_days(settings) if days is None else int(days)
    cutoff = today - datetime.timedelta(days=days)
    inbox = Path(inbox) if inbox else cases.inbox_dir(settings)
    purged = []
    for path in cases.case_files(inbox):
        case = cases.Case.load(path)
        ended = _ended(case)
        if ended is None or ended >= cutoff:
            continue
        removed = purge_case(case)
        if removed:
            if not dry_run:
                case.save()
            purged.append((path, removed))
    dropped = []
    folder = inbox / cases.QUARANTINE
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            stamp = json.loads(path.read_text("utf-8"))["quarantined_at"]
            day = datetime.datetime.fromisoformat(stamp).date()
        except (OSError, ValueError, KeyError, TypeError):
            day = datetime.date.fromtimestamp(path.stat().st_mtime)
        if day < cutoff:
            if not dry_run:
                path.unlink()
            dropped.append(path)
    return purged, dropped


def report(purged, dropped, days):
    lines = [f"已删除 {len(purged)} 件案卷中超过 {days} 天保存期限的联系信息 / "
             f"contact data purged from {len(purged)} case(s) ended more than {days} days ago"]
    for path, removed in purged:
        lines.append(f"  {path.name}: {', '.join(removed)}")
    if dropped:
        lines.append(f"已删除 {len(dropped)} 条过期的隔离消息 / {len(dropped)} old quarantined message(s) deleted")
        lines += [f"  {p.name}" for p in dropped]
    return "\n".join(lines)
