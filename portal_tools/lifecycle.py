"""Case handling: one function per step of the lifecycle (README, "Suggestions").

Every step
- refuses (raising ``Refused``, changing nothing) when the case is not in a
  state that allows it, or the case file itself has problems;
- records a date: today, or ``date`` for back-entering a paper record, which
  must not be in the future nor before the previous step;
- re-validates the changed case with the Suggestion model before writing,
  and writes atomically.
"""

import datetime
from pathlib import Path

from . import cases

RECEIVED_ONLY = ("received",)
HANDLING = ("assigned", "in_progress")


class Refused(Exception):
    """The step is not allowed; ``str()`` is the message for staff."""

    def __init__(self, where, field, zh, en=""):
        self.where, self.field, self.zh, self.en = where, field, zh, en
        super().__init__(f"{where}: {field}: {zh}" + (f" / {en}" if en else ""))


class Step:
    """An open case: its file, parsed metadata and the settings."""

    def __init__(self, code, inbox=None, settings=None, date=None):
        cases._plugin()
        cases._intake()
        from chalicelib import tracking
        from portal.catalog import portal_today
        from portal.problems import Problems
        self.settings = settings if settings is not None else _settings()
        self.inbox = Path(inbox) if inbox else cases.inbox_dir(self.settings)
        self.today = portal_today(self.settings)
        try:
            self.code = tracking.normalize(code)
        except tracking.CodeError as err:
            raise Refused(f"受理编号 {code}", "code", err.message, f"invalid tracking code ({err.reason})")
        self.path = cases.case_path(self.inbox, self.code)
        self.where = f"案卷 {self.code}（{_shown(self.path)}）"
        if not self.path.exists():
            raise Refused(self.where, "code", "收件箱中没有这个案卷；请核对受理编号，或用 --inbox 指定收件箱",
                          "no such case in the inbox; check the code or give --inbox")
        self.original_bytes = self.path.read_bytes()
        self.case = cases.Case.load(self.path)
        problems = Problems()
        self.m = cases.validate(self.case, self.settings, self.today, problems)
        if problems:
            listed = "；".join(f"{p.field}: {p.zh}" for p in problems)
            raise Refused(self.where, "-", f"案卷本身有问题，请先修正（invoke check 可列出全部）：{listed}",
                          "the case file has problems; fix them first (invoke check lists them)")
        self.state = self.m["state"]
        self.date = self._date(date)

    def _date(self, value):
        if value in (None, ""):
            return self.today
        if isinstance(value, datetime.date):
            day = value
        else:
            try:
                day = datetime.date.fromisoformat(str(value).strip())
            except ValueError:
                raise Refused(self.where, "--date", f"日期“{value}”无效，应为 YYYY-MM-DD（如 2026-05-08）",
                              f"invalid date {value!r}; expected YYYY-MM-DD") from None
        if day > self.today:
            raise Refused(self.where, "--date", f"日期 {day} 在今天（{self.today}）之后，不能预先登记",
                          f"{day} is in the future (today is {self.today})")
        return day

    def require(self, states, field, zh_fix, en_fix=""):
        if self.state not in states:
            from portal.models import STATE_LABELS
            allowed = "、".join(STATE_LABELS[s] for s in states)
            raise Refused(self.where, field,
                          f"当前状态为“{STATE_LABELS[self.state]}”，此操作只适用于“{allowed}”的案卷。{zh_fix}",
                          f"the case is {self.state}; this step needs {', '.join(states)}. {en_fix}".strip())

    def not_before(self, field, previous_name, previous):
        if previous and self.date < previous:
            raise Refused(self.where, field, f"日期 {self.date} 早于 {previous_name} 的 {previous}，日期不能倒退",
                          f"{self.date} is before {previous_name} ({previous})")

    def commit(self, message):
        """Validate the changed case and write it; return ``message``."""
        from portal.problems import Problems
        problems = Problems()
        cases.validate(self.case, self.settings, self.today, problems)
        if problems:
            p = problems[0]
            raise Refused(self.where, p.field, "；".join(q.zh for q in problems), p.en)
        if self.path.read_bytes() != self.original_bytes:
            raise Refused(self.where, "-", "案卷在处理期间被修改过，请重新运行命令",
                          "the case file changed meanwhile; run the command again")
        self.case.save()
        return f"{self.where}: {message}"


