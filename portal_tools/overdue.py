"""``invoke overdue``: open cases past or near their reply deadline, by unit."""

import datetime
from pathlib import Path

from . import cases

# After 不满意 the second reply is typically due within a month.
SECOND_REPLY_MONTHS = 1


class Item:
    def __init__(self, code, title, unit, deadline, today, kind):
        self.code, self.title, self.unit, self.deadline, self.kind = code, title, unit, deadline, kind
        self.days_overdue = (today - deadline).days

    @property
    def label(self):
        if self.days_overdue > 0:
            return f"逾期 {self.days_overdue} 天"
        if self.days_overdue == 0:
            return "今天到期"
        return f"还剩 {-self.days_overdue} 天"


def overdue(settings, inbox=None, days=7, today=None):
    """[(unit id, unit name, [Item])] sorted by unit, items by deadline."""
    cases._plugin()
    from portal.catalog import portal_today
    from portal.models import add_months
    from portal.problems import Problems
    today = today or portal_today(settings)
    inbox = Path(inbox) if inbox else cases.inbox_dir(settings)
    horizon = today + datetime.timedelta(days=int(days))
    units = cases.read_ids(settings)["units"]
    groups = {}
    for path in cases.case_files(inbox):
        case = cases.Case.load(path)
        m = cases.validate(case, settings, today, Problems())
        unit = m.get("lead_unit_id") or ""
        if m["state"] in ("assigned", "in_progress") and m["deadline"]:
            due, kind = m["deadline"], "答复"
        elif m["state"] == "rehandling" and m["evaluated"]:
            due, kind = add_months(m["evaluated"], SECOND_REPLY_MONTHS), "二次答复"
        else:
            continue
        if due <= horizon:
            title = m.get("title") or case.get("title", "")
            groups.setdefault(unit, []).append(Item(m.get("code") or path.stem, title, unit, due, today, kind))
    out = []
    for unit in sorted(groups, key=lambda u: (-max(i.days_overdue for i in groups[u]), u)):
        items = sorted(groups[unit], key=lambda i: (i.deadline, i.code))
        out.append((unit, units.get(unit, ""), items))
    return out


def report(groups, days):
    if not groups:
        return f"没有逾期或 {days} 天内到期的案卷 / nothing overdue or due within {days} days"
    lines = []
    total = sum(len(items) for _, _, items in groups)
    late = sum(1 for _, _, items in groups for i in items if i.days_overdue > 0)
    for unit, name, items in groups:
        lines.append(f"{name or '（未知单位）'}（{unit}）：{len(items)} 件")
        for i in items:
            kind = "" if i.kind == "答复" else f"［{i.kind}］"
            lines.append(f"  {i.code}  {i.title}  期限 {i.deadline}  {i.label}{kind}")
    lines.append(f"共 {total} 件，其中逾期 {late} 件 / {total} case(s), {late} overdue")
    return "\n".join(lines)
