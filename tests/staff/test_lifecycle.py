"""Case handling steps, invoke check on cases, overdue listing, purge."""

import datetime
import json
import shutil
from pathlib import Path

import pytest
from invoke import Context, Exit

from staff_helpers import CHINA, MINI, TODAY, file_bytes, message

from portal_tools import cases, lifecycle, overdue, pull, retention, site

OTHER = "396-K6Z-Y99"  # a published suggestion in the mini content


def new_case(inbox, settings, received=datetime.date(2026, 10, 1), code=None, **overrides):
    """A case exactly as invoke pull writes it; returns its code."""
    stamp = datetime.datetime.combine(received, datetime.time(9, 30), CHINA)
    code, meta, public, original = pull.parse_message(message(code=code, received_at=stamp, **overrides),
                                                      settings)
    meta["message_id"] = "m-" + code
    cases.Case.new(cases.case_path(inbox, code), meta, public, original).save()
    return code


def reply_file(tmp_path, text="经研究，已安排资金，年内完成修复。"):
    path = tmp_path / "reply.md"
    path.write_text(text, "utf-8")
    return path


def d(text):
    return datetime.date.fromisoformat(text)


def build(state, code, inbox, settings, tmp_path, other):
    kw = {"inbox": inbox, "settings": settings}
    answer = reply_file(tmp_path)
    steps = {
        "assigned": [lambda: lifecycle.assign(code, "jt", date="2026-10-05", **kw)],
        "in_progress": ["assigned", lambda: lifecycle.progress(code, "已现场勘察", date="2026-10-10", **kw)],
        "answered": ["in_progress", lambda: lifecycle.reply(code, answer, "A", date="2026-10-20", **kw)],
        "rehandling": ["answered", lambda: lifecycle.evaluate(code, "不满意", date="2026-10-25", **kw)],
        "evaluated": ["answered", lambda: lifecycle.evaluate(code, "满意", date="2026-10-25", **kw)],
        "second_replied": ["rehandling", lambda: lifecycle.second_reply(code, answer, date="2026-11-01", **kw)],
        "closed": ["evaluated", lambda: lifecycle.close(code, date="2026-11-10", **kw)],
        "merged": [lambda: lifecycle.merge(code, other, date="2026-10-03", **kw)],
        "rejected": [lambda: lifecycle.reject(code, "不属于本级人大职权范围", date="2026-10-03", **kw)],
        "withdrawn": ["assigned", lambda: lifecycle.withdraw(code, date="2026-10-08", **kw)],
    }
    for step in steps.get(state, []):
        if isinstance(step, str):
            build(step, code, inbox, settings, tmp_path, other)
        else:
            step()


STATES = ["received", "assigned", "in_progress", "answered", "rehandling", "evaluated",
          "second_replied", "closed", "merged", "rejected", "withdrawn"]


@pytest.fixture(scope="session")
def templates(tmp_path_factory, settings):
    """One case file per state, built once with the real steps."""
    root = tmp_path_factory.mktemp("states")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_TODAY", TODAY)
        for state in STATES:
            inbox = root / state
            other = new_case(inbox, settings)
            code = new_case(inbox, settings)
            build(state, code, inbox, settings, root, other)
            out[state] = (inbox, code, other)
    return out


def commands(tmp_path, other):
    answer = reply_file(tmp_path, "第二份答复：已完成。")
    return {
        "assign": lambda code, **kw: lifecycle.assign(code, "jt", **kw),
        "progress": lambda code, **kw: lifecycle.progress(code, "已协调资金", **kw),
        "reply": lambda code, **kw: lifecycle.reply(code, answer, "B", **kw),
        "evaluate": lambda code, **kw: lifecycle.evaluate(code, "基本满意", **kw),
        "second_reply": lambda code, **kw: lifecycle.second_reply(code, answer, **kw),
        "close": lambda code, **kw: lifecycle.close(code, **kw),
        "merge": lambda code, **kw: lifecycle.merge(code, other, **kw),
        "reject": lambda code, **kw: lifecycle.reject(code, "重复反映", **kw),
        "withdraw": lambda code, **kw: lifecycle.withdraw(code, **kw),
        "supervise": lambda code, **kw: lifecycle.supervise(code, "县人大常委会副主任", **kw),
        "followup": lambda code, **kw: lifecycle.followup(code, "道路已修复，群众满意", **kw),
    }