def _settings():
    from . import site
    return site.load_settings()


def _shown(path):
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _ids(step, kind):
    if not hasattr(step, "_ids"):
        step._ids = cases.read_ids(step.settings)
    return step._ids[kind]


def _check_unit(step, field, ident):
    units = _ids(step, "units")
    if ident not in units:
        zh, en = cases.unknown_ref(units, ident, "承办单位", "handling unit")
        raise Refused(step.where, field, zh + "（见 content/units/）", en)


def _split(value):
    cases._plugin()
    from portal.fields import split_list
    return split_list(value or "")


def _read_text(step, field, path):
    try:
        text = Path(path).read_text("utf-8-sig").replace("\r\n", "\n").strip()
    except (OSError, UnicodeDecodeError) as err:
        raise Refused(step.where, field, f"无法读取文件 {path}：{err}", f"cannot read {path}: {err}") from None
    if not text:
        raise Refused(step.where, field, f"文件 {path} 是空的，应为答复全文", f"{path} is empty")
    return text


def _dated_line(text):
    return cases.one_line(text).replace("|", "｜")


# -- the steps ----------------------------------------------------------------

def assign(code, unit, assist=None, deadline=None, date=None, inbox=None, settings=None):
    """交办: lead unit, assisting units, deadline (default DEADLINE_MONTHS)."""
    from portal.models import add_months
    step = Step(code, inbox, settings, date)
    step.require(RECEIVED_ONLY, "assigned",
                 f"已交办给 {step.m['lead_unit_id']}；如需改派，请直接编辑 lead_unit 后运行 invoke check。"
                 if step.m["assigned"] else "")
    unit = (unit or "").strip()
    if not unit:
        raise Refused(step.where, "--unit", "请用 --unit 指定主办单位编号", "give the lead unit with --unit")
    _check_unit(step, "--unit", unit)
    helpers = _split(assist)
    for ident in helpers:
        _check_unit(step, "--assist", ident)
    if unit in helpers:
        raise Refused(step.where, "--assist", "主办单位不应同时列为协办单位", "the lead unit is not also assisting")
    if deadline:
        try:
            due = datetime.date.fromisoformat(str(deadline).strip())
        except ValueError:
            raise Refused(step.where, "--deadline", f"日期“{deadline}”无效，应为 YYYY-MM-DD",
                          f"invalid date {deadline!r}") from None
    else:
        due = add_months(step.date, step.settings["DEADLINE_MONTHS"][step.m["source"]])
    if due <= step.date:
        raise Refused(step.where, "--deadline", f"办理期限 {due} 应晚于交办日期 {step.date}",
                      "the deadline must be after the assignment date")
    step.not_before("assigned", "received", step.m["received"])
    step.case.set("assigned", step.date.isoformat())
    step.case.set("lead_unit", unit)
    step.case.set("assist_units", ", ".join(helpers))
    step.case.set("deadline", due.isoformat())
    extra = f"，协办 {'、'.join(helpers)}" if helpers else ""
    return step.commit(f"已交办 {unit}{extra}，办理期限 {due}")


def progress(code, note, date=None, inbox=None, settings=None):
    """办理进度: a dated note."""
    step = Step(code, inbox, settings, date)
    step.require(HANDLING, "progress", "请先交办（invoke assign）；已答复的件请用 invoke followup 记录回头看。")
    note = _dated_line(note or "")
    if not note:
        raise Refused(step.where, "progress", "请写明办理进度内容", "the note is empty")
    last = step.m["progress"][-1][0] if step.m["progress"] else step.m["assigned"]
    step.not_before("progress", "上一步", last)
    lines = cases.lines_of(step.case.get("progress"))
    step.case.set("progress", lines + [f"{step.date.isoformat()} | {note}"])
    return step.commit(f"已记录办理进度（{step.date}）")


