"""Every type validates its metadata; problems name file, field and fix."""

import pytest

from conftest import check, edit, build, site


def problems_for(content):
    return [str(p) for p in check(content)]


def only(problems, needle):
    hits = [p for p in problems if needle in p]
    assert hits, f"no problem mentions {needle!r}: {problems}"
    return hits[0]


def test_mini_content_is_valid(mini):
    assert problems_for(mini) == []


@pytest.mark.parametrize("field", ["name", "levels", "term", "constituency", "group", "station",
                                   "occupation", "ethnicity", "gender"])
def test_deputy_required_fields(mini, field):
    path = mini / "deputies" / "d-001.md"
    lines = [l for l in path.read_text("utf-8").split("\n") if not l.startswith(f"{field}:")]
    path.write_text("\n".join(lines), "utf-8")
    problem = only(problems_for(mini), f"deputies/d-001.md: {field}:")
    assert "缺少必填项" in problem and "required field is missing" in problem


def test_invalid_values_say_what_is_expected(mini):
    dep = mini / "deputies" / "d-001.md"
    edit(dep, "levels: 县, 乡镇", "levels: 县, 村")
    edit(dep, "gender: 女", "gender: F")
    edit(dep, "households: 20", "households: 二十")
    edit(dep, "new: 是", "new: yes")
    problems = problems_for(mini)
    assert "“村”无效，应为以下之一：全国、省、市、县、乡镇" in only(problems, "d-001.md: levels:")
    assert "expected one of: 男, 女" in only(problems, "d-001.md: gender:")
    assert "整数" in only(problems, "d-001.md: households:")
    assert "应为“是”或“否”" in only(problems, "d-001.md: new:")


def test_unknown_field_suggests_the_right_name(mini):
    edit(mini / "deputies" / "d-001.md", "station: qs", "statoin: qs")
    problems = problems_for(mini)
    assert "是否应为“station”" in only(problems, "d-001.md: statoin:")
    only(problems, "d-001.md: station: 缺少必填项")


def test_bad_id_and_duplicate_id(mini):
    (mini / "deputies" / "zz-copy.md").write_text(
        (mini / "deputies" / "d-002.md").read_text("utf-8"), "utf-8")
    edit(mini / "units" / "jt.md", "id: jt", "id: 交通局")
    problems = problems_for(mini)
    assert "d-002.md 重复" in only(problems, "deputies/zz-copy.md: id:")
    assert "小写英文字母" in only(problems, "units/jt.md: id:")


def test_station_fields(mini):
    path = mini / "stations" / "qs.md"
    edit(path, "coordinates: 24.31, 103.62", "coordinates: 北纬24度")
    edit(path, "kind: 代表之家", "kind: 活动室")
    edit(path, "phone: 0873-6123456", "phone: 请来电")
    problems = problems_for(mini)
    assert "纬度, 经度" in only(problems, "qs.md: coordinates:")
    assert "代表之家、代表联络站" in only(problems, "qs.md: kind:")
    assert "不像电话号码" in only(problems, "qs.md: phone:")


def test_dangling_references(mini):
    edit(mini / "deputies" / "d-001.md", "station: qs", "station: qx")
    edit(mini / "reception-days" / "market.md", "    d-002\n", "    d-009\n")
    edit(mini / "suggestions" / "a.md", "lead_unit: jt", "lead_unit: jiaotong")
    problems = problems_for(mini)
    assert "找不到联络站“qx”；可选：qs" in only(problems, "d-001.md: station:")
    assert "unknown deputy 'd-009'" in only(problems, "market.md: rota:")
    assert "找不到承办单位“jiaotong”" in only(problems, "a.md: lead_unit:")


def test_dates_cannot_go_backwards(mini):
    edit(mini / "suggestions" / "a.md", "answered: 2026-11-01", "answered: 2026-10-15")
    problem = only(problems_for(mini), "a.md: answered:")
    assert "早于 progress 的 2026-10-20" in problem and "cannot go backwards" in problem