OPEN = ["received", "assigned", "in_progress", "answered", "rehandling", "evaluated", "second_replied"]
ALLOWED = {  # command -> {state before: state after}
    "assign": {"received": "assigned"},
    "progress": {"assigned": "in_progress", "in_progress": "in_progress"},
    "reply": {"assigned": "answered", "in_progress": "answered"},
    "evaluate": {"answered": "evaluated", "second_replied": "evaluated"},
    "second_reply": {"rehandling": "evaluated"},
    "close": {"evaluated": "closed", "second_replied": "closed"},
    "merge": {"received": "merged"},
    "reject": {"received": "rejected"},
    "withdraw": {"received": "withdrawn", "assigned": "withdrawn", "in_progress": "withdrawn"},
    "supervise": {s: ("evaluated" if s == "second_replied" else s) for s in OPEN},
    "followup": {"closed": "closed"},
}


def state_of(path, settings):
    from portal.problems import Problems
    problems = Problems()
    m = cases.validate(cases.Case.load(path), settings, d(TODAY), problems)
    assert [str(p) for p in problems] == []
    return m


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("command", list(ALLOWED))
def test_every_step_in_every_state(command, state, templates, tmp_path, settings):
    source, code, other = templates[state]
    inbox = tmp_path / "inbox"
    shutil.copytree(source, inbox)
    before = file_bytes(inbox)
    run = commands(tmp_path, other)[command]
    after_state = ALLOWED[command].get(state)
    if after_state is None:
        with pytest.raises(lifecycle.Refused) as refused:
            run(code, inbox=inbox, settings=settings)
        assert file_bytes(inbox) == before, "a refused step must change nothing"
        assert code in str(refused.value)
        assert "当前状态" in str(refused.value) or "二次答复" in str(refused.value)
    else:
        message = run(code, inbox=inbox, settings=settings)
        assert code in message
        m = state_of(inbox / f"{code}.md", settings)
        assert m["state"] == after_state
        changed = {name for name in before if file_bytes(inbox)[name] != before[name]}
        assert changed == {f"{code}.md"}