def reply(code, file, result, face_to_face=False, date=None, inbox=None, settings=None):
    """答复: the reply text (from a file), result class, 面商."""
    step = Step(code, inbox, settings, date)
    step.require(HANDLING, "answered", "未交办的件请先 invoke assign；已答复的件不能再次答复。")
    classes = step.settings["RESULT_CLASSES"]
    if result not in classes:
        raise Refused(step.where, "--result", f"“{result}”无效，应为以下之一：{'、'.join(classes)}",
                      f"{result!r} is not valid; expected one of {', '.join(classes)}")
    text = _read_text(step, "--file", file)
    last = step.m["progress"][-1][0] if step.m["progress"] else step.m["assigned"]
    step.not_before("answered", "上一步", last)
    step.case.set("answered", step.date.isoformat())
    step.case.set("result", result)
    step.case.set("face_to_face", "是" if face_to_face else None)
    step.case.set_section("reply", text)
    return step.commit(f"已登记答复（{step.date}，{result} 类 {classes[result]}）")


def evaluate(code, satisfaction, date=None, inbox=None, settings=None):
    """评价: the proposer's satisfaction; after a second reply, its evaluation."""
    from portal.models import SATISFACTION
    step = Step(code, inbox, settings, date)
    if satisfaction not in SATISFACTION:
        raise Refused(step.where, "satisfaction", f"“{satisfaction}”无效，应为：{'、'.join(SATISFACTION)}",
                      f"expected one of {', '.join(SATISFACTION)}")
    m = step.m
    if step.state == "evaluated" and m["second_reply"] and not m["second_satisfaction"]:
        step.not_before("second_satisfaction", "second_reply", m["second_reply"])
        step.case.set("second_satisfaction", satisfaction)
        return step.commit(f"已登记对二次答复的评价：{satisfaction}")
    if step.state == "rehandling":
        raise Refused(step.where, "second_reply", "评价为“不满意”的件须先二次答复（invoke second-reply），再评价二次答复",
                      "a 不满意 case needs a second reply before it is evaluated again")
    step.require(("answered",), "evaluated",
                 "已有评价的件不能重复评价。" if m["evaluated"] else "尚未答复的件不能评价。")
    step.not_before("evaluated", "answered", m["answered"])
    step.case.set("evaluated", step.date.isoformat())
    step.case.set("satisfaction", satisfaction)
    follow = "；请安排重新办理并二次答复（invoke second-reply）" if satisfaction == "不满意" else ""
    return step.commit(f"已登记评价：{satisfaction}{follow}")


def second_reply(code, file, date=None, inbox=None, settings=None):
    """二次答复: only after 不满意."""
    step = Step(code, inbox, settings, date)
    step.require(("rehandling",), "second_reply", "只有评价为“不满意”且尚未二次答复的件才能二次答复。")
    text = _read_text(step, "--file", file)
    step.not_before("second_reply", "evaluated", step.m["evaluated"])
    step.case.set("second_reply", step.date.isoformat())
    step.case.set_section("second_reply", text)
    return step.commit(f"已登记二次答复（{step.date}）；请提出人评价（invoke evaluate）")


def close(code, date=None, unevaluated=False, inbox=None, settings=None):
    """办结: after the evaluation (or, with ``unevaluated``, after the reply)."""
    step = Step(code, inbox, settings, date)
    states = ("evaluated", "answered") if unevaluated else ("evaluated",)
    hint = {"answered": "提出人尚未评价：请先 invoke evaluate；确实无法取得评价时加 --unevaluated。",
            "rehandling": "评价为“不满意”，须先二次答复（invoke second-reply）。"}.get(step.state, "")
    step.require(states, "closed", hint)
    last = step.m["second_reply"] or step.m["evaluated"] or step.m["answered"]
    step.not_before("closed", "上一步", last)
    step.case.set("closed", step.date.isoformat())
    return step.commit(f"已办结（{step.date}）")