def test_dates_cannot_be_in_the_future(mini):
    edit(mini / "suggestions" / "a.md", "closed: 2026-11-06", "closed: 2026-12-06")
    assert "在今天（2026-11-22）之后" in only(problems_for(mini), "a.md: closed:")


def test_lifecycle_requirements(mini):
    path = mini / "suggestions" / "a.md"
    edit(path, "result: A\n", "")
    edit(path, "satisfaction: 满意\n", "satisfaction: 满意\nsecond_reply: 2026-11-06\n")
    problems = problems_for(mini)
    only(problems, "a.md: result: 已答复的件必须填写办理结果类别")
    only(problems, "a.md: second_reply: 只有评价为“不满意”的件才有二次答复")


def test_submitter_full_name_is_refused(mini):
    edit(mini / "suggestions" / "a.md", "submitter: 王某", "submitter: 王小明")
    assert "不能公开群众全名" in only(problems_for(mini), "a.md: submitter:")


def test_tracking_code_check_symbol(mini):
    path = mini / "suggestions" / "a.md"
    text = path.read_text("utf-8")
    code = text.split("code: ")[1].split("\n")[0]
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    path.write_text(text.replace(code, typo), "utf-8")
    assert "校验不符" in only(problems_for(mini), "a.md: code:")


def test_reception_schedule_problems(mini):
    path = mini / "reception-days" / "market.md"
    edit(path, "2026-10-02 | 取消", "2026-10-03 | 取消")
    edit(path, "repeat: 每周五", "repeat: 每逢赶集")
    edit(path, "end: 12:00", "end: 08:00")
    problems = problems_for(mini)
    assert "“每逢赶集”无法识别" in only(problems, "market.md: repeat:")
    assert "结束时间应晚于开始时间" in only(problems, "market.md: end:")


def test_exception_and_record_dates_must_be_days_of_the_schedule(mini):
    path = mini / "reception-days" / "market.md"
    edit(path, "2026-10-02 | 取消", "2026-10-03 | 取消")
    edit(path, "2026-10-09 | 12 | 4", "2026-10-02 | 12 | 4")
    problems = problems_for(mini)
    assert "2026-10-03 不是本接待日安排中的日期" in only(problems, "market.md: exceptions:")


def test_record_in_the_future_is_refused(mini):
    edit(mini / "reception-days" / "market.md", "2026-10-09 | 12 | 4", "2026-11-27 | 12 | 4")
    assert "尚未到来" in only(problems_for(mini), "market.md: records:")


def test_suggestion_reception_reference(mini):
    edit(mini / "suggestions" / "a.md", "reception: market 2026-10-09", "reception: market 2026-10-02")
    assert "在 2026-10-02 没有举行" in only(problems_for(mini), "a.md: reception:")


def test_build_fails_with_the_same_report_and_no_traceback(mini, tmp_path):
    edit(mini / "deputies" / "d-001.md", "station: qs", "station: qx")
    with pytest.raises(site.content_error()) as err:
        build(mini, tmp_path / "out")
    report = err.value.report()
    assert "d-001.md: station: 找不到联络站“qx”" in report
    assert "Traceback" not in report
    assert not (tmp_path / "out" / "index.html").exists()


def test_invoke_check_exit_code_and_output(mini):
    import subprocess
    import sys
    from conftest import ROOT
    ok = subprocess.run([sys.executable, "-m", "invoke", "check", "--path", str(mini)], cwd=ROOT,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    edit(mini / "deputies" / "d-001.md", "gender: 女", "gender: F")
    bad = subprocess.run([sys.executable, "-m", "invoke", "check", "--path", str(mini)], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 1
    assert "deputies/d-001.md: gender:" in bad.stderr
    assert "Traceback" not in bad.stderr + bad.stdout


def test_answered_needs_reply_text_and_original_is_never_public(mini):
    path = mini / "suggestions" / "a.md"
    edit(path, "## 答复\n\n经研究，已列入计划。", "## 原文\n\n我叫王小明，电话13812345678。")
    problems = problems_for(mini)
    only(problems, "a.md: ## 答复: 已答复的件必须在“## 答复”下写明答复全文")
    only(problems, "a.md: ## 原文: “原文”是私密案卷的内容")