def test_steps_record_the_right_fields(tmp_path, inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    code = new_case(inbox, settings, target="deputy:d-001")
    path = inbox / f"{code}.md"
    original = cases.Case.load(path)
    lifecycle.assign(code, "jt", date="2026-10-05", **kw)
    case = cases.Case.load(path)
    assert case.meta["assigned"] == "2026-10-05" and case.meta["lead_unit"] == "jt"
    assert case.meta["deadline"] == "2026-11-05"  # DEADLINE_MONTHS 群众意见 = 1
    assert case.body == original.body
    assert {k: v for k, v in case.meta.items() if k not in ("assigned", "lead_unit", "deadline")} == original.meta
    assert list(case.meta) == [k for k in cases.ORDER if k in case.meta]
    lifecycle.progress(code, "已勘察 | 测量\n完毕", date="2026-10-06", **kw)
    lifecycle.progress(code, "已协调资金", **kw)
    case = cases.Case.load(path)
    assert case.meta["progress"] == ["2026-10-06 | 已勘察 ｜ 测量 完毕", f"{TODAY} | 已协调资金"]
    lifecycle.supervise(code, "县人大常委会副主任", **kw)
    lifecycle.supervise(code, "县人大常委会主任", **kw)
    answer = reply_file(tmp_path, "经研究……\n\n## 答复\n\n（正文中的标题不会另起一节）")
    lifecycle.reply(code, answer, "C", face_to_face=True, **kw)
    case = cases.Case.load(path)
    assert (case.meta["answered"], case.meta["result"], case.meta["face_to_face"]) == (TODAY, "C", "是")
    assert case.meta["supervised"] == "是" and case.meta["supervisor"] == "县人大常委会主任"
    sections = case.sections
    assert sections["body"] == original.sections["body"]
    assert sections["original"].strip() == original.sections["original"].strip()
    assert sections["reply"].strip().startswith("经研究") and "second_reply" not in sections
    lifecycle.evaluate(code, "不满意", **kw)
    lifecycle.second_reply(code, reply_file(tmp_path, "二次答复全文。"), **kw)
    lifecycle.evaluate(code, "满意", **kw)
    lifecycle.close(code, **kw)
    lifecycle.followup(code, "半年后回访，道路完好", **kw)
    case = cases.Case.load(path)
    assert case.meta["satisfaction"] == "不满意" and case.meta["second_satisfaction"] == "满意"
    assert case.sections["second_reply"].strip() == "二次答复全文。"
    assert case.meta["closed"] == TODAY and case.meta["followups"] == [f"{TODAY} | 半年后回访，道路完好"]
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []


def test_merge_reject_withdraw_fields(inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    a, b, c, e = (new_case(inbox, settings) for _ in range(4))
    lifecycle.merge(a, b.lower().replace("-", ""), **kw)      # a typed code is normalised
    lifecycle.merge(c, OTHER, **kw)                            # into a published suggestion
    lifecycle.reject(b, "  不属于 本级职权  ", date="2026-10-02", **kw)
    lifecycle.withdraw(e, **kw)
    load = lambda code: cases.Case.load(inbox / f"{code}.md").meta  # noqa: E731
    assert (load(a)["merged_into"], load(a)["merged"]) == (b, TODAY)
    assert load(c)["merged_into"] == OTHER
    assert (load(b)["rejected"], load(b)["reject_reason"]) == ("2026-10-02", "不属于 本级职权")
    assert load(e)["withdrawn"] == TODAY
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []


def refused(call, inbox, field=None, text=None):
    before = file_bytes(inbox)
    with pytest.raises(lifecycle.Refused) as err:
        call()
    assert file_bytes(inbox) == before
    if field:
        assert err.value.field == field, str(err.value)
    if text:
        assert text in str(err.value), str(err.value)
    return str(err.value)


def test_refusals_name_case_field_and_fix(tmp_path, inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    code = new_case(inbox, settings)
    msg = refused(lambda: lifecycle.assign(code, "jtt", **kw), inbox, "--unit", "找不到承办单位“jtt”；可选：jt")
    assert msg.startswith(f"案卷 {code}")
    refused(lambda: lifecycle.assign(code, "jt", assist="jt", **kw), inbox, "--assist")
    refused(lambda: lifecycle.assign(code, "jt", assist="nope", **kw), inbox, "--assist", "nope")
    refused(lambda: lifecycle.assign(code, "", **kw), inbox, "--unit")
    refused(lambda: lifecycle.assign(code, "jt", date="2026-11-23", **kw), inbox, "--date", "之后")
    refused(lambda: lifecycle.assign(code, "jt", date="2026-09-30", **kw), inbox, "assigned", "早于")
    refused(lambda: lifecycle.assign(code, "jt", date="2026/10/05", **kw), inbox, "--date", "YYYY-MM-DD")
    refused(lambda: lifecycle.assign(code, "jt", date="2026-10-05", deadline="2026-10-05", **kw),
            inbox, "--deadline", "应晚于")
    refused(lambda: lifecycle.assign(code, "jt", deadline="tomorrow", **kw), inbox, "--deadline")
    refused(lambda: lifecycle.merge(code, code, **kw), inbox, "--into", "自己")
    from chalicelib import tracking
    unknown = tracking.new_code()
    refused(lambda: lifecycle.merge(code, unknown, **kw), inbox, "--into", "找不到受理编号")
    refused(lambda: lifecycle.merge(code, unknown[:-1] + ("0" if unknown[-1] != "0" else "1"), **kw),
            inbox, "--into", "校验")
    refused(lambda: lifecycle.reject(code, "  ", **kw), inbox, "--reason")
    refused(lambda: lifecycle.supervise(code, "", **kw), inbox, "--by")
    refused(lambda: lifecycle.assign(unknown, "jt", **kw), inbox, "code", "没有这个案卷")
    refused(lambda: lifecycle.assign("K7M", "jt", **kw), inbox, "code")

    lifecycle.assign(code, "jt", date="2026-10-05", **kw)
    refused(lambda: lifecycle.assign(code, "jt", **kw), inbox, "assigned", "改派")
    refused(lambda: lifecycle.progress(code, "记录", date="2026-10-04", **kw), inbox, "progress", "早于")
    refused(lambda: lifecycle.progress(code, "   ", **kw), inbox, "progress")
    refused(lambda: lifecycle.reply(code, reply_file(tmp_path), "E", **kw), inbox, "--result", "A、B、C、D")
    refused(lambda: lifecycle.reply(code, tmp_path / "missing.md", "A", **kw), inbox, "--file")
    refused(lambda: lifecycle.reply(code, reply_file(tmp_path, "  \n"), "A", **kw), inbox, "--file", "空")
    lifecycle.reply(code, reply_file(tmp_path), "A", date="2026-10-20", **kw)
    refused(lambda: lifecycle.evaluate(code, "很好", **kw), inbox, "satisfaction")
    refused(lambda: lifecycle.evaluate(code, "满意", date="2026-10-19", **kw), inbox, "evaluated", "早于")
    refused(lambda: lifecycle.close(code, **kw), inbox, "closed", "--unevaluated")
    lifecycle.evaluate(code, "不满意", date="2026-10-25", **kw)
    refused(lambda: lifecycle.evaluate(code, "满意", **kw), inbox, "second_reply")
    lifecycle.second_reply(code, reply_file(tmp_path), date="2026-11-01", **kw)
    refused(lambda: lifecycle.evaluate(code, "满意", date="2026-10-30", **kw), inbox, "second_satisfaction")
    lifecycle.supervise(code, "县人大常委会副主任", **kw)
    refused(lambda: lifecycle.supervise(code, "县人大常委会副主任", **kw), inbox, "supervisor")
    lifecycle.close(code, date="2026-11-05", **kw)
    refused(lambda: lifecycle.followup(code, "回访", date="2026-11-04", **kw), inbox, "followups", "早于")


def test_close_without_evaluation_only_when_asked(tmp_path, inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    code = new_case(inbox, settings)
    lifecycle.assign(code, "jt", date="2026-10-05", **kw)
    lifecycle.reply(code, reply_file(tmp_path), "D", date="2026-10-20", **kw)
    lifecycle.close(code, unevaluated=True, **kw)
    assert state_of(inbox / f"{code}.md", settings)["state"] == "closed"


def test_a_broken_case_refuses_every_step(inbox, settings):
    code = new_case(inbox, settings)
    path = inbox / f"{code}.md"
    path.write_text(path.read_text("utf-8").replace("received: 2026-10-01", "received: 2026-13-01"), "utf-8")
    refused(lambda: lifecycle.assign(code, "jt", inbox=inbox, settings=settings), inbox, "-", "received")


def test_merge_into_a_merged_case_names_the_right_one(inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    a, b, c = (new_case(inbox, settings) for _ in range(3))
    lifecycle.merge(b, c, **kw)
    refused(lambda: lifecycle.merge(a, b, **kw), inbox, "--into", c)


# -- the invoke tasks ---------------------------------------------------------

def test_tasks_print_and_exit_non_zero_on_refusal(tmp_path, inbox, settings, capsys):
    import tasks
    code = new_case(inbox, settings)
    tasks.assign(Context(), code, unit="jt", assist=None, content=str(MINI))
    assert f"案卷 {code}" in capsys.readouterr().out
    before = file_bytes(inbox)
    with pytest.raises(Exit) as err:
        tasks.evaluate(Context(), code, "满意", content=str(MINI))
    assert err.value.code == 1
    assert "未修改" in capsys.readouterr().err and file_bytes(inbox) == before
    tasks.reply(Context(), code, file=str(reply_file(tmp_path)), result="A", face_to_face=True, content=str(MINI))
    tasks.evaluate(Context(), code, "不满意", content=str(MINI))
    tasks.second_reply(Context(), code, file=str(reply_file(tmp_path)), content=str(MINI))
    tasks.evaluate(Context(), code, "满意", content=str(MINI))
    tasks.close(Context(), code, content=str(MINI))
    tasks.followup(Context(), code, "回访", content=str(MINI))
    assert state_of(inbox / f"{code}.md", settings)["state"] == "closed"


# -- invoke check on cases ----------------------------------------------------

def problems_for(inbox, content=MINI):
    return [str(p) for p in site.check(path=content, inbox=inbox)]


def test_check_lists_hand_edit_mistakes(inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    good = new_case(inbox, settings)
    lifecycle.assign(good, "jt", date="2026-10-05", **kw)
    assert problems_for(inbox) == []
    path = inbox / f"{good}.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("assigned: 2026-10-05", "assigned: 2026-09-05")
                        .replace("lead_unit: jt", "lead_unit: jtt")
                        .replace("channel: web-form", "channel: fax\nsubmitter: 张某"), "utf-8")
    other = new_case(inbox, settings, target="deputy:d-002",
                     content="我叫张三，电话 138 1234 5678，村口道路坑洼严重，请修复。")
    (inbox / f"{other}.md").rename(inbox / "renamed.md")
    problems = problems_for(inbox)
    name = f"{good}.md"

    def has(file, field, text):
        assert any(p.startswith(f"{inbox / file}: {field}: ") and text in p for p in problems), \
            (file, field, problems)

    has(name, "assigned", "早于 received")
    has(name, "lead_unit", "找不到承办单位“jtt”；可选：jt")
    has(name, "channel", "web-form")
    has(name, "submitter", "name / anonymous")
    has("renamed.md", "code", f"{other}.md")
    has("renamed.md", "正文", "电话号码")
    has("renamed.md", "正文", "张三")
    has("renamed.md", "title", "张三")  # the default title is the start of the text
    assert len(problems) == 8, "\n".join(problems)


def test_check_private_field_rules(inbox, settings):
    code = new_case(inbox, settings, target="deputy:d-001")
    path = inbox / f"{code}.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("addressed: d-001", "addressed: d-002")
                        .replace("phone: 13812345678", "phone: 138-1234-5678")
                        .replace("received_at: 2026-10-01T09:30:00+08:00", "received_at: 2026-10-01 09:30"), "utf-8")
    problems = problems_for(inbox)
    assert any(": addressed: " in p and "d-001" in p for p in problems)
    assert any(": phone: " in p for p in problems)
    assert any(": received_at: " in p for p in problems)
    path.write_text(text.replace("phone: 13812345678\n", ""), "utf-8")
    assert any(": phone: " in p and "contact" in p for p in problems_for(inbox))


def test_check_task_covers_cases(inbox, settings, capsys):
    import tasks
    code = new_case(inbox, settings)
    tasks.check(Context(), path=str(MINI), inbox=str(inbox))
    path = inbox / f"{code}.md"
    path.write_text(path.read_text("utf-8").replace("category: 交通出行", "category: 道路"), "utf-8")
    with pytest.raises(Exit):
        tasks.check(Context(), path=str(MINI), inbox=str(inbox))
    assert f"{code}.md: category: " in capsys.readouterr().err


def test_check_of_other_content_ignores_the_default_inbox(env, tmp_path, settings):
    env.delenv("PORTAL_INBOX")
    assert cases.explicit_inbox(settings) is None
    assert cases.explicit_inbox(site.load_settings()) == cases.ROOT / "inbox"
    env.setenv("PORTAL_INBOX", str(tmp_path / "elsewhere"))
    assert cases.explicit_inbox(settings) == tmp_path / "elsewhere"


# -- overdue --------------------------------------------------------------------

def test_overdue_lists_open_cases_by_unit(tmp_path, inbox, content):
    (content / "units" / "sl.md").write_text("id: sl\nname: 县水务局\nkind: 县直部门\n", "utf-8")
    settings = site.load_settings(path=content)
    kw = {"inbox": inbox, "settings": settings}
    late, soon, later, answered, rehandled = (new_case(inbox, settings) for _ in range(5))
    lifecycle.assign(late, "jt", date="2026-10-01", deadline="2026-11-10", **kw)
    lifecycle.assign(soon, "jt", date="2026-10-25", **kw)                       # due 2026-11-25
    lifecycle.assign(later, "sl", date="2026-11-20", **kw)                      # due 2026-12-20
    lifecycle.assign(answered, "sl", date="2026-10-01", deadline="2026-10-10", **kw)
    lifecycle.reply(answered, reply_file(tmp_path), "A", date="2026-10-12", **kw)
    lifecycle.assign(rehandled, "sl", date="2026-10-02", **kw)
    lifecycle.reply(rehandled, reply_file(tmp_path), "B", date="2026-10-10", **kw)
    lifecycle.evaluate(rehandled, "不满意", date="2026-10-15", **kw)              # second reply due 11-15
    groups = overdue.overdue(settings, inbox=inbox, days=7)
    assert [(unit, name, [(i.code, i.days_overdue) for i in items]) for unit, name, items in groups] == [
        ("jt", "县交通运输局", [(late, 12), (soon, -3)]),
        ("sl", "县水务局", [(rehandled, 7)]),
    ]
    text = overdue.report(groups, 7)
    assert "县交通运输局（jt）：2 件" in text and "逾期 12 天" in text and "还剩 3 天" in text
    assert "期限 2026-11-10" in text and "［二次答复］" in text and "共 3 件，其中逾期 2 件" in text
    wide = overdue.overdue(settings, inbox=inbox, days=30)
    assert later in [i.code for _, _, items in wide for i in items]
    assert "没有逾期" in overdue.report(overdue.overdue(settings, inbox=tmp_path / "none"), 7)


# -- purge --------------------------------------------------------------------

def test_purge_removes_contact_data_after_the_period(tmp_path, inbox, settings):
    kw = {"inbox": inbox, "settings": settings}
    old = new_case(inbox, settings, received=datetime.date(2026, 3, 1), name="欧阳明")
    anon = new_case(inbox, settings, received=datetime.date(2026, 3, 1), anonymous=True)
    recent = new_case(inbox, settings, received=datetime.date(2026, 10, 1))
    lifecycle.assign(old, "jt", date="2026-03-02", **kw)
    lifecycle.reply(old, reply_file(tmp_path), "A", date="2026-03-20", **kw)
    lifecycle.evaluate(old, "满意", date="2026-03-25", **kw)
    lifecycle.close(old, date="2026-04-01", **kw)
    lifecycle.withdraw(anon, date="2026-03-05", **kw)
    lifecycle.reject(recent, "重复", date="2026-10-02", **kw)
    quarantined = inbox / "quarantine"
    quarantined.mkdir()
    (quarantined / "old.json").write_text(json.dumps({"quarantined_at": "2026-01-01T10:00:00+08:00",
                                                      "body": "13812345678"}), "utf-8")
    (quarantined / "new.json").write_text(json.dumps({"quarantined_at": "2026-11-01T10:00:00+08:00",
                                                      "body": "x"}), "utf-8")
    before = {code: cases.Case.load(inbox / f"{code}.md") for code in (old, anon, recent)}
    recent_bytes = (inbox / f"{recent}.md").read_bytes()

    purged, dropped = retention.purge(settings, inbox=inbox, days=180, dry_run=True)
    assert len(purged) == 2 and (inbox / "quarantine" / "old.json").exists()

    purged, dropped = retention.purge(settings, inbox=inbox)  # PORTAL_RETENTION_DAYS default 180
    assert sorted(p.stem for p, _ in purged) == sorted([old, anon])
    assert [p.name for p in dropped] == ["old.json"]
    assert (inbox / f"{recent}.md").read_bytes() == recent_bytes
    for code, name in ((old, "欧阳某"), (anon, None)):
        case = cases.Case.load(inbox / f"{code}.md")
        assert case.get("name") == name
        for key in ("phone", "contact", "message_id"):
            assert key not in case.meta
        assert case.sections["original"].strip() == cases.PURGED_NOTE
        # The public record is untouched.
        public = {k: v for k, v in before[code].meta.items() if k in cases.PUBLIC_ORDER}
        assert {k: v for k, v in case.meta.items() if k in cases.PUBLIC_ORDER} == public
        assert case.sections["body"] == before[code].sections["body"]
        assert case.sections.get("reply") == before[code].sections.get("reply")
    assert [str(p) for p in cases.check_cases(settings, inbox=inbox)] == []
    text = retention.report(purged, dropped, 180)
    assert f"{old}.md: name, phone, contact, message_id, ## 原文" in text
    again, dropped = retention.purge(settings, inbox=inbox)
    assert again == [] and dropped == []