def merge(code, into, date=None, inbox=None, settings=None):
    """重复件: merge into another case (only before assignment)."""
    cases._intake()
    from chalicelib import tracking
    step = Step(code, inbox, settings, date)
    step.require(RECEIVED_ONLY, "merged", "已交办或已结束的件不能再合并。")
    try:
        other = tracking.normalize(into)
    except tracking.CodeError as err:
        raise Refused(step.where, "--into", err.message, f"invalid tracking code ({err.reason})") from None
    if other == step.code:
        raise Refused(step.where, "--into", "不能并入自己", "a case cannot be merged into itself")
    other_path = cases.case_path(step.inbox, other)
    if other_path.exists():
        target = cases.Case.load(other_path)
        if target.get("merged_into"):
            raise Refused(step.where, "--into", f"{other} 本身已并入 {target.get('merged_into')}，请直接并入该件",
                          f"{other} is itself merged into {target.get('merged_into')}; merge into that one")
    elif other not in _ids(step, "suggestions"):
        raise Refused(step.where, "--into", f"找不到受理编号 {other}（收件箱和已公开的意见建议中都没有）",
                      f"no case or published suggestion {other}")
    step.not_before("merged", "received", step.m["received"])
    step.case.set("merged_into", other)
    step.case.set("merged", step.date.isoformat())
    return step.commit(f"已作为重复件并入 {other}")


def reject(code, reason, date=None, inbox=None, settings=None):
    """不予受理, with a public reason."""
    step = Step(code, inbox, settings, date)
    step.require(RECEIVED_ONLY, "rejected", "已交办或已结束的件不能再不予受理。")
    reason = cases.one_line(reason or "")
    if not reason:
        raise Refused(step.where, "--reason", "请用 --reason 写明公开的不予受理理由", "give the public reason")
    step.not_before("rejected", "received", step.m["received"])
    step.case.set("rejected", step.date.isoformat())
    step.case.set("reject_reason", reason)
    return step.commit(f"已登记不予受理（{step.date}）")


def withdraw(code, date=None, inbox=None, settings=None):
    """撤回 by the proposer (before the reply)."""
    step = Step(code, inbox, settings, date)
    step.require(("received",) + HANDLING, "withdrawn", "已答复或已结束的件不能撤回。")
    last = step.m["progress"][-1][0] if step.m["progress"] else (step.m["assigned"] or step.m["received"])
    step.not_before("withdrawn", "上一步", last)
    step.case.set("withdrawn", step.date.isoformat())
    return step.commit(f"已登记撤回（{step.date}）")


def supervise(code, by, inbox=None, settings=None):
    """重点督办: name the supervising leader."""
    step = Step(code, inbox, settings)
    step.require(("received", "assigned", "in_progress", "answered", "rehandling", "evaluated"), "supervised",
                 "已办结或已结束的件不再督办。")
    by = cases.one_line(by or "")
    if not by:
        raise Refused(step.where, "--by", "请用 --by 写明督办领导（如 县人大常委会副主任）", "give --by")
    if step.m["supervised"] and step.m["supervisor"] == by:
        raise Refused(step.where, "supervisor", f"已由“{by}”督办，无需重复登记", f"already supervised by {by}")
    step.case.set("supervised", "是")
    step.case.set("supervisor", by)
    return step.commit(f"已列为重点督办件，督办：{by}")


def followup(code, finding, date=None, inbox=None, settings=None):
    """回头看: a dated finding after the case was closed."""
    step = Step(code, inbox, settings, date)
    step.require(("closed",), "followups", "回头看在办结之后进行；请先 invoke close。")
    finding = _dated_line(finding or "")
    if not finding:
        raise Refused(step.where, "followups", "请写明回头看的情况", "the finding is empty")
    last = step.m["followups"][-1][0] if step.m["followups"] else step.m["closed"]
    step.not_before("followups", "上一步", last)
    lines = cases.lines_of(step.case.get("followups"))
    step.case.set("followups", lines + [f"{step.date.isoformat()} | {finding}"])
    return step.commit(f"已记录回头看（{step.date}）")
